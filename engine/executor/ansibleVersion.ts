// ansible_version: the ansible-core release whose behaviour fleetplay follows, as Ansible sets it for every play
// (an options variable, there without gathering facts). Roles gate tasks on it
// (`ansible_version.full is version_compare('2.12', '>=')`), so it names a release with the features fleetplay
// has (deb822_repository 2.15, the sequence lookup's keyword defaults 2.15, passlib-era password_hash 2.17).
import type { Vars } from '../types.ts';

/** The ansible-core version fleetplay answers to in `ansible_version`. */
export const ANSIBLE_CORE_VERSION = '2.17.0';

/** `ansible_version` as Ansible shapes it: full, major, minor, revision and string. */
export function ansibleVersionVar(version = ANSIBLE_CORE_VERSION): Vars {
  const [major = 0, minor = 0, revision = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  return { full: version, major, minor, revision, string: version };
}
