// The state the file module acts on when `state` is left out, and the argument combinations Ansible refuses.
import type { FileState } from '../lib/fileState.ts';
import type { FileArgs, FileStateArg } from './schema.ts';
import type { TimeSpec } from './times.ts';

/** The state acted on and the time arguments, read. */
export interface Plan {
  state: FileStateArg;
  times: { atime: TimeSpec; mtime: TimeSpec };
}

/**
 * Ansible's additional_parameter_handling: without `state`, what is there now (a directory stays one, a link
 * stays one), 'directory' for a missing path with recurse, else 'file'.
 */
export function effectiveState(args: FileArgs, current: FileState): FileStateArg {
  if (args.state) return args.state;
  if (current.type === 'directory') return 'directory';
  if (current.type === 'link') return 'link';
  if (current.type === 'absent' && args.recurse === true) return 'directory';
  return 'file';
}

/** Ansible's words for what it refuses before acting, or undefined. */
export function refusal(args: FileArgs, state: FileStateArg): string | undefined {
  if (args.recurse === true && state !== 'directory') return "recurse option requires state to be 'directory'";
  if (args.src !== undefined && state !== 'link' && state !== 'hard') return "src option requires state to be 'link' or 'hard'";
  return undefined;
}
