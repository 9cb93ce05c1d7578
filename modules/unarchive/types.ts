// What unarchive's steps hand each other.
import type { PredictedFile, ResultData, Vars } from '../../engine/types.ts';
import type { FetchOptions } from '../lib/download.ts';
import type { ExtractJob } from './archiveExtract.ts';
import type { ArchiveFormat } from './archiveFormat.ts';
import type { ManifestSpec } from './archiveManifest.ts';
import type { ArchiveProbe } from './archiveProbe.ts';
import type { CachedManifest } from './manifestCache.ts';

/** The task's arguments as the steps use them (checked at the top of probe). */
export interface UnarchiveTask {
  src: string;
  dest: string;
  isUrl: boolean;
  remoteSrc: boolean;
  creates?: string;
  format: ArchiveFormat;
  spec: ManifestSpec;
  fetch: FetchOptions;
  own: { owner?: string; group?: string };
  /** Ansible's `mode` for every extracted member: four octal digits, or a symbolic mode (u+rwX,go-w). */
  mode?: string;
  keepNewer: boolean;
  listFiles: boolean;
}

/** How check mode reads a remote src that an earlier task would write. */
export type PredictedSource =
  | { kind: 'missing' }
  | { kind: 'cached'; manifest: CachedManifest }
  | { kind: 'stream'; url: string; archiveSha?: string }
  | { kind: 'unknown'; msg: string };

/** Whose hash table (hashCache.ts) a script's output goes into: the host's inventory name and address. */
export interface HashOwner {
  host: string;
  vars: Vars;
}

/** A verdict reached without comparing members. */
export interface Verdict {
  kind: 'ok' | 'failed' | 'unknown';
  msg: string;
  data?: ResultData;
}

/** What probe found: a verdict reached before reading, or the probe's answer and what it was asked with. */
export type UnarchiveFacts =
  | { kind: 'verdict'; verdict: Verdict }
  | {
      kind: 'probed';
      task: UnarchiveTask;
      /** What the result registers in every case (dest, src, handler). */
      data: ResultData;
      /** The probe command's exit status, stderr (trimmed) and the start of its output. */
      exitCode: number;
      err: string;
      stdoutHead: string;
      probe: ArchiveProbe;
      /** The archive's sha256 when known before the probe (a controller archive, a cached manifest). */
      archiveSha?: string;
      /** Check mode: an earlier task would write the remote src. */
      predictedSrc?: PredictedSource;
      /** Check mode: an earlier task would leave dest missing or not a directory. */
      destWouldBeMissing: boolean;
      /** The controller-side archive apply sends. */
      localFile?: string;
      owner: HashOwner;
    };

/** The states check mode records for the members extraction would write. */
export interface MemberPrediction {
  path: string;
  state: PredictedFile;
}

/** A change: the extraction, and what apply reports. */
export interface UnarchiveChange {
  job: ExtractJob;
  localFile?: string;
  src: string;
  dest: string;
  /** How many members of the archive are files (for the message). */
  files: number;
  data: ResultData;
  owner: HashOwner;
  predictions: MemberPrediction[];
}
