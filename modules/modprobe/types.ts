// What the modprobe module's steps hand each other.
import type { DiffEntry } from '../../engine/types.ts';

/** What the probe learned about one kernel module. */
export interface ModuleStatus {
  /** /sys/module/<name> exists. */
  sys: boolean;
  /** /sys/module/<name>/initstate exists: a loadable module (built-in ones have none). */
  loadable: boolean;
  /** /proc/modules lists it. */
  proc: boolean;
  /** /proc/modules exists: the kernel can load modules at all. */
  moduleSupport: boolean;
  /** modules.builtin names it. */
  builtin: boolean;
  /** Files in /etc/modules-load.d that list the module, with their text. */
  listed: Array<{ path: string; text: string }>;
  /** Text of /etc/modprobe.d/<name>.conf, if it exists. */
  options?: string;
  /** Real path (symlinks resolved), mode, owner and group of each existing file above, by path. */
  attrs?: Record<string, FileAttrs>;
}

/** Where a file really is and who owns it. */
export interface FileAttrs {
  real: string;
  mode: string;
  owner: string;
  group: string;
}

/** What the task asks. */
export interface ModprobeRequest {
  name: string;
  params: string;
  state: 'present' | 'absent';
  persistent: 'present' | 'absent' | 'disabled';
}

/** The decided change: a load/unload command plus whole-file writes ('' text with remove: true deletes). */
export type ModprobeDecision =
  | { kind: 'ok' | 'failed'; msg: string }
  | {
      kind: 'change';
      msg: string;
      done: string;
      diff: DiffEntry[];
      command?: string;
      files: Array<{ path: string; text: string; remove: boolean }>;
    };

/** A change: what apply runs, and what check mode records (the decision and the status it came from). */
export interface ModprobeChange {
  name: string;
  decision: Extract<ModprobeDecision, { kind: 'change' }>;
  status: ModuleStatus;
}

/** What probe found: the module's status (through check mode's prediction), or why there is none. */
export type ModprobeFacts =
  | { kind: 'status'; status: ModuleStatus }
  | { kind: 'unreadable'; msg: string }
  | { kind: 'unknown'; msg: string };
