// The apt module's decision: which packages need work (from dpkg), exactly which packages apt would
// touch (from a simulation), and whether the cache is due for an update. Pure: probe.ts read all of it.
//
// update_cache: a due update (older than cache_valid_time, or no cache_valid_time) is reported as a
// change, in check mode too. Ansible does so for update_cache alone; fleetplay does it with named packages
// as well, so that check mode predicts the real run and cache_valid_time is what makes the task
// idempotent. Applying an update touches the update-success stamp so the next probe sees it. Package plans are simulated
// against the current cache. If that cache does not know a package yet and an update is due, the plan
// names the package as "install after the cache update" rather than failing: the real run updates first,
// and its result lists the packages that actually changed.
//
// Check mode (predict.ts): dpkg's state and the simulation start from what the earlier tasks would have
// done, the simulation also lists the files of the packages it removes (no extra round trip), and a
// planned change records the packages, files and units it leaves for later tasks.
import type { ChangeSummary, Decision, ModuleView, PredictedView } from '../../engine/module.ts';
import type { DiffEntry } from '../../engine/types.ts';
import { aptErrors, isMissingFromCache, parseSimulation, type AptAction, type PlannedChange } from './aptGet.ts';
import { describeChanges } from './apply.ts';
import { cacheDecision, describeAge, type CacheDecision } from './cache.ts';
import { hasConfigFilesOnly, hasFiles, isInstalled, type DpkgState, type PackageChanges } from './dpkg.ts';
import { ownChanges, parseOwnedFiles, predictCache, predictDpkg } from './predict.ts';
import { aptFlags, versionMatches, type AptRequest } from './request.ts';
import type { SectionOutput } from './script.ts';
import { sourcesChangedInCheck } from '../lib/aptSources.ts';
import type { AptChange, AptFacts } from './types.ts';
import type { AptProbe } from './probe.ts';
import { cleanupPlan, debNeeded, upgradeAfterPredicted, workOptions } from './extras.ts';

/** The apt-get action the named packages need given dpkg's state, or undefined when they are as wanted. */
export function packageAction(req: AptRequest, dpkg: DpkgState): AptAction | undefined {
  const base = {
    autoremove: req.autoremove,
    purge: req.purge,
    ...aptFlags(req),
    ...(req.state === 'fixed' ? { fixBroken: true } : {}),
  };
  // dpkg-query prints ${Package} without the `:arch` a spec may carry.
  const current = (name: string) => dpkg.packages.get(name.replace(/:.*$/, ''));
  switch (req.state) {
    case 'latest':
      return req.packages.length ? { verb: 'install', packages: req.packages.map((p) => p.arg), ...base } : undefined;
    // apt-get build-dep decides what the build needs: always simulated.
    case 'build-dep':
      return req.packages.length ? { verb: 'build-dep', packages: req.packages.map((p) => p.arg), ...base } : undefined;
    case 'fixed':
    case 'present': {
      const missing = req.packages.filter((p) => {
        const pkg = current(p.name);
        // only_upgrade: a package that is not installed is left alone (Ansible).
        if (req.onlyUpgrade && !isInstalled(pkg)) return false;
        // A wildcard version that matches the installed one still asks apt: a newer match is installed (Ansible).
        if (isInstalled(pkg) && p.version?.includes('*') && versionMatches(p, pkg?.version ?? '')) return true;
        return !isInstalled(pkg) || !versionMatches(p, pkg?.version ?? '');
      });
      return missing.length ? { verb: 'install', packages: missing.map((p) => p.arg), ...base } : undefined;
    }
    case 'absent': {
      const there = req.packages.filter((p) => {
        const pkg = current(p.name);
        const present = hasFiles(pkg) || (req.purge && hasConfigFilesOnly(pkg));
        return present && versionMatches(p, pkg?.version ?? '');
      });
      // Only the names are given to apt-get: a version is a filter here, not something to remove.
      return there.length ? { verb: req.purge ? 'purge' : 'remove', packages: there.map((p) => p.name), ...base } : undefined;
    }
  }
}

/** True when the task's package work is known only from a simulation the probe runs itself (latest, build-dep, upgrade). */
export function simulatedInProbe(req: AptRequest): boolean {
  return req.upgrade !== undefined || ((req.state === 'latest' || req.state === 'build-dep') && req.packages.length > 0);
}

/** The simulation the probe runs itself: latest, build-dep and upgrade always need one; autoremove needs one to know it is a no-op. */
export function probeSimulationAction(req: AptRequest): AptAction | undefined {
  if (req.deb) return undefined;
  if (req.upgrade) {
    const verb = req.upgrade === 'dist' ? 'dist-upgrade' : 'upgrade';
    return { verb, packages: [], autoremove: req.autoremove, purge: false, ...aptFlags(req) };
  }
  if (simulatedInProbe(req)) return packageAction(req, { packages: new Map(), unknown: [] });
  if (req.autoremove)
    return { verb: 'autoremove', packages: [], autoremove: false, purge: req.purge, ...(req.force ? { force: true } : {}) };
  return undefined;
}

/** A version cannot be asked for with state: latest; refused before anything is read. */
export function latestWithVersion(req: AptRequest): boolean {
  return req.state === 'latest' && req.packages.some((p) => p.version !== undefined);
}

/** What the task's package work is, given dpkg's state as the host (and in check mode the earlier tasks) leave it. */
export function neededAction(
  req: AptRequest,
  hostDpkg: DpkgState,
  view: Pick<ModuleView, 'check' | 'predicted'>,
): { dpkg: DpkgState; needed: AptAction | undefined } {
  const names = req.packages.map((p) => p.name);
  const dpkg = view.check ? predictDpkg(hostDpkg, names, view.predicted) : hostDpkg;
  return { dpkg, needed: packageAction(req, dpkg) };
}

/** A simulation's planned changes in the same shape as an apply's actual ones. */
export function plannedChanges(changes: readonly PlannedChange[]): PackageChanges {
  const pick = (a: PlannedChange['action']) => changes.filter((c) => c.action === a).map((c) => c.name);
  return { installed: pick('install'), upgraded: pick('upgrade'), removed: pick('remove'), purged: pick('purge') };
}

/** The `packages` diff entry: touched packages with their versions before and after. */
export function packagesDiff(changes: readonly PlannedChange[], unresolved: readonly string[]): DiffEntry {
  const before = changes.filter((c) => c.from).map((c) => `${c.name} ${c.from}`);
  const after = [...changes.filter((c) => c.to).map((c) => `${c.name} ${c.to}`), ...unresolved];
  return { header: 'packages', before: before.join(', '), after: after.join(', ') };
}

/**
 * The simulation cannot act out a package an earlier task would have removed (or installed) when this task
 * installs (or removes) it again: the host still has it as before. Such a package is this task's change.
 */
function predictedOwnChanges(
  changes: PlannedChange[],
  needed: AptAction | undefined,
  host: DpkgState,
  predicted: PredictedView,
): PlannedChange[] {
  if (!needed) return changes;
  const out = [...changes];
  for (const arg of needed.packages) {
    const name = arg.replace(/[=:].*$/, '');
    const state = predicted.packageState(name);
    if (state === undefined || out.some((c) => c.name === name)) continue;
    const there = host.packages.get(name);
    if (needed.verb === 'install' && state === 'absent' && isInstalled(there))
      out.push({ action: 'install', name, to: there?.version ?? '' });
    if ((needed.verb === 'remove' || needed.verb === 'purge') && state === 'present' && !hasFiles(there))
      out.push({ action: needed.verb, name });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The changes a successful simulation plans that are this task's (in check mode: not an earlier task's). */
export function simulatedChanges(
  sim: SectionOutput,
  action: AptAction | undefined,
  needed: AptAction | undefined,
  host: DpkgState,
  view: Pick<ModuleView, 'check' | 'predicted'>,
): PlannedChange[] {
  const changes = parseSimulation(sim.out);
  return view.check ? predictedOwnChanges(ownChanges(changes, action, view.predicted), needed, host, view.predicted) : changes;
}

function okReason(req: AptRequest, probe: AptProbe, cache: CacheDecision): string {
  const { dpkg } = probe;
  const parts: string[] = [];
  if (probe.deb) parts.push(`${probe.deb.name} ${probe.deb.version} is already installed`);
  if (req.upgrade) parts.push(`nothing to ${req.upgrade === 'dist' ? 'dist-upgrade' : 'upgrade'}`);
  if (req.autoclean && !req.packages.length && !req.upgrade && !req.deb) parts.push('nothing to autoclean');
  const names = req.packages.map((p) => p.name);
  if (names.length) {
    if (req.state === 'absent')
      parts.push(`not installed: ${names.map((n) => (dpkg.unknown.includes(n) ? `${n} (unknown to dpkg)` : n)).join(', ')}`);
    else if (req.state === 'latest') parts.push(`already the newest version: ${names.join(', ')}`);
    else
      parts.push(
        `already installed: ${req.packages.map((p) => `${p.name} ${dpkg.packages.get(p.name)?.version ?? ''}`.trim()).join(', ')}`,
      );
  }
  if (req.autoremove) parts.push('nothing to autoremove');
  if (req.updateCache && cache.age !== undefined)
    parts.push(`apt cache updated ${describeAge(cache.age)} ago (valid for ${req.cacheValidTime} s)`);
  return parts.join('; ');
}

const DPKG_INTERRUPTED =
  "dpkg was interrupted on this host (an earlier install or removal did not finish, e.g. a run killed mid-install), and apt-get refuses to change packages until it is finished: run 'dpkg --configure -a' on the host first (a task `command: dpkg --configure -a` does it)";

/** Package work on an interrupted dpkg fails; in check mode it is unknown after a task check mode did not run (it may finish dpkg's work). */
function interrupted(view: Pick<ModuleView, 'check' | 'predicted'>): Decision<AptChange> {
  const opaque = view.check ? view.predicted.opaqueTask() : undefined;
  if (opaque)
    return {
      kind: 'unknown',
      msg: `dpkg is interrupted on the host now, but '${opaque}', whose effects check mode cannot predict, runs first and may finish its work (dpkg --configure -a), so the outcome is unknown`,
    };
  return { kind: 'failed', msg: DPKG_INTERRUPTED };
}

/** For the plan summary: packages by what is done to them, the cache update, or just "an apt change". */
function summaryOf(planned: PackageChanges, cacheDue: boolean, others = false): ChangeSummary[] {
  const verbs = { installed: 'install', upgraded: 'upgrade', removed: 'remove', purged: 'purge' } as const;
  const out: ChangeSummary[] = [];
  for (const key of ['installed', 'upgraded', 'removed', 'purged'] as const) {
    if (planned[key].length) out.push({ verb: verbs[key], object: 'package', count: planned[key].length });
  }
  if (cacheDue) out.push({ verb: 'update', object: 'the apt cache', named: true });
  return out.length || others ? out : [{ verb: '', object: 'apt change' }];
}

function recheckWhat(req: AptRequest, action: AptAction): string {
  if (req.upgrade) return `${req.upgrade === 'dist' ? 'dist-upgrade' : 'upgrade'} the installed packages`;
  if (req.state === 'build-dep') return `install the build dependencies of ${action.packages.join(', ')}`;
  return `upgrade ${action.packages.join(', ')}`;
}

/**
 * Decides the apt task from what probe read: its first read (dpkg, the cache's age and maybe the
 * probe's own simulation), and the simulation of the package work when that needed one of its own.
 */
export function decideApt(facts: AptFacts, view: ModuleView): Decision<AptChange> {
  const { req, probe } = facts;
  if (req.error) return { kind: 'failed', msg: req.error };
  if (latestWithVersion(req) || !probe) return { kind: 'failed', msg: 'a version (name=version) cannot be used with state: latest' };
  const probeSim = probeSimulationAction(req);
  const deb = req.deb ? debNeeded(req, probe) : undefined;
  if (deb?.kind === 'failed') return deb;
  const needed = deb ? deb.action : neededAction(req, probe.dpkg, view).needed;
  const cache = cacheDecision(req, view.check ? predictCache(probe.cache, view.predicted) : probe.cache);
  const unpredictable = upgradeAfterPredicted(req, view);
  if (unpredictable) return { kind: 'unknown', msg: unpredictable };
  // apt-get -s does not mind an interrupted dpkg, but the real apt-get refuses: predict that failure.
  if (needed && probe.dpkgInterrupted) return interrupted(view);
  if (needed?.verb === 'install' && sourcesChangedInCheck(view)) {
    // The host's cache does not have the new source's indexes; the real run fetches them first.
    const names = needed.packages.map((a) => a.replace(/[=:].*$/, ''));
    return {
      kind: 'unknown',
      msg: `install ${needed.packages.join(', ')}: an earlier task changes the apt sources, and which versions (and dependencies) they offer is known only once the real run fetches them`,
      data: { packages: { installed: names, upgraded: [], removed: [], purged: [] }, cache_update_due: cache.due },
    };
  }
  // latest, build-dep, upgrade and autoremove-only plans use the probe's own simulation; other package work gets its own.
  const action = !simulatedInProbe(req) && needed ? needed : probeSim;
  const sim = facts.sim;
  const extra = cleanupPlan(req, probe);
  if (extra.failed) return { kind: 'failed', msg: extra.failed };

  let changes: PlannedChange[] = [];
  let unresolved: string[] = [];
  if (sim && sim.rc !== 0) {
    const errors = aptErrors(`${sim.out}\n${sim.err}`);
    if (!(cache.due && isMissingFromCache(errors))) {
      return { kind: 'failed', msg: errors.join('; ') || `apt-get -s failed (exit ${sim.rc})`, data: { stderr: sim.err.trim() } };
    }
    unresolved = action?.packages ?? [];
  } else if (sim) {
    changes = simulatedChanges(sim, action, needed, probe.dpkg, view);
  }
  const packageWork = changes.length > 0 || unresolved.length > 0;
  if (packageWork && probe.dpkgInterrupted) return interrupted(view);
  const planned = plannedChanges(changes);
  const data = { packages: planned, cache_update_due: cache.due };
  if (!packageWork && !cache.due && !extra.clean && !extra.autoclean.length) return { kind: 'ok', msg: okReason(req, probe, cache), data };

  const msg: string[] = [...extra.msg];
  const diff: DiffEntry[] = [...extra.diff];
  if (cache.due) {
    const last = cache.age === undefined ? 'never updated' : `updated ${describeAge(cache.age)} ago`;
    msg.push(`update the apt cache (${last})`);
    diff.push({ header: 'apt cache', before: last, after: 'updated now' });
  }
  msg.push(...describeChanges(planned, 'future'));
  if (unresolved.length) msg.push(`then install ${unresolved.join(', ')} (not in the current cache; the result names what was installed)`);
  if (packageWork) diff.push(packagesDiff(changes, unresolved));
  // latest, build-dep and upgrade must look again once the cache is fresh: the new indexes may hold newer versions.
  const recheck = cache.due && simulatedInProbe(req) && !packageWork && action !== undefined;
  if (recheck) msg.push(`then ${recheckWhat(req, action)} if the updated cache has newer versions`);
  return {
    kind: 'change',
    msg: msg.join('; '),
    diff,
    data,
    summary: [...extra.summary, ...summaryOf(planned, cache.due, extra.summary.length > 0)],
    change: {
      work: {
        ...workOptions(req),
        update: cache.due,
        ...((packageWork || recheck) && action ? { action } : {}),
        ...(extra.clean ? { clean: true } : {}),
        ...(extra.autoclean.length ? { autoclean: true } : {}),
        ...(req.deb && (packageWork || recheck) ? { deb: req.deb } : {}),
      },
      noop: facts.noop,
      prediction: { changes, unresolved, owned: parseOwnedFiles(sim?.out ?? ''), cacheDue: cache.due },
    },
  };
}
