// dpkg's view of packages: the dpkg-query probe, its parser, and what changed between two snapshots.
import { shellCommand } from '../../engine/quote.ts';

/** One package line of `dpkg-query -W`: Status is "want flag status", e.g. "install ok installed". */
export interface DpkgPackage {
  name: string;
  want: string;
  status: string;
  version: string;
}

/** Packages by name, plus the names dpkg has never heard of. */
export interface DpkgState {
  packages: Map<string, DpkgPackage>;
  unknown: string[];
}

const FIELDS = '\\t${Status}\\t${Version}\\n';

/** dpkg-query for the given names (one line each; unknown names go to stderr). */
export function dpkgQueryCommand(names: readonly string[]): string {
  return shellCommand('dpkg-query', '-W', `-f=\${Package}${FIELDS}`, '--', ...names);
}

/** dpkg-query over every package dpkg knows (arch-qualified names where several architectures exist). */
export function dpkgAllCommand(): string {
  return shellCommand('dpkg-query', '-W', `-f=\${binary:Package}${FIELDS}`);
}

/**
 * Parses dpkg-query's stdout and stderr. "no packages found matching X" makes X unknown; any other
 * error line is thrown, since the state could not be read.
 */
export function parseDpkgQuery(stdout: string, stderr = ''): DpkgState {
  const packages = new Map<string, DpkgPackage>();
  for (const line of stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (!name || status === undefined) continue;
    const [want = '', , state = ''] = status.split(' ');
    const pkg = { name, want, status: state, version: version ?? '' };
    const seen = packages.get(name);
    // With several architectures of one name, the installed one describes the name.
    if (!seen || (!isInstalled(seen) && isInstalled(pkg))) packages.set(name, pkg);
  }
  const unknown: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.trim()) continue;
    const m = /^dpkg-query: no packages found matching (\S+)$/.exec(line.trim());
    if (m) unknown.push(m[1] as string);
    else throw new Error(`dpkg-query failed: ${line.trim()}`);
  }
  return { packages, unknown };
}

/** True when the package is unpacked and configured (what `state: present` wants). */
export function isInstalled(p: DpkgPackage | undefined): boolean {
  return p !== undefined && ['installed', 'triggers-pending', 'triggers-awaiting'].includes(p.status);
}

/** True when anything of the package is on disk beyond its conffiles (what `state: absent` removes). */
export function hasFiles(p: DpkgPackage | undefined): boolean {
  return p !== undefined && p.status !== '' && p.status !== 'not-installed' && p.status !== 'config-files';
}

/** True when only the package's conffiles are left (what `purge: true` also removes). */
export function hasConfigFilesOnly(p: DpkgPackage | undefined): boolean {
  return p?.status === 'config-files';
}

/** Packages whose dpkg state differs between two snapshots, by kind of change; names sorted. */
export interface PackageChanges {
  installed: string[];
  upgraded: string[];
  removed: string[];
  purged: string[];
}

/**
 * Compares two snapshots of dpkg's state and sorts the differences into kinds of change. A package dpkg
 * forgets entirely (it had no conffiles) counts as removed, or as purged when `purge` was asked for.
 * Snapshots keyed by `${binary:Package}` name packages without their `:arch` unless two architectures share a name.
 */
export function comparePackages(before: DpkgState, after: DpkgState, options: { purge: boolean }): PackageChanges {
  const out: PackageChanges = { installed: [], upgraded: [], removed: [], purged: [] };
  const keys = [...new Set([...before.packages.keys(), ...after.packages.keys()])];
  const base = (k: string) => k.replace(/:[^:]*$/, '');
  const shown = (k: string) => (keys.filter((x) => base(x) === base(k)).length > 1 ? k : base(k));
  for (const key of keys.sort()) {
    const a = before.packages.get(key);
    const b = after.packages.get(key);
    if (hasFiles(b)) {
      if (!hasFiles(a)) out.installed.push(shown(key));
      else if (a?.version !== b?.version || a?.status !== b?.status) out.upgraded.push(shown(key));
    } else if (hasFiles(a)) {
      (hasConfigFilesOnly(b) || !options.purge ? out.removed : out.purged).push(shown(key));
    } else if (hasConfigFilesOnly(a) && !hasConfigFilesOnly(b)) {
      out.purged.push(shown(key));
    }
  }
  return out;
}

/** Total number of packages in a PackageChanges. */
export function changeCount(c: PackageChanges): number {
  return c.installed.length + c.upgraded.length + c.removed.length + c.purged.length;
}
