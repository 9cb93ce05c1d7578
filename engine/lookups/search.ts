// Where lookups find controller files: Ansible's find_file_in_search_path, the same places copy and
// template look for their src (the task's role, the task file's folder, the playbook's folder).
import { lstatSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LookupPlace } from './types.ts';

/**
 * The places `relative` is looked for, in order, with `subdir` (files, templates, vars) tried first in each:
 * the task's role, the task file's folder, then the playbook's folder. As engine/playbook/localFiles.ts
 * localCandidates, for any sub-folder name.
 */
export function searchCandidates(relative: string, subdir: string, place: LookupPlace): string[] {
  if (path.isAbsolute(relative)) return [relative];
  const roots = [...(place.rolePath ? [place.rolePath] : []), path.dirname(place.taskFile), place.playbookDir];
  const out: string[] = [];
  for (const root of roots)
    for (const c of [path.join(root, subdir, relative), path.join(root, relative)]) if (!out.includes(c)) out.push(c);
  return out;
}

/** The first candidate that exists (a file or a folder), or undefined. */
export function findInSearchPath(relative: string, subdir: string, place: LookupPlace): string | undefined {
  return searchCandidates(relative, subdir, place).find((c) => statSync(c, { throwIfNoEntry: false }) !== undefined);
}

/** The folders searched for `relative`, for messages. */
export function searchedFolders(relative: string, subdir: string, place: LookupPlace): string {
  return [...new Set(searchCandidates(relative, subdir, place).map(path.dirname))].join(', ');
}

/** True when `file` is a regular file (a link is followed). */
export function isRegularFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

/** True when something (even a dangling link) is at `file`. */
export function existsAt(file: string): boolean {
  return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}
