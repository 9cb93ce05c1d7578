// The apt module's arguments, normalised: package specs, state and options with Ansible's defaults.
import type { AptArgs } from './schema.ts';

/** One requested package: `name`, or `name=version` (a trailing `*` in the version matches a prefix). */
export interface PackageSpec {
  name: string;
  version?: string;
  /** As written, passed to apt-get. */
  arg: string;
}

/** Everything the apt module was asked to do. */
export interface AptRequest {
  packages: PackageSpec[];
  state: 'present' | 'absent' | 'latest';
  purge: boolean;
  autoremove: boolean;
  updateCache: boolean;
  /** Seconds; undefined means "always update" when updateCache is set. */
  cacheValidTime?: number;
  installRecommends?: boolean;
  allowChangeHeld?: boolean;
  lockTimeout: number;
}

/** Default seconds to wait for the dpkg lock (Ansible's lock_timeout default). */
export const DEFAULT_LOCK_TIMEOUT = 60;

/** Splits one `name[=version]` argument. */
export function parsePackageSpec(arg: string): PackageSpec {
  const eq = arg.indexOf('=');
  return eq < 0 ? { name: arg, arg } : { name: arg.slice(0, eq), version: arg.slice(eq + 1), arg };
}

/** Reads the (schema-validated) arguments; `name`, `pkg` and `package` are one list, strings split at commas. */
export function aptRequest(args: AptArgs): AptRequest {
  const raw = args.name ?? args.pkg ?? args.package;
  const list = raw === undefined ? [] : typeof raw === 'string' ? raw.split(',') : raw;
  const names = list.map((s) => s.trim()).filter(Boolean);
  const cacheValidTime = args.cache_valid_time;
  return {
    packages: [...new Set(names)].map(parsePackageSpec),
    state: args.state ?? 'present',
    purge: args.purge === true,
    autoremove: args.autoremove === true,
    // As in Ansible (2.4+), giving cache_valid_time turns update_cache on unless it is explicitly false.
    updateCache: args.update_cache === true || (cacheValidTime !== undefined && args.update_cache !== false),
    ...(cacheValidTime !== undefined ? { cacheValidTime } : {}),
    ...(args.install_recommends !== undefined ? { installRecommends: args.install_recommends } : {}),
    ...(args.allow_change_held_packages === true ? { allowChangeHeld: true } : {}),
    lockTimeout: args.lock_timeout ?? DEFAULT_LOCK_TIMEOUT,
  };
}

/** True when an installed version satisfies a spec's version (exact, or prefix with a trailing `*`). */
export function versionMatches(spec: PackageSpec, installed: string): boolean {
  if (spec.version === undefined) return true;
  return spec.version.endsWith('*') ? installed.startsWith(spec.version.slice(0, -1)) : installed === spec.version;
}
