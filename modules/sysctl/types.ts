// What the sysctl module's steps hand each other.
import type { FileKey } from './text.ts';

/** What the probe read. */
export interface SysctlStatus {
  /** Live value from /proc/sys, or undefined when the key does not exist there. */
  live?: string;
  liveReadable: boolean;
  writable: boolean;
  /** The sysctl file's text, or undefined when it does not exist. */
  file?: string;
  fileIsOther: boolean;
  /** The file does not exist and neither does its directory (the write then runs mkdir -p). */
  parentMissing?: boolean;
  /** The file's real path (symlinks resolved), mode, owner and group, when it exists. */
  real?: { path: string; mode: string; owner: string; group: string };
}

/** One decided change: the live value to set and/or the new file text. */
export interface SysctlChange {
  name: string;
  value: string;
  file: string;
  setLive: boolean;
  /** New file text, when the file changes. */
  content?: string;
  /** What the apply did, for the result message. */
  done: string;
  /** reload: `sysctl -p` the file after writing it (with -e for ignoreerrors), as Ansible does. */
  reload?: { ignoreErrors: boolean };
}

/** The live state of a key the file sets besides the task's own (what `sysctl -p` would write to). */
export interface OtherKey {
  key: FileKey;
  /** /proc/sys has the key. */
  exists: boolean;
  /** Live value, when readable. */
  live?: string;
  writable: boolean;
}

/** What probe found: the status (through check mode's prediction) and the parent directories a new file needs. */
export type SysctlFacts =
  | { kind: 'status'; status: SysctlStatus; mkdir?: { created: string[]; problem?: string }; others?: OtherKey[] }
  | { kind: 'unreadable'; msg: string }
  | { kind: 'unknown' };

/** A change: what apply runs, and what check mode records (the directories mkdir -p creates, the file's real path and attributes). */
export interface SysctlPlanned {
  change: SysctlChange;
  created: string[];
  real?: SysctlStatus['real'];
  /** Live values `sysctl -p` leaves for the file's other keys, by /proc/sys path (check mode records them). */
  reloaded?: Array<[path: string, value: string]>;
}
