// What the mount module's steps hand each other.
import type { DiffEntry } from '../../engine/types.ts';

/** The states fleetplay runs (Ansible's `ephemeral` is refused). */
export type MountState = 'mounted' | 'unmounted' | 'present' | 'absent' | 'absent_from_fstab' | 'remounted';

/** The task's arguments with Ansible's defaults filled in (opts with `noauto` when boot is false). */
export interface MountRequest {
  state: MountState;
  path: string;
  src?: string;
  fstype?: string;
  opts: string;
  dump: string;
  passno: string;
  fstab: string;
  backup: boolean;
  boot: boolean;
}

/** What the probe read of the host (through check mode's prediction). */
export interface MountStatus {
  /** The fstab text ('' when the file does not exist). */
  fstabText: string;
  fstabExists: boolean;
  /** The fstab's real path (symlinks resolved) and its mode, owner and group when it exists. */
  fstabReal: string;
  fstabAttrs?: { mode: string; owner: string; group: string };
  /** /proc/self/mountinfo has a mount on the path. */
  mounted: boolean;
  /** What is at the path. */
  pathType: 'absent' | 'directory' | 'other';
}

/** What probe found, or why there is nothing to decide on. */
export type MountFacts = { kind: 'status'; status: MountStatus } | { kind: 'unknown'; msg: string } | { kind: 'unreadable'; msg: string };

/** What apply does, in order. */
export interface MountChange {
  request: MountRequest;
  status: MountStatus;
  /** The new fstab text, when the fstab changes. */
  fstab?: string;
  /** mkdir the mount point (mounted, path missing). */
  mkdir: boolean;
  /** The mount action: mount, remount after an fstab change, remount (state remounted), unmount. */
  action?: 'mount' | 'remount' | 'remounted' | 'unmount';
  /** rmdir the mount point (absent). */
  rmdir: boolean;
  /** What was done, for the result message. */
  done: string;
  diff: DiffEntry[];
}
