// What find reads on the host: one find(1) per search path with every stat field printed NUL-separated,
// and the follow-up reads (lstat of links under follow, file contents for `contains`, checksums), each
// a single command; paths of follow-up reads go through stdin, never through the command line.
import { shellQuote } from '../../engine/quote.ts';
import type { ExecResult } from '../../engine/types.ts';

/** One entry find printed: the stat fields of Ansible's statinfo, its depth and walk classification. */
export interface Entry {
  /** Path relative to the search path (find's %P); `path` of a follow-up read. */
  rel: string;
  depth: number;
  /** lstat's type letter (f, d, l, c, b, p, s). */
  type: string;
  /** The type os.walk sorts it by: a link's target type (so a link to a directory is one of `dirs`). */
  walkType: string;
  mode: number;
  uid: number;
  gid: number;
  user: string;
  group: string;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
}

/** One search path as read: not a directory, or its entries in find's (readdir) order. */
export type PathListing = { path: string; isDir: false } | { path: string; isDir: true; entries: Entry[] };

/** The whole listing: the host's clock, each path, and the directories find could not read. */
export interface Listing {
  now: number;
  paths: PathListing[];
  /** find's complaints: path → message (Python's form), e.g. a directory it may not read. */
  errors: Record<string, string>;
}

const FIELDS = '%y\\0%m\\0%U\\0%G\\0%u\\0%g\\0%s\\0%i\\0%D\\0%n\\0%A@\\0%T@\\0%C@\\0';

/** The walk's command: the clock, then per path a marker and find's records (17 NUL-ended fields each). */
export function listingCommand(paths: string[], opts: { follow: boolean; maxDepth?: number }): string {
  // -H: a search path that is a link is followed (os.walk does), nothing below it; -L follows all links
  // and `-xtype l` then still tells a link. The first field says which entries are links.
  const mode = opts.follow ? '-L' : '-H';
  const linkTest = opts.follow ? '-xtype' : '-type';
  const depth = opts.maxDepth !== undefined ? ` -maxdepth ${opts.maxDepth}` : '';
  const lines = [`printf '%s\\0' "$(date +%s.%N)"`];
  for (const p of paths) {
    const q = shellQuote(p);
    lines.push(
      `if [ -d ${q} ]; then printf 'D\\0'; find ${mode} ${q} -mindepth 1${depth} \\( ${linkTest} l -printf 'L\\0' -o -printf '-\\0' \\) -printf '%d\\0%Y\\0${FIELDS}%P\\0'; printf 'E\\0'; else printf 'N\\0'; fi`,
    );
  }
  return lines.join('\n');
}

function entryFrom(f: string[], walkType: string, depth: number, rel: string): Entry {
  const num = (s: string | undefined) => Number(s ?? 0);
  const uid = num(f[2]);
  const gid = num(f[3]);
  return {
    rel,
    depth,
    type: f[0] ?? '',
    walkType,
    mode: Number.parseInt(f[1] ?? '0', 8),
    uid,
    gid,
    // find prints the number when the id has no name; Ansible's pw_name/gr_name are then ''.
    user: f[4] === String(uid) ? '' : (f[4] ?? ''),
    group: f[5] === String(gid) ? '' : (f[5] ?? ''),
    size: num(f[6]),
    inode: num(f[7]),
    dev: num(f[8]),
    nlink: num(f[9]),
    atime: num(f[10]),
    mtime: num(f[11]),
    ctime: num(f[12]),
  };
}

/** Parses listingCommand's output; `paths` are the search paths in order. Throws on output it cannot read. */
export function parseListing(r: ExecResult, paths: string[], follow: boolean): Listing {
  const fields = r.stdout.split('\0');
  let i = 0;
  const next = () => {
    if (i >= fields.length) throw new Error('find: the listing ended early');
    return fields[i++]!;
  };
  const now = Number(next());
  const out: PathListing[] = [];
  for (const path of paths) {
    const mark = next();
    if (mark === 'N') {
      out.push({ path, isDir: false });
      continue;
    }
    if (mark !== 'D') throw new Error(`find: unexpected listing output for ${path}`);
    const entries: Entry[] = [];
    for (let m = next(); m !== 'E'; m = next()) {
      const depth = Number(next());
      const target = next();
      const f = Array.from({ length: 13 }, next);
      const rel = next();
      const e = entryFrom(f, '', depth, rel);
      // Under -L the fields are the target's: a link keeps type 'l' (its lstat fields come in a later read).
      if (m === 'L') e.type = 'l';
      e.walkType = follow ? (f[0] ?? '') : target;
      entries.push(e);
    }
    out.push({ path, isDir: true, entries });
  }
  return { now, paths: out, errors: parseErrors(r.stderr) };
}

/** find's error lines (`find: '/x': Permission denied`) as Python's OSError text. */
function parseErrors(stderr: string): Record<string, string> {
  const errors: Record<string, string> = Object.create(null);
  for (const line of stderr.split('\n')) {
    const m = /^find: [‘'](.*)[’']: (.*)$/.exec(line);
    if (!m) continue;
    const errno = m[2] === 'Permission denied' ? '[Errno 13] ' : '';
    errors[m[1]!] = `${errno}${m[2]}: '${m[1]}'`;
  }
  return errors;
}

/** lstat fields of the given paths (links under follow), read from stdin (NUL-separated), in order. */
export const LSTAT_COMMAND = `xargs -0 -r sh -c 'exec find -P "$@" -maxdepth 0 -printf "%y\\0${FIELDS}%p\\0"' sh`;

/** Parses LSTAT_COMMAND's output: each path's fields. */
export function parseLstat(stdout: string): Map<string, Entry> {
  const f = stdout.split('\0');
  const out = new Map<string, Entry>();
  for (let i = 0; i + 15 <= f.length; i += 15) {
    const rel = f[i + 14]!;
    out.set(rel, entryFrom(f.slice(i + 1, i + 14), f[i]!, 0, rel));
  }
  return out;
}

/** Each stdin path's content as base64 on one line ('!' when it cannot be read). */
export const CONTENT_COMMAND = `xargs -0 -r sh -c 'for f; do base64 -w0 < "$f" 2>/dev/null || printf "!"; echo; done' sh`;

/** Each stdin path's checksum on one line ('!' and the error when it cannot be read). */
export function checksumCommand(algorithm: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'): string {
  return `xargs -0 -r sh -c 'for f; do if s=$(${algorithm}sum < "$f" 2>&1); then echo "\${s%% *}"; else echo "!$s" | head -n1; fi; done' sh`;
}
