// copy's `mode` once dest is known: octal as given, symbolic against dest's mode (0644 for a new file, what
// the write gives it), or 'preserve': src's mode.
import type { WantedAttributes } from '../lib/attributes.ts';
import type { FileState } from '../lib/fileState.ts';
import { isSymbolicMode, resolveMode, symbolicModeProblem } from '../lib/symbolicMode.ts';
import type { CopyArgs } from './schema.ts';

/** Why the mode argument is refused (a bad symbolic mode, Ansible's words), or undefined. */
export function modeProblem(mode: CopyArgs['mode']): string | undefined {
  return isSymbolicMode(mode) && mode !== 'preserve' ? symbolicModeProblem(mode.trim()) : undefined;
}

/** The wanted attributes with the mode resolved for this dest and src. */
export function withMode(
  wanted: WantedAttributes,
  mode: CopyArgs['mode'],
  dest: FileState | undefined,
  srcMode: string | undefined,
): WantedAttributes {
  if (mode === undefined) return wanted;
  if (mode === 'preserve') return srcMode === undefined ? wanted : { ...wanted, mode: srcMode.padStart(4, '0') };
  const current = dest?.type === 'file' ? Number.parseInt(dest.mode, 8) : 0o644;
  // A clause without who (`+x`) takes the umask; copy assumes the usual 022 (file reads the host's).
  return { ...wanted, mode: resolveMode(mode, current, false, 0o022) };
}
