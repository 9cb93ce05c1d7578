// The apt module's read-only probe: dpkg state of the named packages, the age of the apt cache, and
// optionally one simulation, all in one round trip.
import { shellCommand } from '../../engine/quote.ts';
import type { ModuleContext } from '../../engine/types.ts';
import { simulateCommand, simulationWithFilesCommand, type AptAction } from './aptGet.ts';
import { dpkgQueryCommand, parseDpkgQuery, type DpkgState } from './dpkg.ts';
import type { AptRequest } from './request.ts';
import { DPKG_FINGERPRINT } from './noopCache.ts';
import { keyValue, parseScript, section, type SectionOutput } from './script.ts';

/** Ubuntu's apt hook touches this after every successful update; fleetplay touches it too (see apply.ts). */
export const UPDATE_STAMP = '/var/lib/apt/periodic/update-success-stamp';
const LISTS = '/var/lib/apt/lists';
const DPKG_UPDATES = '/var/lib/dpkg/updates';

/** When the apt cache was last updated, as the host sees it. */
export interface CacheState {
  /** Host clock, epoch seconds. */
  now: number;
  /** Epoch seconds of the last update; undefined when the host has no package indexes at all. */
  updatedAt?: number;
}

/** What the probe found. */
export interface Probe {
  dpkg: DpkgState;
  cache: CacheState;
  /** Output of the simulation run by the probe, when one was asked for. */
  sim?: SectionOutput;
  /** dpkg's state fingerprint (see noopCache.ts). */
  fingerprint: string;
  /** The simulation was skipped: dpkg was in the state `skipUnchangedFrom` named. */
  simSkipped: boolean;
  /** The simulation was skipped because a named package needs work (`skipWhenNamed`). */
  simSkippedForNamed: boolean;
  /** dpkg's journal holds an operation that did not finish: apt-get refuses to change packages until `dpkg --configure -a`. */
  dpkgInterrupted: boolean;
}

/** What the probe simulates, and when it may leave the simulation out. */
export interface ProbeOptions {
  sim?: AptAction;
  /** Check mode: also list the files of the packages the simulation removes (see predict.ts). */
  withFiles?: boolean;
  /** Skip the simulation while dpkg's fingerprint is still this (a state already found clean). */
  skipUnchangedFrom?: string;
  /**
   * Skip the simulation when a named package is `installed` (for state absent) or `missing` (present):
   * the task then has package work, and its own simulation of that work covers autoremove too.
   */
  skipWhenNamed?: 'installed' | 'missing';
}

/** The probe script: dpkg-query (when there are names), cache times, then the simulation (if any). */
export function probeCommand(names: readonly string[], opts: ProbeOptions = {}): string {
  const { sim, withFiles = false, skipUnchangedFrom, skipWhenNamed } = opts;
  const simulation = sim ? section('sim', withFiles ? simulationWithFilesCommand(simulateCommand(sim)) : simulateCommand(sim)) : undefined;
  // dpkg's status letter: n (not installed) and c (config files only) leave no package files.
  const named = skipWhenNamed && names.length
    ? `named=$(${shellCommand('dpkg-query', '-W', '-f=${db:Status-Abbrev}\n', '--', ...names)} 2>/dev/null | grep -c '${skipWhenNamed === 'installed' ? '^.[^nc]' : '^.[nc]'}')`
    : 'named=0';
  const guards = [
    ...(skipUnchangedFrom !== undefined ? [`if [ "$fp" = '${skipUnchangedFrom.replace(/'/g, '')}' ]; then ${keyValue('simskipped', 'yes')}`] : []),
    ...(skipWhenNamed ? [`${skipUnchangedFrom !== undefined ? 'elif' : 'if'} [ "$named" -gt 0 ]; then ${keyValue('simskipped', 'named')}`] : []),
  ];
  return [
    'export LC_ALL=C',
    ...(names.length ? [section('dpkg', dpkgQueryCommand(names))] : []),
    keyValue('now', '$(date +%s)'),
    keyValue('stamp', `$(stat -c %Y ${UPDATE_STAMP} 2>/dev/null)`),
    keyValue('lists', `$(stat -c %Y ${LISTS} 2>/dev/null)`),
    keyValue('indexes', `$(ls ${LISTS} 2>/dev/null | grep -c _Packages)`),
    // apt's own test for "dpkg was interrupted": journal files (all-digit names) in dpkg's updates directory.
    keyValue('interrupted', `$(ls ${DPKG_UPDATES} 2>/dev/null | grep -c '^[0-9][0-9]*$')`),
    `fp="${DPKG_FINGERPRINT}"`,
    keyValue('fingerprint', '$fp'),
    ...(simulation && guards.length ? [named, ...guards, 'else', simulation, 'fi'] : simulation ? [simulation] : []),
  ].join('\n');
}

/** Parses the probe's output; throws when dpkg-query itself failed. */
export function parseProbe(stdout: string, hasNames: boolean): Probe {
  const { sections, values } = parseScript(stdout);
  const dpkg = sections.get('dpkg');
  if (hasNames && !dpkg) throw new Error(`the apt probe printed no dpkg-query section: ${stdout.slice(0, 200)}`);
  const num = (k: string): number | undefined => (/^\d+$/.test(values.get(k) ?? '') ? Number(values.get(k)) : undefined);
  // Like Ansible: the update stamp if there is one, else the lists directory (only if it holds indexes).
  const updatedAt = num('stamp') ?? ((num('indexes') ?? 0) > 0 ? num('lists') : undefined);
  const sim = sections.get('sim');
  return {
    dpkg: dpkg ? parseDpkgQuery(dpkg.out, dpkg.err) : { packages: new Map(), unknown: [] },
    cache: { now: num('now') ?? Math.floor(Date.now() / 1000), ...(updatedAt !== undefined ? { updatedAt } : {}) },
    ...(sim ? { sim } : {}),
    fingerprint: values.get('fingerprint') ?? '',
    simSkipped: values.get('simskipped') === 'yes',
    simSkippedForNamed: values.get('simskipped') === 'named',
    dpkgInterrupted: (num('interrupted') ?? 0) > 0,
  };
}

/** Runs the probe: one round trip. */
export async function runProbe(ctx: ModuleContext, names: readonly string[], opts: ProbeOptions = {}): Promise<Probe> {
  const r = await ctx.run(probeCommand(names, opts), { readOnly: true });
  if (r.exitCode !== 0) throw new Error(`apt probe failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return parseProbe(r.stdout, names.length > 0);
}

/** Whether update_cache has work to do, and how old the cache is. */
export interface CacheDecision {
  due: boolean;
  /** Seconds since the last update; undefined when never updated. */
  age?: number;
}

/** An update is due when asked for and the cache is older than cache_valid_time (or there is no cache_valid_time). */
export function cacheDecision(req: AptRequest, cache: CacheState): CacheDecision {
  const age = cache.updatedAt === undefined ? undefined : Math.max(0, cache.now - cache.updatedAt);
  const fresh = req.cacheValidTime !== undefined && age !== undefined && age <= req.cacheValidTime;
  return { due: req.updateCache && !fresh, ...(age !== undefined ? { age } : {}) };
}

/** "3 h", "12 min", "40 s". */
export function describeAge(seconds: number): string {
  if (seconds >= 7200) return `${Math.floor(seconds / 3600)} h`;
  if (seconds >= 120) return `${Math.floor(seconds / 60)} min`;
  return `${seconds} s`;
}
