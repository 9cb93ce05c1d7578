// What the file module's steps hand each other.
import type { PredictedFile } from '../../engine/types.ts';
import type { FileState } from '../lib/fileState.ts';

/** What probe read: the path, and what the decision for its state needs besides. */
export interface FileFacts {
  current: FileState;
  /** state: directory on a missing path: what `mkdir -p` would create, or why it fails. */
  mkdir?: { created: string[]; problem?: string };
  /** state: touch or link on a missing path: why its directory cannot take it. */
  parentProblem?: string;
  /** Check mode: the path is missing on the host, no earlier task predicts it, and this task whose effects check mode cannot predict runs first (it may create it). */
  opaque?: string;
  /** Check mode, a chmod/chown of an existing file or directory: the state it starts from. */
  base?: PredictedFile;
}

/** A change: the script apply runs, what it reports, and the states check mode predicts. */
export interface FileChange {
  script: string;
  done: string;
  predictions: Array<{ path: string; state: PredictedFile }>;
}
