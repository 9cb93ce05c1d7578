// apt-get command lines (simulated and real) and the parsers of what apt-get prints.
import { shellCommand, shellQuote } from '../../engine/quote.ts';
import type { AptFlags } from './request.ts';

/** One apt-get action: what to run on which packages, with the task's flags (request.ts). */
export interface AptAction extends AptFlags {
  verb: 'install' | 'remove' | 'purge' | 'autoremove' | 'build-dep' | 'upgrade' | 'dist-upgrade';
  /** Package arguments (`name`, `name=version`, or `./package.deb`); empty for a plain autoremove or upgrade. */
  packages: string[];
  autoremove: boolean;
  /** With verb autoremove: purge what is removed. */
  purge: boolean;
  /** Ansible's state: fixed (apt-get --fix-broken). */
  fixBroken?: boolean;
}

/** One package change apt-get announced (`Inst`, `Remv`, `Purg` lines of a simulation). */
export interface PlannedChange {
  action: 'install' | 'upgrade' | 'remove' | 'purge';
  name: string;
  /** Installed version before, if any. */
  from?: string;
  /** Version after, for install/upgrade. */
  to?: string;
}

// Which of the task's flags Ansible passes to each apt-get verb.
const INSTALLS = new Set(['install', 'build-dep']);
const UPGRADES = new Set(['upgrade', 'dist-upgrade']);

function actionWords(a: AptAction): string[] {
  const installs = INSTALLS.has(a.verb);
  const upgrades = UPGRADES.has(a.verb);
  const words: string[] = [a.verb];
  if (a.verb === 'upgrade') words.push('--with-new-pkgs');
  if (a.autoremove && a.verb !== 'autoremove' && a.verb !== 'build-dep') words.push('--autoremove');
  if (a.verb === 'autoremove' && a.purge) words.push('--purge');
  if (installs && a.onlyUpgrade) words.push('--only-upgrade');
  if (installs && a.fixBroken) words.push('--fix-broken');
  if (a.force) words.push('--force-yes');
  if ((installs || upgrades) && a.failOnAutoremove) words.push('--no-remove');
  if ((installs || upgrades) && a.defaultRelease !== undefined) words.push('-t', a.defaultRelease);
  if (installs && a.installRecommends !== undefined) words.push('-o', `APT::Install-Recommends=${a.installRecommends}`);
  if ((installs || upgrades) && a.allowUnauthenticated) words.push('--allow-unauthenticated');
  if ((installs || upgrades) && a.allowDowngrade) words.push('--allow-downgrades');
  if (a.allowChangeHeld && !upgrades) words.push('--allow-change-held-packages');
  // `--` keeps package arguments from ever being read as options.
  return [...words, ...(a.packages.length ? ['--', ...a.packages] : [])];
}

/**
 * apt-get options that build its cache from dpkg's status alone: no package lists, no cache file read
 * or written. What autoremove finds depends only on installed packages (their dependencies, Provides
 * and auto marks are all in the status file), so the answer is the same, in about 20 ms instead of the
 * 0.4-0.5 s of loading the lists' cache (and rebuilding it after another tool changed dpkg's state).
 */
export const STATUS_ONLY_OPTIONS = [
  '-o',
  'Dir::Etc::SourceList=/dev/null',
  '-o',
  'Dir::Etc::SourceParts=/dev/null',
  '-o',
  'Dir::State::Lists=/nonexistent',
  '-o',
  'Dir::Cache::pkgcache=',
  '-o',
  'Dir::Cache::srcpkgcache=',
] as const;

/** Whether a simulation of `a` needs only installed packages: a plain autoremove. */
export function statusOnly(a: AptAction): boolean {
  return a.verb === 'autoremove' && a.packages.length === 0 && !a.fixBroken;
}

/** A read-only simulation (`apt-get -s`): takes no lock and changes nothing. */
export function simulateCommand(a: AptAction): string {
  return shellCommand('apt-get', '-s', '-y', ...(statusOnly(a) ? STATUS_ONLY_OPTIONS : []), ...actionWords(a));
}

/**
 * Shell lines for check mode, run after a simulation whose stdout is in $s: for each package it would
 * remove, `@@conf <pkg> <path>` per conffile and `@@owned <pkg> <path>` per file it owns (directories
 * left out: packages share them); and `@@usrmerge` on a merged-/usr host. dpkg-query runs only for
 * packages the simulation removes, so a no-op costs nothing more.
 */
export function ownedFilesCommand(): string {
  return [
    'if [ -L /lib ]; then echo @@usrmerge; fi',
    `printf '%s\\n' "$s" | awk '$1=="Remv"||$1=="Purg"{print $2}' | while IFS= read -r p; do`,
    `  dpkg-query -W -f='\${Conffiles}\\n' -- "$p" 2>/dev/null | awk -v p="$p" 'NF>=2{print "@@conf " p " " $1}'`,
    `  dpkg-query -L -- "$p" 2>/dev/null | while IFS= read -r f; do case "$f" in /*) [ -d "$f" ] || printf '@@owned %s %s\\n' "$p" "$f";; esac; done`,
    'done',
  ].join('\n');
}

/** A simulation for check mode: apt-get's output, then ownedFilesCommand's lines; keeps apt-get's exit code. */
export function simulationWithFilesCommand(simulate: string): string {
  return [`s=$(${simulate}); sr=$?`, `printf '%s\\n' "$s"`, `if [ "$sr" = 0 ]; then`, ownedFilesCommand(), 'fi', '(exit "$sr")'].join('\n');
}

/**
 * Check mode, with a simulation another host ran (sharedSimulation.ts): prints that simulation's stdout
 * again, then this host's ownedFilesCommand lines, as simulationWithFilesCommand would have.
 */
export function ownedFilesAfterCommand(simStdout: string): string {
  return [`s=${shellQuote(simStdout)}`, `printf '%s\\n' "$s"`, ownedFilesCommand()].join('\n');
}

/** A check-mode simulation's output without this host's ownedFilesCommand lines (all begin with @@). */
export function withoutOwnedFiles(stdout: string): string {
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('@@'))
    .join('\n');
}

/** Ansible's dpkg_options default: keep changed conffiles without asking. */
const DEFAULT_DPKG = ['force-confdef', 'force-confold'];

/** The real command: non-interactive, with dpkg_options, waits up to `lockTimeout` s for the dpkg lock. */
export function applyCommand(a: AptAction, lockTimeout: number, dpkgOptions: readonly string[] = DEFAULT_DPKG): string {
  return `DEBIAN_FRONTEND=noninteractive ${shellCommand(
    'apt-get',
    '-y',
    '-o',
    `DPkg::Lock::Timeout=${lockTimeout}`,
    ...dpkgOptions.flatMap((o) => ['-o', `Dpkg::Options::=--${o}`]),
    ...actionWords(a),
  )}`;
}

/** Parses the Inst/Remv/Purg lines of `apt-get -s`; one entry per package, purge winning over remove. */
export function parseSimulation(stdout: string): PlannedChange[] {
  const byName = new Map<string, PlannedChange>();
  for (const line of stdout.split('\n')) {
    const inst = /^Inst (\S+)(?: \[([^\]]*)\])? \((\S+)/.exec(line);
    if (inst) {
      const [, name = '', from, to] = inst;
      byName.set(name, { action: from ? 'upgrade' : 'install', name, ...(from ? { from } : {}), ...(to ? { to } : {}) });
      continue;
    }
    const rm = /^(Remv|Purg) (\S+)(?: \[([^\]]*)\])?/.exec(line);
    if (rm) {
      const [, verb, name = '', from] = rm;
      if (verb === 'Remv' && byName.get(name)?.action === 'purge') continue;
      byName.set(name, { action: verb === 'Purg' ? 'purge' : 'remove', name, ...(from ? { from } : {}) });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** apt's error lines ("E: ..."), without the prefix. */
export function aptErrors(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('E: '))
    .map((l) => l.slice(3));
}

/** The process apt names as holding a lock ("It is held by process 84 (python3)"), if any. */
export function lockHolder(text: string): string | undefined {
  const m = /Could not get lock (\S+?)\.? It is held by process (\d+) \(([^)]*)\)/.exec(text);
  return m ? `${m[1]} is held by process ${m[2]} (${m[3]})` : undefined;
}

/** True when apt failed only because packages are not in its cache (a cache update might fix it). */
export function isMissingFromCache(errors: readonly string[]): boolean {
  return (
    errors.length > 0 &&
    errors.every((e) => /^Unable to locate package |has no installation candidate|^Version '.*' for '.*' was not found/.test(e))
  );
}
