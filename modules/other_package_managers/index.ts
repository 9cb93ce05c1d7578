// The package and repository modules of RPM and SUSE systems (yum, dnf, rpm_key, yum_repository, zypper,
// zypper_repository). fleetplay manages Debian nodes with apt; public roles still carry these tasks for
// other distributions, behind a `when` on the OS family. They are known here so such a role validates and
// its Debian run never notices them; on a host that reaches one, the task fails and says why.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads, type ModuleDefinition } from '../../engine/module.ts';

// Their arguments are not checked: the task can only fail, and Ansible's argument lists for these
// modules are long and change between versions.
const anyArgs = { type: 'object', additionalProperties: true } as const;

type AnyArgs = FromSchema<typeof anyArgs>;

/** What each module manages, and the module a Debian host would use instead. */
const FOREIGN: Record<string, { what: string; instead: string }> = {
  yum: { what: 'RPM packages with yum (RedHat family)', instead: 'apt or package' },
  dnf: { what: 'RPM packages with dnf (RedHat family)', instead: 'apt or package' },
  dnf5: { what: 'RPM packages with dnf5 (Fedora)', instead: 'apt or package' },
  rpm_key: { what: 'RPM signing keys (RedHat family)', instead: 'apt_key, or deb822_repository with signed_by' },
  yum_repository: { what: 'yum repositories (RedHat family)', instead: 'deb822_repository' },
  zypper: { what: 'packages with zypper (SUSE)', instead: 'apt or package' },
  zypper_repository: { what: 'zypper repositories (SUSE)', instead: 'deb822_repository' },
};

function foreignModule(name: string, what: string, instead: string): ModuleDefinition {
  return defineModule<AnyArgs, null, never>({
    name,
    summary: `${what}: known so that multi-OS roles validate; fails on a host that reaches it (use ${instead})`,
    runsOn: 'controller',
    schema: anyArgs,
    probe: () => noReads(null),
    decide: () => ({
      kind: 'failed',
      msg: `${name} manages ${what}; fleetplay manages Debian hosts only (use ${instead}), so this task cannot run here. Roles guard such tasks with a when on ansible_facts.os_family`,
    }),
  });
}

/** yum, dnf, rpm_key, yum_repository, zypper and zypper_repository: known, and failing on any host that reaches them. */
export const otherPackageManagerModules: ModuleDefinition[] = Object.entries(FOREIGN).map(([name, m]) =>
  foreignModule(name, m.what, m.instead),
);
