// What the file module's steps hand each other.
import type { Decision } from '../../engine/module.ts';
import type { PredictedFile } from '../../engine/types.ts';
import type { FileState } from '../lib/fileState.ts';
import type { HardFacts } from './hard.ts';
import type { PathInfo } from './pathInfo.ts';
import type { Plan } from './plan.ts';

/** One entry below a directory (recurse), as find printed it; links are not followed. */
export interface TreeEntry {
  path: string;
  type: 'file' | 'directory' | 'link' | 'other';
  mode: string;
  owner: string;
  group: string;
  size: number;
  /** Check mode, a file whose attributes change: its sha256, for the prediction. */
  checksum?: string;
}

/** What the time arguments need from the host: its umask, the target's times, the wanted times as epochs. */
export interface HostExtras {
  umask: number;
  atime?: number;
  mtime?: number;
  /** Epoch seconds of access_time / modification_time strings, by their 'YYYY-MM-DD HH:MM:SS' text. */
  epochs: Record<string, number | undefined>;
  /** attributes: the target's lsattr flags without dashes ('' where lsattr cannot tell, as Ansible reads it). */
  attrFlags?: string;
  /** Check mode: the target's times are not the host's (an earlier task writes it). */
  timesChanged?: boolean;
}

/** What probe read: the path, and what the decision for its state needs besides. */
export interface FileFacts {
  /** The path acted on when it is not the one given (a file placed inside the directory given). */
  path?: string;
  current: FileState;
  /** follow on a link (states file, directory, touch): where it leads, and what is there. */
  followed?: { path: string; state: FileState };
  /** state: directory on a missing path: what `mkdir -p` would create, or why it fails. */
  mkdir?: { created: string[]; problem?: string };
  /** state: touch or link on a missing path: why its directory cannot take it. */
  parentProblem?: string;
  /** Check mode: the path is missing on the host, no earlier task predicts it, and this task whose effects check mode cannot predict runs first (it may create it). */
  opaque?: string;
  /** Check mode, a chmod/chown of an existing file or directory: the state it starts from. */
  base?: PredictedFile;
  /** recurse: what is below the directory (undefined when it is created now: nothing). */
  tree?: TreeEntry[];
  /** recurse in check mode: why the tree cannot be predicted. */
  treeUnknown?: string;
  extras: HostExtras;
  /** The state acted on (a missing `state` filled in) and the time arguments. */
  plan: Plan;
  /** state: hard: src and the inodes. */
  hard?: HardFacts;
  /** The info a result reports, by path (the path itself, a followed link's target), as the host has it now. */
  info: Map<string, PathInfo | undefined>;
  /** state: link: where src leads from the path's directory and whether it exists (src given, no force); an existing directory's emptiness. */
  link?: { absrc?: string; absrcExists?: boolean; dirEmpty?: boolean };
  /** state: absent on a directory: what is below it (Ansible's diff path_content). */
  pathContent?: { directories: string[]; files: string[] };
  /** Check mode: Ansible's warnings about an owner or group the host does not know. */
  warnings?: string[];
  /** _diff_peek: whether the path's first 8192 bytes hold a NUL byte. */
  appearsBinary?: boolean;
}

/** What a probe that refuses the arguments hands decide: Ansible's message and the path's info when read. */
export interface FileRefusal {
  refused: string;
  info?: PathInfo | undefined;
}

/** A command with its stdin (a NUL-separated path list). */
export interface FileStep {
  command: string;
  stdin?: string;
}

/** A change: the steps apply runs in order, what it reports, and the states check mode predicts. */
export interface FileChange {
  steps: FileStep[];
  done: string;
  predictions: Array<{ path: string; state: PredictedFile }>;
  /** The result's fields: the path under its key, the module's own fields; apply adds the path's info after. */
  result?: ResultTarget;
}

/** Where a result reports: Ansible's key for the path ('path' or 'dest'), the path, and the module's own fields. */
export interface ResultTarget {
  key: 'path' | 'dest';
  path: string;
  own: Record<string, unknown>;
}

/** A path's state after the task, for check mode's later tasks. */
export type FilePrediction = { path: string; state: PredictedFile };

/** The file module's decision type. */
export type FileDecision = Decision<FileChange, FilePrediction[]>;
