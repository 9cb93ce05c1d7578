// The apt module's read-only probe: dpkg state of the named packages, the age of the apt cache, and
// optionally one simulation, all in one round trip; then, when the named packages need work, the
// simulation of that work (sharedSimulation.ts).
import { local, read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellCommand } from '../../engine/quote.ts';
import { simulateCommand, simulationWithFilesCommand, type AptAction } from './aptGet.ts';
import { dpkgQueryCommand } from './dpkg.ts';
import { latestWithVersion, neededAction, probeSimulationAction, simulatedChanges, simulatedInProbe } from './decide.ts';
import { simulationAction } from './predict.ts';
import { aptRequest, type AptRequest } from './request.ts';
import { expandGlobs, isGlob, pkgnamesCommand } from './glob.ts';
import type { AptArgs } from './schema.ts';
import { probeSharedSimulation } from './sharedSimulation.ts';
import { sourcesChangedInCheck } from '../lib/aptSources.ts';
import type { AptFacts } from './types.ts';
import { probeDeb } from './deb.ts';
import { parseProbe, type AptProbe } from './probeParse.ts';
import { cacheLines } from './cache.ts';
import { DPKG_FINGERPRINT, knownNoop, NOOP_CACHE, rememberNoop } from './noopCache.ts';
import { keyValue, section } from './script.ts';

export { parseProbe, type AptProbe };

/** The request with its name globs expanded against the names apt knows (glob.ts); a glob matching nothing is its error. */
function* expandNames(req: AptRequest): Probe<AptRequest> {
  const globs = req.packages.filter(isGlob);
  if (globs.length === 0) return req;
  const known = yield* read({
    command: pkgnamesCommand(globs),
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`apt-cache pkgnames failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return r.stdout.split('\n').filter(Boolean);
    },
  });
  const expanded = expandGlobs(req.packages, known);
  return 'error' in expanded ? { ...req, error: expanded.error } : { ...req, packages: expanded.specs };
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
  /** Also simulate `apt-get autoclean` (section `autoclean`). */
  autoclean?: boolean;
}

/** The probe script: dpkg-query (when there are names), cache times, then the simulation (if any). */
export function probeCommand(names: readonly string[], opts: ProbeOptions = {}): string {
  const { sim, withFiles = false, skipUnchangedFrom, skipWhenNamed, autoclean = false } = opts;
  const simulation = sim ? section('sim', withFiles ? simulationWithFilesCommand(simulateCommand(sim)) : simulateCommand(sim)) : undefined;
  // dpkg's status letter: n (not installed) and c (config files only) leave no package files.
  const named =
    skipWhenNamed && names.length
      ? `named=$(${shellCommand('dpkg-query', '-W', '-f=${db:Status-Abbrev}\n', '--', ...names)} 2>/dev/null | grep -c '${skipWhenNamed === 'installed' ? '^.[^nc]' : '^.[nc]'}')`
      : 'named=0';
  const guards = [
    ...(skipUnchangedFrom !== undefined
      ? [`if [ "$fp" = '${skipUnchangedFrom.replace(/'/g, '')}' ]; then ${keyValue('simskipped', 'yes')}`]
      : []),
    ...(skipWhenNamed
      ? [`${skipUnchangedFrom !== undefined ? 'elif' : 'if'} [ "$named" -gt 0 ]; then ${keyValue('simskipped', 'named')}`]
      : []),
  ];
  return [
    'export LC_ALL=C',
    ...(names.length ? [section('dpkg', dpkgQueryCommand(names))] : []),
    ...cacheLines(),
    ...(autoclean ? [section('autoclean', shellCommand('apt-get', '-s', 'autoclean'))] : []),
    `fp="${DPKG_FINGERPRINT}"`,
    keyValue('fingerprint', '$fp'),
    ...(simulation && guards.length ? [named, ...guards, 'else', simulation, 'fi'] : simulation ? [simulation] : []),
  ].join('\n');
}

/**
 * What the apt task reads. Reads: the probe; and when named packages need work (the probe already
 * simulates for `latest` and `autoremove`), the digest of the apt inputs and the simulation, shared
 * between hosts with the same digest (in check mode followed by this host's own file listing when the
 * simulation was another host's).
 */
export function* probeApt(args: AptArgs, view: ModuleView): Probe<AptFacts> {
  const asked = aptRequest(args);
  const noop = view.runState(NOOP_CACHE);
  if (asked.error) return { req: asked, noop };
  const req = yield* expandNames(asked);
  if (latestWithVersion(req) || req.error) return { req, noop };
  if (req.deb) {
    const probe = yield* probeDeb(req, req.deb, view);
    return { req, probe, ...(probe.sim ? { sim: probe.sim } : {}), noop };
  }
  const probeSim = probeSimulationAction(req);
  const names = req.packages.map((p) => p.name);
  // What apt-get -s is asked: in check mode the earlier tasks' predicted package changes come along.
  const simOf = (a: AptAction): AptAction => (view.check ? simulationAction(a, view.predicted) : a);
  // An autoremove-only simulation is skipped when dpkg is still in a state it already found clean.
  const plainAutoremove = probeSim?.verb === 'autoremove' && JSON.stringify(simOf(probeSim)) === JSON.stringify(probeSim);
  const known = plainAutoremove ? knownNoop(noop, view.host) : undefined;
  // An autoremove-only simulation is wasted when named packages need work: their simulation includes it.
  const skipWhenNamed =
    probeSim?.verb === 'autoremove' && names.length
      ? req.state === 'absent'
        ? 'installed'
        : req.state === 'present'
          ? 'missing'
          : undefined
      : undefined;
  const probe = yield* read({
    command: probeCommand(names, {
      ...(probeSim ? { sim: simOf(probeSim) } : {}),
      withFiles: view.check,
      ...(known !== undefined ? { skipUnchangedFrom: known } : {}),
      ...(skipWhenNamed ? { skipWhenNamed } : {}),
      // Ansible autocleans only when no package is named (and an upgrade ends its run first).
      autoclean: req.autoclean && names.length === 0 && !req.upgrade,
    }),
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`apt probe failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return parseProbe(r.stdout, names.length > 0);
    },
  });
  if (probe.simSkipped) probe.sim = { out: '', err: '', rc: 0 };
  const { needed } = neededAction(req, probe.dpkg, view);
  // No simulation for work that fails (interrupted dpkg) or is unknown (sources an earlier task changes): decide.ts.
  if (needed && probe.dpkgInterrupted) return { req, probe, noop };
  if (needed?.verb === 'install' && sourcesChangedInCheck(view)) return { req, probe, noop };
  // The probe left its autoremove simulation out for named work that (predicted state, versions) turned out not needed: run it now.
  const leftOut = probe.simSkippedForNamed && !needed && probeSim ? probeSim : undefined;
  const own = !simulatedInProbe(req) && needed ? needed : leftOut;
  const sim = own ? yield* probeSharedSimulation(view, simOf(own)) : probe.sim;
  if (plainAutoremove && !probe.simSkipped && !own && sim?.rc === 0 && probe.fingerprint) {
    // The probe's autoremove simulation found nothing to do: remember this dpkg state (noopCache.ts).
    const fingerprint = probe.fingerprint;
    if (simulatedChanges(sim, probeSim, needed, probe.dpkg, view).length === 0) {
      yield* local('remember that apt has nothing to autoremove', async () => rememberNoop(noop, view.host, fingerprint));
    }
  }
  return { req, probe, ...(sim ? { sim } : {}), noop };
}
