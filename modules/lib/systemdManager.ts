// systemd's own view in check mode, shared by the modules that change units (systemd) and remove the
// packages that ship them (apt): what systemd loaded at the last predicted load or daemon-reload, per
// host, in a typed slot of the predicted state.
import type { PredictedView } from '../../engine/module.ts';
import type { PredictedFile, PredictedState, StateSlot } from '../../engine/types.ts';
import { UNIT_DIRS } from './unitDirs.ts';

/** What probe and decide read of the prediction. */
export type UnitReader = Pick<PredictedView, 'file' | 'unit' | 'slot'>;

/** What systemd had loaded for one unit at its last predicted load: the predicted entries of its paths then. */
export interface LoadedView {
  files: Map<string, PredictedFile | undefined>;
  /** LoadState then; undefined when not known (a package removal reloaded systemd). */
  loadState?: string;
}

/** Per host (store): the units whose load check mode has followed, and whether a daemon-reload was predicted. */
export interface ManagerView {
  units: Map<string, LoadedView>;
  reloaded: boolean;
}

const MANAGER: StateSlot<ManagerView> = { name: 'systemd manager', init: () => ({ units: new Map(), reloaded: false }) };

export function manager(p: PredictedState): ManagerView {
  return p.slot(MANAGER);
}

/** The manager view for reading (probe and decide). */
export function managerView(p: UnitReader): Readonly<ManagerView> {
  return p.slot(MANAGER);
}

/** The paths where a file of this unit name counts: the unit search path (mask links live in its first two). */
export function unitPaths(unit: string): string[] {
  return UNIT_DIRS.map((d) => `${d}/${unit}`);
}

export function snapshot(p: UnitReader, unit: string): Map<string, PredictedFile | undefined> {
  return new Map(unitPaths(unit).map((x) => [x, p.file(x)]));
}

/** Records a predicted daemon-reload: every unit check mode follows is loaded afresh from its predicted files. */
export function recordDaemonReload(p: PredictedState, units: readonly string[] = []): void {
  const m = manager(p);
  m.reloaded = true;
  for (const [unit, view] of m.units) m.units.set(unit, { ...view, files: snapshot(p, unit) });
  for (const unit of units) if (!m.units.has(unit)) m.units.set(unit, { files: snapshot(p, unit) });
}

/**
 * Records a package removal (check mode): its unit files are gone, the package's prerm stopped the unit
 * and its postrm reloaded systemd (dh_installsystemd), so every unit is loaded afresh.
 */
export function recordRemovedUnits(p: PredictedState, units: readonly string[]): void {
  for (const unit of units) p.setUnit(unit, { loaded: false, active: false });
  recordDaemonReload(p, units);
  const m = manager(p);
  for (const unit of units) m.units.set(unit, { files: snapshot(p, unit) });
}
