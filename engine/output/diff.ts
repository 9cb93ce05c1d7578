// Formats diff entries for people: unified diffs for file content, "before → after" for the rest.
import { createRequire } from 'node:module';
import type { DiffEntry } from '../types.ts';

// Loaded on first use: most runs show no content diff, and the package is 19 files to load.
const require = createRequire(import.meta.url);
let patchMaker: typeof import('diff').createTwoFilesPatch | undefined;

/** True when a diff entry is about file content (its header is the file's path). */
export function isContentDiff(d: DiffEntry): boolean {
  return d.header.startsWith('/') && !d.header.includes(' ');
}

/** Renders one diff entry as text lines (no colour). */
export function formatDiff(d: DiffEntry): string[] {
  if (!isContentDiff(d)) return [`${d.header}: ${d.before || '(none)'} → ${d.after || '(none)'}`];
  patchMaker ??= (require('diff') as typeof import('diff')).createTwoFilesPatch;
  const patch = patchMaker(`${d.header} (before)`, `${d.header} (after)`, d.before, d.after, '', '', { context: 3 });
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('====') && !l.startsWith('\\ No newline'))
    .filter((l, i, all) => !(i === all.length - 1 && l === ''));
}
