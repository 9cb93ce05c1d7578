// The apt module's arguments, normalised: package specs, state and options with Ansible's defaults.
import type { AptArgs } from './schema.ts';

/** One requested package: `name`, or `name=version` (a trailing `*` in the version matches a prefix). */
export interface PackageSpec {
  name: string;
  version?: string;
  /** As written, passed to apt-get. */
  arg: string;
}

/** Where `deb` comes from: a file on the host, or a URL the host downloads. */
export type DebSource = { kind: 'path'; path: string } | { kind: 'url'; url: string };

/** apt-get's upgrade verbs: `safe` is `upgrade --with-new-pkgs`, `dist` is `dist-upgrade` (Ansible with apt-get). */
export type UpgradeMode = 'safe' | 'dist';

/** Options that go on every apt-get command line of the task (simulated and real). */
export interface AptFlags {
  /** undefined leaves apt's own configuration in charge. */
  installRecommends?: boolean;
  /** Let apt install another version of a held package (Ansible's allow_change_held_packages). */
  allowChangeHeld?: boolean;
  defaultRelease?: string;
  allowDowngrade?: boolean;
  allowUnauthenticated?: boolean;
  onlyUpgrade?: boolean;
  failOnAutoremove?: boolean;
  /** Ansible's `force`: apt-get --force-yes. */
  force?: boolean;
}

/** Everything the apt module was asked to do. */
export interface AptRequest extends AptFlags {
  packages: PackageSpec[];
  state: 'present' | 'absent' | 'latest' | 'fixed' | 'build-dep';
  purge: boolean;
  autoremove: boolean;
  autoclean: boolean;
  clean: boolean;
  upgrade?: UpgradeMode;
  deb?: DebSource;
  updateCache: boolean;
  /** Seconds; undefined means "always update" when updateCache is set. */
  cacheValidTime?: number;
  updateRetries: number;
  updateMaxDelay: number;
  /** Each becomes `-o Dpkg::Options::=--<option>` on the real run. */
  dpkgOptions: string[];
  policyRcD?: number;
  lockTimeout: number;
  /** Arguments Ansible refuses together, found before any read. */
  error?: string;
}

/** Default seconds to wait for the dpkg lock (Ansible's lock_timeout default). */
export const DEFAULT_LOCK_TIMEOUT = 60;

/** Ansible's dpkg_options default. */
export const DEFAULT_DPKG_OPTIONS = 'force-confdef,force-confold';

/** Splits one `name[=version]` argument. */
export function parsePackageSpec(arg: string): PackageSpec {
  const eq = arg.indexOf('=');
  return eq < 0 ? { name: arg, arg } : { name: arg.slice(0, eq), version: arg.slice(eq + 1), arg };
}

function upgradeMode(value: AptArgs['upgrade']): UpgradeMode | undefined {
  if (value === undefined || value === false || value === 'no') return undefined;
  // Without aptitude, Ansible runs `full` as apt-get dist-upgrade and `yes`/`safe` as upgrade --with-new-pkgs.
  return value === 'dist' || value === 'full' ? 'dist' : 'safe';
}

function debSource(deb: string | undefined): DebSource | undefined {
  if (deb === undefined) return undefined;
  return deb.includes('://') ? { kind: 'url', url: deb } : { kind: 'path', path: deb };
}

function conflicts(args: AptArgs, names: string[]): string | undefined {
  const given = ['deb', 'package', 'upgrade'].filter((k) =>
    k === 'package' ? (args.name ?? args.pkg ?? args.package) : (args as Record<string, unknown>)[k] !== undefined,
  );
  if (given.length > 1) return `parameters are mutually exclusive: deb|package|upgrade (given: ${given.join(', ')})`;
  if (names.includes('*') && names.length > 1) return 'unable to install additional packages when upgrading all installed packages';
  if (names.includes('*') && args.state !== 'latest')
    return "name '*' is only supported with state: latest (it upgrades every installed package)";
  if (args.deb !== undefined && (args.state ?? 'present') !== 'present') return 'deb only supports state=present';
  if (args.deb !== undefined && !args.deb.includes('://') && !args.deb.startsWith('/'))
    return `deb must be an absolute path on the host or a URL, not '${args.deb}'`;
  return undefined;
}

/** Reads the (schema-validated) arguments; `name`, `pkg` and `package` are one list, strings split at commas. */
export function aptRequest(args: AptArgs): AptRequest {
  const raw = args.name ?? args.pkg ?? args.package;
  const list = raw === undefined ? [] : typeof raw === 'string' ? raw.split(',') : raw;
  const names = list.map((s) => s.trim()).filter(Boolean);
  const cacheValidTime = args.cache_valid_time;
  const error = conflicts(args, names);
  // `name: '*'` with state latest is Ansible's `upgrade: yes`.
  const all = names.length === 1 && names[0] === '*' && args.state === 'latest';
  const upgrade = all ? 'safe' : upgradeMode(args.upgrade);
  const deb = debSource(args.deb);
  return {
    packages: all ? [] : [...new Set(names)].map(parsePackageSpec),
    state: args.state ?? 'present',
    purge: args.purge === true,
    autoremove: args.autoremove === true,
    autoclean: args.autoclean === true,
    clean: args.clean === true,
    ...(upgrade ? { upgrade } : {}),
    ...(deb ? { deb } : {}),
    // As in Ansible (2.4+), a non-zero cache_valid_time turns update_cache on unless it is explicitly false.
    updateCache: args.update_cache === true || (cacheValidTime !== undefined && cacheValidTime > 0 && args.update_cache !== false),
    ...(cacheValidTime ? { cacheValidTime } : {}),
    updateRetries: args.update_cache_retries ?? 5,
    updateMaxDelay: args.update_cache_retry_max_delay ?? 12,
    dpkgOptions: (args.dpkg_options ?? DEFAULT_DPKG_OPTIONS).split(','),
    ...(args.policy_rc_d !== undefined ? { policyRcD: args.policy_rc_d } : {}),
    ...(args.install_recommends !== undefined ? { installRecommends: args.install_recommends } : {}),
    ...(args.allow_change_held_packages === true ? { allowChangeHeld: true } : {}),
    ...(args.default_release !== undefined ? { defaultRelease: args.default_release } : {}),
    // Ansible's force implies allow_unauthenticated and allow_downgrade.
    ...(args.allow_downgrade === true || args.force === true ? { allowDowngrade: true } : {}),
    ...(args.allow_unauthenticated === true || args.force === true ? { allowUnauthenticated: true } : {}),
    ...(args.force === true ? { force: true } : {}),
    ...(args.only_upgrade === true ? { onlyUpgrade: true } : {}),
    ...(args.fail_on_autoremove === true ? { failOnAutoremove: true } : {}),
    lockTimeout: args.lock_timeout ?? DEFAULT_LOCK_TIMEOUT,
    ...(error ? { error } : {}),
  };
}

/** The flags of a request that go on apt-get command lines. */
export function aptFlags(req: AptRequest): AptFlags {
  const keys = [
    'installRecommends',
    'allowChangeHeld',
    'defaultRelease',
    'allowDowngrade',
    'allowUnauthenticated',
    'onlyUpgrade',
    'failOnAutoremove',
    'force',
  ] as const;
  const out: AptFlags = {};
  for (const k of keys) if (req[k] !== undefined) Object.assign(out, { [k]: req[k] });
  return out;
}

/** True when an installed version satisfies a spec's version (exact, or prefix with a trailing `*`). */
export function versionMatches(spec: PackageSpec, installed: string): boolean {
  if (spec.version === undefined) return true;
  return spec.version.endsWith('*') ? installed.startsWith(spec.version.slice(0, -1)) : installed === spec.version;
}
