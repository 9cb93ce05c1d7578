// Ansible's path tests, run on the controller like Ansible's: abs, exists, file, directory, link,
// link_exists, mount, same_file. Relative paths are relative to the controller's working directory.
import { lstatSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { problem } from './error.ts';
import type { TestSpec } from './is-tests.ts';
import { typeName } from './values.ts';

function path(value: unknown, test: string): string {
  if (typeof value !== 'string') return problem(`the '${test}' test needs a path string, not ${typeName(value)}`);
  if (value.includes('\0')) return problem(`the '${test}' test got a path with a NUL character`);
  // As Ansible's os.path functions, `~` is not expanded.
  return value;
}

const stat = (p: string): Stats | undefined => statSync(p, { throwIfNoEntry: false });
const lstat = (p: string): Stats | undefined => lstatSync(p, { throwIfNoEntry: false });

// A mount point: a directory on another device than its parent, or the root itself (os.path.ismount).
function isMount(p: string): boolean {
  const own = lstat(p);
  if (!own?.isDirectory()) return false;
  const full = resolve(p);
  const parent = stat(dirname(full));
  return full === dirname(full) || (parent !== undefined && (parent.dev !== own.dev || parent.ino === own.ino));
}

const pathTest = (names: string[], check: (p: string) => boolean): [string[], TestSpec] => [
  names,
  { signature: { params: [], required: 0 }, check: (value) => check(path(value, names[0] ?? '')) },
];

/** The path tests, each with its names (Ansible's is_* aliases included). */
export const FILE_TESTS: Array<[string[], TestSpec]> = [
  pathTest(['abs', 'is_abs'], (p) => isAbsolute(p)),
  pathTest(['exists'], (p) => stat(p) !== undefined),
  pathTest(['file', 'is_file'], (p) => stat(p)?.isFile() === true),
  pathTest(['directory', 'is_dir'], (p) => stat(p)?.isDirectory() === true),
  pathTest(['link', 'is_link'], (p) => lstat(p)?.isSymbolicLink() === true),
  pathTest(['link_exists'], (p) => lstat(p) !== undefined),
  pathTest(['mount', 'is_mount'], isMount),
  [
    ['same_file', 'is_same_file'],
    {
      signature: { params: ['other'], required: 1 },
      check: (value, args) => {
        const a = stat(path(value, 'same_file'));
        const b = stat(path(args.values.get('other'), 'same_file'));
        return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
      },
    },
  ],
];
