// What the systemd module's steps hand each other.
import type { ResultData } from '../../engine/types.ts';
import type { UnitDecision, UnitRequest, UnitStep } from './decide.ts';
import type { UnitStatus } from './probe.ts';

/** What probe found. */
export type SystemdFacts =
  /** No name and no daemon_reload: true: nothing to read. */
  | { kind: 'no-unit' }
  /** The read itself failed: the message says which. */
  | { kind: 'unreadable'; msg: string }
  /** daemon_reload alone: the loaded units that need it (check mode: as the earlier tasks leave them). */
  | { kind: 'reload'; stale: string[] }
  /**
   * One unit: its status (check mode: as the earlier tasks leave it), and in check mode the first earlier
   * task whose effects are not predicted (`opaqueTask`), and the first since a prediction last set this
   * unit's state (`opaqueSince`, only when a prediction touched the unit).
   */
  | { kind: 'unit'; unit: string; status: UnitStatus; opaqueTask?: string; opaqueSince?: string };

/** What check mode records for a unit task (systemd/predict.ts recordUnitPlan). */
export interface UnitRecord {
  req: UnitRequest;
  status: UnitStatus;
  decision: UnitDecision;
}

/** A change: the steps for one unit, or a daemon-reload alone. */
export type SystemdChange =
  | { kind: 'unit'; unit: string; steps: UnitStep[]; data: ResultData; record: UnitRecord }
  | { kind: 'reload'; stale: string[] };
