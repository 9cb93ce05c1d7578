// The directory a new file goes into: whether it exists (a write into a missing directory fails, as in
// Ansible), and which directories `mkdir -p` would create. Read through the predicted state in check
// mode, so a directory an earlier task creates counts and one it removes does not.
import path from 'node:path';
import type { ModuleView, Probe } from '../../engine/module.ts';
import type { PredictedState } from '../../engine/types.ts';
import { probeFileState } from './fileState.ts';

type Reader = Pick<ModuleView, 'check' | 'predicted'>;

/** Why a new file cannot be created at `file` (its directory is missing or not a directory); undefined if it can. */
export function* probeMissingParent(view: Reader, file: string): Probe<string | undefined> {
  const dir = path.posix.dirname(path.posix.normalize(file));
  if (dir === '/' || dir === '.') return undefined;
  const s = yield* probeFileState(view, dir, false);
  // A link may point at a directory; the write itself then decides.
  if (s.type === 'directory' || s.type === 'link') return undefined;
  return s.type === 'absent' ? `Destination directory ${dir} does not exist` : `Destination ${dir} is not a directory`;
}

/**
 * What `mkdir -p dir` would do: the missing directories it creates (outermost first), or why it fails
 * (an existing ancestor is not a directory).
 */
export function* probeMkdir(view: Reader, dir: string): Probe<{ created: string[]; problem?: string }> {
  const created: string[] = [];
  for (let d = path.posix.normalize(dir); d !== '/' && d !== '.'; d = path.posix.dirname(d)) {
    const s = yield* probeFileState(view, d, false);
    if (s.type === 'directory' || s.type === 'link') break;
    if (s.type !== 'absent') return { created: [], problem: `cannot create ${dir}: ${d} exists and is not a directory` };
    created.unshift(d);
  }
  return { created };
}

/** A module's predict step: records the directories `mkdir -p` would create (mode 0755 under the default umask). */
export function setPredictedDirectories(predicted: PredictedState, dirs: readonly string[]): void {
  for (const d of dirs) predicted.setFile(d, { type: 'directory', mode: '0755', owner: 'root', group: 'root' });
}
