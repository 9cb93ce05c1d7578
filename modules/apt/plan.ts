// The apt module's decision: which packages need work (from dpkg), exactly which packages apt would
// touch (from a simulation), and whether the cache is due for an update.
import type { DiffEntry, ModuleContext, Plan, PredictedState } from '../../engine/types.ts';
import {
  aptErrors,
  isMissingFromCache,
  ownedFilesAfterCommand,
  parseSimulation,
  simulateCommand,
  simulationWithFilesCommand,
  withoutOwnedFiles,
  type AptAction,
  type PlannedChange,
} from './aptGet.ts';
import { applyApt, describeChanges } from './apply.ts';
import { hasConfigFilesOnly, hasFiles, isInstalled, type DpkgState, type PackageChanges } from './dpkg.ts';
import { ownChanges, parseOwnedFiles, predictCache, predictDpkg, recordAptPlan, recordCacheUpdate, simulationAction } from './predict.ts';
import { knownNoop, rememberNoop } from './noopCache.ts';
import { cacheDecision, describeAge, runProbe, type CacheDecision } from './probe.ts';
import { versionMatches, type AptRequest } from './request.ts';
import { parseScript, section, type SectionOutput } from './script.ts';
import { SIMULATIONS, aptStateDigest, sharedSimulation } from './sharedSimulation.ts';
import { sourcesChangedInCheck } from './sourcesChanged.ts';

/** The apt-get action the named packages need given dpkg's state, or undefined when they are as wanted. */
export function packageAction(req: AptRequest, dpkg: DpkgState): AptAction | undefined {
  const base = {
    autoremove: req.autoremove,
    purge: req.purge,
    ...(req.installRecommends !== undefined ? { installRecommends: req.installRecommends } : {}),
    ...(req.allowChangeHeld ? { allowChangeHeld: true } : {}),
  };
  // dpkg-query prints ${Package} without the `:arch` a spec may carry.
  const current = (name: string) => dpkg.packages.get(name.replace(/:.*$/, ''));
  switch (req.state) {
    case 'latest':
      return req.packages.length ? { verb: 'install', packages: req.packages.map((p) => p.arg), ...base } : undefined;
    case 'present': {
      const missing = req.packages.filter((p) => {
        const pkg = current(p.name);
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

/** The simulation the probe runs itself: `latest` always needs one; autoremove needs one to know it is a no-op. */
export function probeSimulation(req: AptRequest): AptAction | undefined {
  if (req.state === 'latest' && req.packages.length) return packageAction(req, { packages: new Map(), unknown: [] });
  if (req.autoremove) return { verb: 'autoremove', packages: [], autoremove: false, purge: req.purge };
  return undefined;
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
function predictedOwnChanges(changes: PlannedChange[], needed: AptAction | undefined, host: DpkgState, predicted: PredictedState): PlannedChange[] {
  if (!needed) return changes;
  const out = [...changes];
  for (const arg of needed.packages) {
    const name = arg.replace(/[=:].*$/, '');
    const state = predicted.packageState(name);
    if (state === undefined || out.some((c) => c.name === name)) continue;
    const there = host.packages.get(name);
    if (needed.verb === 'install' && state === 'absent' && isInstalled(there)) out.push({ action: 'install', name, to: there?.version ?? '' });
    if ((needed.verb === 'remove' || needed.verb === 'purge') && state === 'present' && !hasFiles(there)) out.push({ action: needed.verb, name });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function okReason(req: AptRequest, dpkg: DpkgState, cache: CacheDecision): string {
  const parts: string[] = [];
  const names = req.packages.map((p) => p.name);
  if (names.length) {
    if (req.state === 'absent') parts.push(`not installed: ${names.map((n) => (dpkg.unknown.includes(n) ? `${n} (unknown to dpkg)` : n)).join(', ')}`);
    else if (req.state === 'latest') parts.push(`already the newest version: ${names.join(', ')}`);
    else parts.push(`already installed: ${req.packages.map((p) => `${p.name} ${dpkg.packages.get(p.name)?.version ?? ''}`.trim()).join(', ')}`);
  }
  if (req.autoremove) parts.push('nothing to autoremove');
  if (req.updateCache && cache.age !== undefined) parts.push(`apt cache updated ${describeAge(cache.age)} ago (valid for ${req.cacheValidTime} s)`);
  return parts.join('; ');
}

/**
 * Runs apt-get -s for `action`, or takes the same simulation from another host of this run whose apt
 * inputs are identical (sharedSimulation.ts; the digest is one more, cheap, round trip). In check mode a
 * host given another's simulation still lists its own files of the packages it removes.
 */
async function simulate(ctx: ModuleContext, action: AptAction): Promise<SectionOutput> {
  const plain = simulateCommand(action);
  const digest = await aptStateDigest(ctx);
  let mine: SectionOutput | undefined;
  const { sim, from } = await sharedSimulation(ctx.runState(SIMULATIONS), digest, plain, ctx.host, async () => {
    mine = await runSimulation(ctx, ctx.check ? simulationWithFilesCommand(plain) : plain);
    return { ...mine, out: withoutOwnedFiles(mine.out) };
  });
  if (!from) return mine ?? sim;
  if (!ctx.check || sim.rc !== 0) return sim;
  const files = await runSimulation(ctx, ownedFilesAfterCommand(sim.out));
  return { ...sim, out: files.out };
}

async function runSimulation(ctx: ModuleContext, command: string): Promise<SectionOutput> {
  const r = await ctx.run(['export LC_ALL=C', section('sim', command)].join('\n'), { readOnly: true });
  const sim = parseScript(r.stdout).sections.get('sim');
  if (!sim) throw new Error(`apt-get -s printed nothing usable: ${r.stderr.trim() || r.stdout.slice(0, 200)}`);
  return sim;
}

/**
 * Plans the apt task. Round trips: one probe; one simulation when named packages need work (the probe
 * already simulates for `latest` and `autoremove`); the change is one more.
 *
 * update_cache: a due update (older than cache_valid_time, or no cache_valid_time) is reported as a
 * change, in check mode too. Ansible does so for update_cache alone; fleetplay does it with named packages
 * as well, so that check mode predicts the real run and cache_valid_time is what makes the task
 * idempotent. Applying an update touches the update-success stamp so the next probe sees it. Package plans are simulated
 * against the current cache. If that cache does not know a package yet and an update is due, the plan
 * names the package as "install after the cache update" rather than failing: the real run updates first,
 * and its result lists the packages that actually changed.
 *
 * Check mode (predict.ts): dpkg's state and the simulation start from what the earlier tasks would have
 * done, the simulation also lists the files of the packages it removes (no extra round trip), and a
 * planned change records the packages, files and units it leaves for later tasks.
 */
const DPKG_INTERRUPTED =
  "dpkg was interrupted on this host (an earlier install or removal did not finish, e.g. a run killed mid-install), and apt-get refuses to change packages until it is finished: run 'dpkg --configure -a' on the host first (a task `command: dpkg --configure -a` does it)";

/** Package work on an interrupted dpkg fails; in check mode it is unknown after a task check mode did not run (it may finish dpkg's work). */
function interrupted(ctx: ModuleContext): Plan {
  const opaque = ctx.check ? ctx.predicted.opaqueTask() : undefined;
  if (opaque) return { kind: 'unknown', msg: `dpkg is interrupted on the host now, but '${opaque}', whose effects check mode cannot predict, runs first and may finish its work (dpkg --configure -a), so the outcome is unknown` };
  return { kind: 'failed', msg: DPKG_INTERRUPTED };
}

export async function planApt(req: AptRequest, ctx: ModuleContext): Promise<Plan> {
  if (req.state === 'latest' && req.packages.some((p) => p.version !== undefined)) {
    return { kind: 'failed', msg: 'a version (name=version) cannot be used with state: latest' };
  }
  const probeSim = probeSimulation(req);
  const names = req.packages.map((p) => p.name);
  // What apt-get -s is asked: in check mode the earlier tasks' predicted package changes come along.
  const simOf = (a: AptAction): AptAction => (ctx.check ? simulationAction(a, ctx.predicted) : a);
  // An autoremove-only simulation is skipped when dpkg is still in a state it already found clean.
  const plainAutoremove = probeSim?.verb === 'autoremove' && JSON.stringify(simOf(probeSim)) === JSON.stringify(probeSim);
  const known = plainAutoremove ? knownNoop(ctx.host) : undefined;
  // An autoremove-only simulation is wasted when named packages need work: their simulation includes it.
  const skipWhenNamed = probeSim?.verb === 'autoremove' && names.length ? (req.state === 'absent' ? 'installed' : req.state === 'present' ? 'missing' : undefined) : undefined;
  const probe = await runProbe(ctx, names, {
    ...(probeSim ? { sim: simOf(probeSim) } : {}),
    withFiles: ctx.check,
    ...(known !== undefined ? { skipUnchangedFrom: known } : {}),
    ...(skipWhenNamed ? { skipWhenNamed } : {}),
  });
  if (probe.simSkipped) probe.sim = { out: '', err: '', rc: 0 };
  const dpkg = ctx.check ? predictDpkg(probe.dpkg, names, ctx.predicted) : probe.dpkg;
  const cache = cacheDecision(req, ctx.check ? predictCache(probe.cache, ctx.predicted) : probe.cache);
  const needed = packageAction(req, dpkg);
  // apt-get -s does not mind an interrupted dpkg, but the real apt-get refuses: predict that failure.
  if (needed && probe.dpkgInterrupted) return interrupted(ctx);
  if (needed?.verb === 'install' && sourcesChangedInCheck(ctx)) {
    // The host's cache does not have the new source's indexes; the real run fetches them first.
    const names = needed.packages.map((a) => a.replace(/[=:].*$/, ''));
    recordAptPlan(ctx.predicted, [], names, parseOwnedFiles(''));
    return {
      kind: 'unknown',
      msg: `install ${needed.packages.join(', ')}: an earlier task changes the apt sources, and which versions (and dependencies) they offer is known only once the real run fetches them`,
      data: { packages: { installed: names, upgraded: [], removed: [], purged: [] }, cache_update_due: cache.due },
    };
  }
  // `latest` and autoremove-only plans use the probe's own simulation; other package work gets its own.
  const action = req.state !== 'latest' && needed ? needed : probeSim;
  // The probe left its autoremove simulation out for named work that (predicted state, versions) turned out not needed: run it now.
  const leftOut = probe.simSkippedForNamed && !needed && probeSim ? probeSim : undefined;
  const sim = req.state !== 'latest' && needed ? await simulate(ctx, simOf(needed)) : leftOut ? await simulate(ctx, simOf(leftOut)) : probe.sim;

  let changes: PlannedChange[] = [];
  let unresolved: string[] = [];
  if (sim && sim.rc !== 0) {
    const errors = aptErrors(`${sim.out}\n${sim.err}`);
    if (!(cache.due && isMissingFromCache(errors))) {
      return { kind: 'failed', msg: errors.join('; ') || `apt-get -s failed (exit ${sim.rc})`, data: { stderr: sim.err.trim() } };
    }
    unresolved = action?.packages ?? [];
  } else if (sim) {
    changes = parseSimulation(sim.out);
    if (ctx.check) changes = predictedOwnChanges(ownChanges(changes, action, ctx.predicted), needed, probe.dpkg, ctx.predicted);
  }
  const packageWork = changes.length > 0 || unresolved.length > 0;
  if (packageWork && probe.dpkgInterrupted) return interrupted(ctx);
  if (plainAutoremove && !probe.simSkipped && sim === probe.sim && sim?.rc === 0 && changes.length === 0 && probe.fingerprint) rememberNoop(ctx.host, probe.fingerprint);
  const data = { packages: plannedChanges(changes), cache_update_due: cache.due };
  if (!packageWork && !cache.due) return { kind: 'ok', msg: okReason(req, probe.dpkg, cache), data };

  const msg: string[] = [];
  const diff: DiffEntry[] = [];
  if (cache.due) {
    const last = cache.age === undefined ? 'never updated' : `updated ${describeAge(cache.age)} ago`;
    msg.push(`update the apt cache (${last})`);
    diff.push({ header: 'apt cache', before: last, after: 'updated now' });
  }
  msg.push(...describeChanges(plannedChanges(changes), 'future'));
  if (unresolved.length) msg.push(`then install ${unresolved.join(', ')} (not in the current cache; the result names what was installed)`);
  if (packageWork) diff.push(packagesDiff(changes, unresolved));
  // `latest` must look again once the cache is fresh: the new indexes may hold newer versions.
  const recheck = cache.due && req.state === 'latest' && !packageWork && action !== undefined;
  if (recheck) msg.push(`then upgrade ${action.packages.join(', ')} if the updated cache has newer versions`);
  if (ctx.check) {
    recordAptPlan(ctx.predicted, changes, unresolved, parseOwnedFiles(sim?.out ?? ''));
    // The files and units of a package not installed yet are not known before it is (its maintainer
    // scripts may enable and start them): later predictions that need them hedge, as after a command.
    const installed = [...changes.filter((c) => c.action === 'install' || c.action === 'upgrade').map((c) => c.name), ...unresolved];
    if (installed.length) ctx.predicted.markOpaque(`installing ${installed.join(', ')}`);
    if (cache.due) recordCacheUpdate(ctx.predicted);
  }
  return {
    kind: 'change',
    msg: msg.join('; '),
    diff,
    data,
    apply: () => applyApt(ctx, { update: cache.due, ...((packageWork || recheck) && action ? { action } : {}), lockTimeout: req.lockTimeout }),
  };
}
