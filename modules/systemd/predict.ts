// Check mode: a unit as the earlier tasks of the run would have left it, and what a plan leaves for later ones.
//
// The host has not changed in check mode, so its probe is read through the predicted state: unit files and
// mask links that earlier tasks would write or delete (`predicted.file` of the unit's paths on the search
// path), and the unit states earlier systemd or apt plans recorded (`predicted.unit`). systemd's own view is
// modelled too: what it loaded at the last (predicted) load or daemon-reload. A unit file that changed
// since is stale (NeedDaemonReload=yes), except for a unit systemd had as not-found: systemd loads such a
// unit afresh when it is next referenced, as the real run's probe does.
import type { Decision, PredictedView } from '../../engine/module.ts';
import type { PredictedFile, PredictedState } from '../../engine/types.ts';
import { isStale, type UnitDecision, type UnitRequest, type UnitStep } from './decide.ts';
import type { UnitStatus } from './probe.ts';
import { MASK_DIRS } from '../lib/unitDirs.ts';
import { manager, managerView, recordDaemonReload, snapshot, unitPaths, type LoadedView } from '../lib/systemdManager.ts';

import { SCOPED_UNITS } from './scope.ts';
import type { SystemdChange, UnitRecord } from './types.ts';

/** What probe and decide read of the prediction. */
type Reader = Pick<PredictedView, 'file' | 'unit' | 'slot'>;

const RUNNING = ['active', 'activating', 'reloading'];

const isMaskLink = (f: PredictedFile): boolean => f.type === 'link' && f.target === '/dev/null';

/** True when an earlier task's prediction changed one of the unit's paths after systemd last loaded it. */
function changedSinceLoad(p: Reader, unit: string, view: LoadedView | undefined): boolean {
  return unitPaths(unit).some((x) => p.file(x) !== (view ? view.files.get(x) : undefined));
}

/**
 * The unit's status as the real run would probe it after the earlier tasks; `s` itself when no prediction
 * touches the unit (so a task with nothing predicted decides exactly as outside check mode).
 */
export function predictStatus(s: UnitStatus, p: Reader): UnitStatus {
  const { unit } = s;
  const m = managerView(p);
  const view = m.units.get(unit);
  const pu = p.unit(unit);
  const files = new Map(unitPaths(unit).map((x) => [x, p.file(x)]));
  const hostStale = s.needDaemonReload || s.staleUnits.length > 0;
  const touched =
    pu !== undefined ||
    view !== undefined ||
    [...files.values()].some(Boolean) ||
    (m.reloaded && hostStale) ||
    predictedStaleUnits(s, p).length > 0;
  if (!touched) return s;

  // On disk: mask links and unit files, predicted entries first.
  let maskLinks = MASK_DIRS.map((d) => `${d}/${unit}`).filter((x) => {
    const f = files.get(x);
    return f ? isMaskLink(f) : s.maskLinks.includes(x);
  });
  if (pu?.masked === false) maskLinks = [];
  if (pu?.masked === true && maskLinks.length === 0) maskLinks = [`/etc/systemd/system/${unit}`];
  // The host's unit files; a loaded unit outside the search path (a generator's) has its fragment.
  const fragment = s.properties.FragmentPath ?? '';
  const hostFiles = s.unitFiles.length > 0 ? s.unitFiles : s.loadState === 'loaded' && fragment ? [fragment] : [];
  const unitFiles = [...new Set([...unitPaths(unit), ...hostFiles])].filter((x) => {
    const f = p.file(x);
    return f ? f.type === 'file' || (f.type === 'link' && !isMaskLink(f)) : hostFiles.includes(x);
  });
  const masked = maskLinks.length > 0;
  const onDisk = unitFiles.length > 0 || pu?.loaded === true;
  const diskLoadState = masked ? 'masked' : onDisk ? 'loaded' : 'not-found';

  // systemd's view: what it loaded last (after a package removal's reload: what was on disk then; a
  // unit file changed since is assumed to be one the removal deleted). A unit it has as not-found is
  // loaded afresh when referenced; a loaded unit whose file changed since is stale.
  const changed = changedSinceLoad(p, unit, view);
  const memory = view ? (view.loadState ?? (changed ? 'not-found' : diskLoadState)) : s.loadState;
  const fresh = memory === 'not-found';
  const loadState = fresh ? diskLoadState : memory;
  const needDaemonReload = (changed && !fresh && loadState !== 'masked') || (s.needDaemonReload && !m.reloaded);

  const activeState =
    pu?.active !== undefined
      ? pu.active
        ? 'active'
        : 'inactive'
      : !onDisk && !masked && loadState === 'not-found'
        ? 'inactive'
        : s.activeState;
  const unitFileState = masked
    ? maskLinks.every((l) => l.startsWith('/run/'))
      ? 'masked-runtime'
      : 'masked'
    : !onDisk
      ? ''
      : pu?.enabled !== undefined
        ? pu.enabled
          ? 'enabled'
          : 'disabled'
        : s.unitFileState !== '' && !s.unitFileState.startsWith('masked')
          ? s.unitFileState
          : enablementFromDisk(
              s,
              unitFiles.map((x) => files.get(x)),
            );
  const top = masked ? maskLinks[0] : unitFiles[0];
  return {
    ...s,
    properties: {
      ...s.properties,
      LoadState: loadState,
      ActiveState: activeState,
      SubState: activeState === s.activeState ? (s.properties.SubState ?? '') : RUNNING.includes(activeState) ? 'running' : 'dead',
      UnitFileState: unitFileState,
      FragmentPath: top ?? '',
      NeedDaemonReload: needDaemonReload ? 'yes' : 'no',
    },
    loadState,
    activeState,
    needDaemonReload,
    loadError: loadState === 'loaded' ? '' : s.loadError,
    unitFileState,
    maskLinks,
    unitFiles,
    staleUnits: predictStaleList(s.staleUnits, s, p),
  };
}

/** is-enabled of a unit the host does not have yet: enablement links already there, else its [Install] section. */
function enablementFromDisk(s: UnitStatus, files: Array<PredictedFile | undefined>): string {
  if (s.wantedBy.length > 0) return 'enabled';
  const content = files.find((f) => f?.type === 'file' && f.content !== undefined);
  if (content?.type === 'file' && content.content !== undefined && !/^\s*\[Install\]/m.test(content.content)) return 'static';
  return 'disabled';
}

/** Loaded units whose unit file an earlier task changed since systemd (as predicted) loaded it. */
export function predictedStaleUnits(s: Pick<UnitStatus, 'fragments'>, p: Reader): string[] {
  const m = managerView(p);
  return s.fragments
    .filter(({ unit, path }) => {
      const now = p.file(path);
      if (now === undefined) return false;
      const view = m.units.get(unit);
      return view ? view.files.get(path) !== now && view.loadState !== 'not-found' : true;
    })
    .map((f) => f.unit);
}

/** The host's stale units, as check mode sees them after the predicted reloads and file changes. */
export function predictStaleList(hostStale: string[], s: Pick<UnitStatus, 'fragments'>, p: Reader): string[] {
  const reloaded = managerView(p).reloaded;
  return [...new Set([...(reloaded ? [] : hostStale), ...predictedStaleUnits(s, p)])];
}

/**
 * Records what a planned task leaves (check mode): the unit's mask links, its predicted state
 * (masked, enabled, active, loaded) and, when systemd would have it loaded afresh, its view.
 */
export function recordUnitPlan(p: PredictedState, req: UnitRequest, s: UnitStatus, d: UnitDecision): void {
  const { unit } = req;
  const steps = d.kind === 'change' ? d.steps : [];
  const has = (x: UnitStep) => steps.includes(x);
  if (d.kind === 'failed' || d.kind === 'unknown') return;
  if (req.scope !== undefined && req.scope !== 'system') {
    recordScopedPlan(p, req, steps);
    return;
  }
  if (has('daemon-reexec')) p.slot(SCOPED_UNITS).set('system:@reexec', {});
  if (has('unmask') || has('unmask-runtime')) {
    for (const link of s.maskLinks) if (has('unmask') || link.startsWith('/run/')) p.setFile(link, { type: 'absent' });
  }
  if (has('mask')) p.setFile(`/etc/systemd/system/${unit}`, { type: 'link', target: '/dev/null' });
  const masked = has('mask') ? true : has('unmask') || has('unmask-runtime') ? false : s.maskLinks.length > 0;
  const onDisk = s.unitFiles.length > 0 || p.unit(unit)?.loaded === true;
  const stopping = has('stop');
  const starting = has('start') || has('restart') || has('reload');
  if (steps.length > 0) {
    p.setUnit(unit, {
      masked,
      loaded: onDisk,
      ...(has('enable') ? { enabled: true } : has('disable') ? { enabled: false } : {}),
      ...(starting ? { active: true } : stopping ? { active: false } : {}),
    });
  }
  // Units whose Requires=/BindsTo=/PartOf= name this one stop with it.
  if (stopping) for (const other of s.stopsWith) p.setUnit(other, { active: false });
  const loadState = masked ? 'masked' : onDisk ? 'loaded' : 'not-found';
  if (has('daemon-reload') || has('daemon-reexec')) {
    recordDaemonReload(p);
    manager(p).units.set(unit, { files: snapshot(p, unit), loadState });
  } else if (!isStale(s)) {
    // systemd has what is on disk (a not-found unit is loaded on reference): later changes make it stale.
    manager(p).units.set(unit, { files: snapshot(p, unit), loadState: s.loadState });
  }
}

/**
 * The module's predict step: a unit task records what it leaves (an ok one too: systemd then has what is
 * on disk, so a later change of its files makes it stale); a daemon-reload alone reloads every unit.
 */
export function predictSystemd(decision: Decision<SystemdChange>, p: PredictedState): void {
  if (decision.kind === 'change') {
    const c = decision.change;
    if (c.kind === 'reload') {
      if (c.flags.scope !== 'system') {
        if (c.reexec) p.slot(SCOPED_UNITS).set(`${c.flags.scope}:@reexec`, {});
        return;
      }
      recordDaemonReload(p, c.stale);
      if (c.reexec) p.slot(SCOPED_UNITS).set('system:@reexec', {});
    } else recordUnitPlan(p, c.record.req, c.record.status, c.record.decision);
    return;
  }
  // An ok verdict carries the unit as systemd has it loaded (Decision.record).
  const record = decision.kind === 'ok' || decision.kind === 'unknown' ? (decision.record as UnitRecord | undefined) : undefined;
  if (record) recordUnitPlan(p, record.req, record.status, record.decision);
}

/** A user or global unit's plan, in SCOPED_UNITS (the system scope's predicted units stay the system's). */
function recordScopedPlan(p: PredictedState, req: UnitRequest, steps: UnitStep[]): void {
  const has = (x: UnitStep) => steps.includes(x);
  if (has('daemon-reexec')) p.slot(SCOPED_UNITS).set(`${req.scope}:@reexec`, {});
  if (steps.length === 0) return;
  const key = `${req.scope}:${req.unit}`;
  const before = p.slot(SCOPED_UNITS).get(key) ?? {};
  p.slot(SCOPED_UNITS).set(key, {
    ...before,
    ...(has('mask') ? { masked: true } : has('unmask') || has('unmask-runtime') ? { masked: false } : {}),
    ...(has('enable') ? { enabled: true } : has('disable') ? { enabled: false } : {}),
    ...(has('start') || has('restart') || has('reload') ? { active: true } : has('stop') ? { active: false } : {}),
  });
}
