// Formats diff entries for people: unified diffs for file content, "before → after" for the rest.
import { createTwoFilesPatch } from 'diff';
import type { DiffEntry } from '../types.ts';

/** True when a diff entry is about file content (its header is the file's path). */
export function isContentDiff(d: DiffEntry): boolean {
  return d.header.startsWith('/') && !d.header.includes(' ');
}

/** Renders one diff entry as text lines (no colour). */
export function formatDiff(d: DiffEntry): string[] {
  if (!isContentDiff(d)) return [`${d.header}: ${d.before || '(none)'} → ${d.after || '(none)'}`];
  const patch = createTwoFilesPatch(`${d.header} (before)`, `${d.header} (after)`, d.before, d.after, '', '', { context: 3 });
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('====') && !l.startsWith('\\ No newline'))
    .filter((l, i, all) => !(i === all.length - 1 && l === ''));
}
