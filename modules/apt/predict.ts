// Check mode for apt: dpkg's state as the earlier tasks would have left it, a simulation that starts from
// that state, and the packages, files and units a plan leaves for later tasks.
//
// apt-get -s only knows the host as it is. So the simulation also carries the earlier tasks' predicted
// package changes ("x-" removes x in an install, "y+" installs y in a remove), and the changes it reports
// for packages already predicted in that state are the earlier tasks', not this one's.
import type { Decision, PredictedView } from '../../engine/module.ts';
import type { StateSlot, PredictedState } from '../../engine/types.ts';
import { recordRemovedUnits } from '../lib/systemdManager.ts';
import type { AptAction, PlannedChange } from './aptGet.ts';
import type { AptChange } from './types.ts';
import type { DpkgState } from './dpkg.ts';
import { UPDATE_STAMP, type CacheState } from './cache.ts';

/** A package as an earlier task of this check run would leave it. */
type PackageAfter = { state: 'present'; version?: string } | { state: 'config-files' | 'absent' };

// Per host: what apt plans recorded, with the detail the store's present/absent lacks, and whether a
// cache update was predicted.
const APT: StateSlot<{ packages: Map<string, PackageAfter>; cacheUpdated: boolean }> = {
  name: 'apt packages',
  init: () => ({ packages: new Map(), cacheUpdated: false }),
};

/** Records a planned apt cache update (check mode): later tasks see a fresh cache. */
export function recordCacheUpdate(p: PredictedState): void {
  p.slot(APT).cacheUpdated = true;
  p.setFile(UPDATE_STAMP, { type: 'file' });
}

/** The cache times as the real run would read them: just updated, if an earlier task updates it. */
export function predictCache(cache: CacheState, p: PredictedView): CacheState {
  return p.slot(APT).cacheUpdated ? { ...cache, updatedAt: cache.now } : cache;
}

function packagesOf(p: Pick<PredictedView, 'slot'>): Map<string, PackageAfter> {
  return p.slot(APT).packages;
}

/** dpkg's state of the named packages with the earlier tasks' predictions applied. */
export function predictDpkg(dpkg: DpkgState, names: readonly string[], p: PredictedView): DpkgState {
  const packages = new Map(dpkg.packages);
  const unknown = [...dpkg.unknown];
  for (const name of names) {
    const state = p.packageState(name);
    if (state === undefined) continue;
    const after = packagesOf(p).get(name);
    const host = packages.get(name);
    if (state === 'absent') {
      if (after?.state === 'config-files')
        packages.set(name, { name, want: 'deinstall', status: 'config-files', version: host?.version ?? '' });
      else packages.delete(name);
    } else {
      const version = after?.state === 'present' && after.version ? after.version : (host?.version ?? '');
      packages.set(name, { name, want: 'install', status: 'installed', version });
      if (unknown.includes(name)) unknown.splice(unknown.indexOf(name), 1);
    }
  }
  return { packages, unknown };
}

/** Check mode: whether an earlier apt task of this run is predicted to change packages on this host. */
export function hasEarlierPackageChanges(p: Pick<PredictedView, 'slot'>): boolean {
  return packagesOf(p).size > 0;
}

/**
 * The action to simulate: `action` plus the earlier tasks' predicted package changes (names the action
 * itself mentions excepted). An autoremove becomes a remove with --autoremove so it can carry them.
 */
export function simulationAction(action: AptAction, p: PredictedView): AptAction {
  const own = new Set(action.packages.map((a) => a.replace(/[=:].*$/, '')));
  const earlier = [...packagesOf(p)].filter(([name]) => !own.has(name));
  // upgrade, dist-upgrade and build-dep take no such arguments (extras.ts: the outcome is unknown then).
  if (earlier.length === 0 || ['upgrade', 'dist-upgrade', 'build-dep'].includes(action.verb)) return action;
  const install = action.verb === 'install';
  const args = earlier.map(([name, after]) => (after.state === 'present' ? (install ? name : `${name}+`) : install ? `${name}-` : name));
  if (action.verb === 'autoremove') return { ...action, verb: action.purge ? 'purge' : 'remove', autoremove: true, packages: args };
  return { ...action, packages: [...action.packages, ...args] };
}

/** The simulated changes that are this task's: those not already predicted of an earlier task. */
export function ownChanges(changes: readonly PlannedChange[], action: AptAction | undefined, p: PredictedView): PlannedChange[] {
  const own = new Set((action?.packages ?? []).map((a) => a.replace(/[=:].*$/, '')));
  return changes.filter((c) => {
    const state = p.packageState(c.name);
    const wanted = c.action === 'install' || c.action === 'upgrade' ? 'present' : 'absent';
    // Purging a package this task names, that an earlier task only removed, still deletes its conffiles.
    if (c.action === 'purge' && own.has(c.name) && packagesOf(p).get(c.name)?.state === 'config-files') return true;
    return state !== wanted;
  });
}

/** What ownedFilesCommand (aptGet.ts) printed. */
export interface OwnedFiles {
  files: Map<string, string[]>;
  conffiles: Map<string, string[]>;
  usrMerge: boolean;
}

/** Parses the simulation output's `@@owned`, `@@conf` and `@@usrmerge` lines. */
export function parseOwnedFiles(out: string): OwnedFiles {
  const files = new Map<string, string[]>();
  const conffiles = new Map<string, string[]>();
  let usrMerge = false;
  for (const line of out.split('\n')) {
    if (line === '@@usrmerge') usrMerge = true;
    const m = /^@@(owned|conf) (\S+) (\/.*)$/.exec(line);
    if (!m) continue;
    const into = m[1] === 'owned' ? files : conffiles;
    const list = into.get(m[2] as string);
    // Appended in place: a package owns thousands of files, and a copy per line was quadratic.
    if (list) list.push(m[3] as string);
    else into.set(m[2] as string, [m[3] as string]);
  }
  return { files, conffiles, usrMerge };
}

// On a merged-/usr host, /lib/x and /usr/lib/x are one file: a later task may look at either.
const MERGED = ['/bin/', '/sbin/', '/lib/', '/lib32/', '/lib64/', '/libx32/'];
function aliases(path: string, usrMerge: boolean): string[] {
  if (!usrMerge) return [path];
  const short = MERGED.find((d) => path.startsWith(d));
  if (short) return [path, `/usr${path}`];
  const long = MERGED.find((d) => path.startsWith(`/usr${d}`));
  return long ? [path, path.slice(4)] : [path];
}

const UNIT_FILE =
  /^(?:\/usr)?\/lib\/systemd\/system\/([^/]+\.(?:service|socket|timer|path|mount|automount|swap|target|slice))$|^\/etc\/systemd\/system\/([^/]+\.(?:service|socket|timer|path|mount|automount|swap|target|slice))$/;

/**
 * Records what a planned apt change leaves (check mode): the packages' states; for removed packages, their
 * files deleted (conffiles too when purged) and their systemd units stopped and gone.
 */
export function recordAptPlan(
  p: PredictedState,
  changes: readonly PlannedChange[],
  unresolved: readonly string[],
  owned: OwnedFiles,
): void {
  const mine = packagesOf(p);
  const units = new Set<string>();
  for (const c of changes) {
    if (c.action === 'install' || c.action === 'upgrade') {
      p.setPackage(c.name, 'present');
      mine.set(c.name, { state: 'present', ...(c.to ? { version: c.to } : {}) });
      continue;
    }
    const conffiles = new Set(owned.conffiles.get(c.name) ?? []);
    const purge = c.action === 'purge';
    p.setPackage(c.name, 'absent');
    mine.set(c.name, { state: purge || conffiles.size === 0 ? 'absent' : 'config-files' });
    for (const file of owned.files.get(c.name) ?? []) {
      if (!purge && conffiles.has(file)) continue;
      for (const alias of aliases(file, owned.usrMerge)) p.setFile(alias, { type: 'absent' });
      const unit = UNIT_FILE.exec(file);
      if (unit) units.add((unit[1] ?? unit[2]) as string);
    }
  }
  for (const name of unresolved) {
    p.setPackage(name, 'present');
    mine.set(name, { state: 'present' });
  }
  // dh_installsystemd's prerm stops the units and its postrm reloads systemd.
  if (units.size > 0) recordRemovedUnits(p, [...units]);
}

/**
 * Check mode: what an apt decision leaves for later tasks. A change records its packages, files, units
 * and cache update; an install whose sources an earlier task changes (unknown) records the packages it names.
 */
export function predictApt(decision: Decision<AptChange>, p: PredictedState): void {
  if (decision.kind === 'unknown') {
    const installed = (decision.data?.packages as { installed?: string[] } | undefined)?.installed;
    if (installed) recordAptPlan(p, [], installed, parseOwnedFiles(''));
    return;
  }
  if (decision.kind !== 'change') return;
  const { changes, unresolved, owned, cacheDue } = decision.change.prediction;
  recordAptPlan(p, changes, unresolved, owned);
  // The files and units of a package not installed yet are not known before it is (its maintainer
  // scripts may enable and start them): later predictions that need them hedge, as after a command.
  const installed = [...changes.filter((c) => c.action === 'install' || c.action === 'upgrade').map((c) => c.name), ...unresolved];
  if (installed.length) p.markOpaque(`installing ${installed.join(', ')}`);
  if (cacheDue) recordCacheUpdate(p);
}
