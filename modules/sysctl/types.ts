// What the sysctl module's steps hand each other.

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
}

/** What probe found: the status (through check mode's prediction) and the parent directories a new file needs. */
export type SysctlFacts =
  | { kind: 'status'; status: SysctlStatus; mkdir?: { created: string[]; problem?: string } }
  | { kind: 'unreadable'; msg: string }
  | { kind: 'unknown' };

/** A change: what apply runs, and what check mode records (the directories mkdir -p creates, the file's real path and attributes). */
export interface SysctlPlanned {
  change: SysctlChange;
  created: string[];
  real?: SysctlStatus['real'];
}
