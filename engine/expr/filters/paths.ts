// Path filters with Python's os.path semantics (POSIX): basename, dirname, splitext, path_join, normpath,
// relpath, expanduser, realpath.
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { problem } from '../error.ts';
import { toText } from '../values.ts';
import { type FilterEntry, itemsOf, simple } from './spec.ts';

/** os.path.basename: everything after the last '/', so '/etc/' gives ''. */
export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** os.path.dirname: everything before the last '/', trailing slashes removed unless it is all slashes. */
export function dirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** os.path.splitext: [root, ext]; leading dots of the last component do not start an extension. */
export function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) if (p[i] !== '.') return [p.slice(0, dot), p.slice(dot)];
  }
  return [p, ''];
}

/** os.path.join: an absolute part restarts the path; a '/' is added between parts that lack one. */
export function pathJoin(parts: readonly string[]): string {
  let out = '';
  parts.forEach((part, i) => {
    if (part.startsWith('/') || i === 0) out = part;
    else out += out === '' || out.endsWith('/') ? part : `/${part}`;
  });
  return out;
}

/** os.path.normpath: '.' and '..' resolved in the text, one or two leading slashes kept (three or more become one). */
export function normpath(p: string): string {
  if (p === '') return '.';
  const initial = p.startsWith('/') ? (p.startsWith('//') && !p.startsWith('///') ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initial === 0 && parts.length === 0) || parts.at(-1) === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  return '/'.repeat(initial) + parts.join('/') || '.';
}

// os.path.expanduser on the controller: '~' and '~/...' become $HOME; '~user' is expanded only for the
// current user (Python reads the password database for others; fleetplay leaves them unchanged).
function expanduser(p: string): string {
  if (!p.startsWith('~')) return p;
  const end = p.indexOf('/') < 0 ? p.length : p.indexOf('/');
  const user = p.slice(1, end);
  const home = user === '' ? (process.env.HOME ?? os.homedir()) : user === os.userInfo().username ? os.homedir() : undefined;
  if (home === undefined) return p;
  return home.replace(/\/+$/, '') + p.slice(end) || '/';
}

// os.path.realpath on the controller: symbolic links of the existing part resolved, the missing rest appended.
function realpath(p: string): string {
  const absolute = path.resolve(p);
  const missing: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      if (current === '/') return absolute;
      missing.push(path.basename(current));
    }
  }
}

const text = (apply: (p: string) => unknown) => simple((value) => apply(toText(value)));

/** The path filters. */
export const PATH_FILTERS: FilterEntry[] = [
  [['basename'], text(basename)],
  [['dirname'], text(dirname)],
  [['splitext'], text(splitext)],
  [['expanduser'], text(expanduser)],
  [['realpath'], text(realpath)],
  [['normpath'], text(normpath)],
  // os.path.relpath(path, start): relative to `start` (default the controller's working directory).
  [
    ['relpath'],
    {
      signature: { params: ['start'], required: 0 },
      apply: (v, a) => path.relative(path.resolve(toText(a.values.get('start') ?? '.')), path.resolve(toText(v))) || '.',
    },
  ],
  [
    ['path_join'],
    simple((value) => {
      const parts = typeof value === 'string' ? [value] : itemsOf(value, 'path_join');
      return pathJoin(parts.map((part) => (typeof part === 'string' ? part : problem('path_join: every part must be a string'))));
    }),
  ],
];
