// What the systemd module's steps hand each other.
import type { ResultData } from '../../engine/types.ts';
import type { UnitDecision, UnitRequest, UnitStep } from './decide.ts';
import type { UnitStatus } from './probe.ts';
import type { ScopeName, SystemctlFlags } from './scope.ts';

/** What probe found. */
export type SystemdFacts =
  /** No name and no daemon_reload: true: nothing to read. */
  | { kind: 'no-unit' }
  /** The read itself failed: the message says which. */
  | { kind: 'unreadable'; msg: string }
  /** An argument the module cannot honour (a service backend other than systemd): the message says which. */
  | { kind: 'refused'; msg: string }
  /** daemon_reload alone: the loaded units that need it (check mode: as the earlier tasks leave them). */
  | { kind: 'reload'; scope: ScopeName; stale: string[]; reexec: boolean }
  /**
   * One unit: its status (check mode: as the earlier tasks leave it), and in check mode the first earlier
   * task whose effects are not predicted (`opaqueTask`), and the first since a prediction last set this
   * unit's state (`opaqueSince`, only when a prediction touched the unit).
   */
  | {
      kind: 'unit';
      unit: string;
      scope: ScopeName;
      /** daemon_reexec is asked and due (the manager runs from replaced files). */
      reexec: boolean;
      status: UnitStatus;
      opaqueTask?: string;
      opaqueSince?: string;
      /** Check mode, user or global scope: why the outcome cannot be predicted. */
      unpredictable?: string;
    };

/** What check mode records for a unit task (systemd/predict.ts recordUnitPlan). */
export interface UnitRecord {
  req: UnitRequest;
  status: UnitStatus;
  decision: UnitDecision;
}

/** A change: the steps for one unit, or a daemon-reload alone. */
export type SystemdChange =
  | { kind: 'unit'; unit: string; steps: UnitStep[]; data: ResultData; record: UnitRecord; flags: ApplyFlags }
  | { kind: 'reload'; stale: string[]; reexec: boolean; flags: ApplyFlags };

/** How apply calls systemctl: the scope and Ansible's no_block and force. */
export interface ApplyFlags extends SystemctlFlags {
  scope: ScopeName;
}
