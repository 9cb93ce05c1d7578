// The fields Ansible adds to a file result about its path (module_utils/basic.py add_path_info): for a path
// that exists (a link is followed to tell), uid, gid, owner, group, mode, state and size of the path itself
// (lstat). A path that does not exist adds nothing.
import { read, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ResultData } from '../../engine/types.ts';

/** What add_path_info reports for an existing path. */
export interface PathInfo {
  uid: number;
  gid: number;
  owner: string;
  group: string;
  mode: string;
  state: 'link' | 'directory' | 'hard' | 'file';
  size: number;
}

/** One shell line: `absent`, or the lstat fields tab-separated (%f raw mode in hex, %h links). */
export function pathInfoCommand(path: string): string {
  const p = shellQuote(path);
  return `if [ -e ${p} ]; then stat --printf '%u\\t%g\\t%U\\t%G\\t%f\\t%h\\t%s\\n' -- ${p}; else echo absent; fi`;
}

/** Parses pathInfoCommand's output; undefined for a path that does not exist (or cannot be read). */
export function parsePathInfo(stdout: string): PathInfo | undefined {
  const f = stdout.replace(/\n$/, '').split('\t');
  if (f.length < 7) return undefined;
  const [uid, gid, owner, group, raw, nlink, size] = f as [string, string, string, string, string, string, string];
  const bits = Number.parseInt(raw, 16);
  const type = bits & 0o170000;
  const state = type === 0o120000 ? 'link' : type === 0o040000 ? 'directory' : Number(nlink) > 1 ? 'hard' : 'file';
  return {
    uid: Number(uid),
    gid: Number(gid),
    // stat prints UNKNOWN for an id without a name; Ansible reports the number then.
    owner: owner === 'UNKNOWN' ? uid : owner,
    group: group === 'UNKNOWN' ? gid : group,
    // Python's '0%03o' % S_IMODE(mode): '0644', '01444'.
    mode: `0${(bits & 0o7777).toString(8).padStart(3, '0')}`,
    state,
    size: Number(size),
  };
}

/** The read of one path's info. */
export function* readPathInfo(path: string): Probe<PathInfo | undefined> {
  return yield* read({ command: pathInfoCommand(path), parse: (r) => parsePathInfo(r.stdout) });
}

/** A result's fields: the path under `key` ('path' or 'dest'), the module's own fields, then the path's info over them. */
export function resultFields(key: 'path' | 'dest', path: string, info: PathInfo | undefined, own: ResultData = {}): ResultData {
  return { [key]: path, ...own, ...(info ?? {}) };
}
