// Ansible's find over a listing, pure: os.walk's order (a directory's files, then its directories, then
// each of those in turn), depth, hidden, the type/name/age/size/mode/content tests, limit, and the result
// fields of its statinfo. Runs on the controller over what listing.ts read.
import type { PythonRegex } from '../../engine/regex/index.ts';
import type { Entry, Listing } from './listing.ts';
import { contentMatches, nameMatches, type NameFilter } from './match.ts';

/** The selection's settings, after defaults and parsing. */
export interface Selection {
  names: NameFilter;
  fileType: 'any' | 'directory' | 'file' | 'link';
  recurse: boolean;
  /** 0: unlimited (Ansible ignores a falsy depth). */
  depth: number;
  hidden: boolean;
  follow: boolean;
  /** Seconds; negative: at most that old. */
  age?: number;
  ageStamp: 'atime' | 'ctime' | 'mtime';
  /** Bytes; negative: at most that big. */
  size?: number;
  mode?: { bits: number; exact: boolean };
  contains?: { re: PythonRegex; wholeFile: boolean };
  limit?: number;
}

/** What the host gave beyond the listing: lstat fields of links (follow), file contents, checksums. */
export interface Extras {
  lstat?: Map<string, Entry>;
  /** Content by path; absent: not readable (Ansible then counts it as no match). */
  content?: Map<string, Uint8Array>;
  checksum?: Map<string, string>;
}

/** One result of `files`: Ansible's statinfo of the path. */
export type FoundFile = Record<string, string | number | boolean>;

/** The module's result data. */
export interface FindResult {
  files: FoundFile[];
  matched: number;
  examined: number;
  skipped_paths: Record<string, string>;
  msg: string;
  /** Regular files found, for the checksum read (path → index in files). */
  regular: string[];
}

/** Python's posixpath.normpath. */
export function normpath(p: string): string {
  if (p === '') return '.';
  const initial = p.startsWith('//') && !p.startsWith('///') ? '//' : p.startsWith('/') ? '/' : '';
  const parts: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..' || (!initial && parts.length === 0) || parts[parts.length - 1] === '..') parts.push(c);
    else if (parts.length) parts.pop();
  }
  return initial + parts.join('/') || '.';
}

/** Ansible's statinfo fields of one entry. */
export function statinfo(path: string, e: Entry): FoundFile {
  const m = e.mode;
  return {
    path,
    mode: (m & 0o7777).toString(8).padStart(4, '0'),
    isdir: e.type === 'd',
    ischr: e.type === 'c',
    isblk: e.type === 'b',
    isreg: e.type === 'f',
    isfifo: e.type === 'p',
    islnk: e.type === 'l',
    issock: e.type === 's',
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    inode: e.inode,
    dev: e.dev,
    nlink: e.nlink,
    atime: e.atime,
    mtime: e.mtime,
    ctime: e.ctime,
    gr_name: e.group,
    pw_name: e.user,
    wusr: (m & 0o200) !== 0,
    rusr: (m & 0o400) !== 0,
    xusr: (m & 0o100) !== 0,
    wgrp: (m & 0o20) !== 0,
    rgrp: (m & 0o40) !== 0,
    xgrp: (m & 0o10) !== 0,
    woth: (m & 0o2) !== 0,
    roth: (m & 0o4) !== 0,
    xoth: (m & 0o1) !== 0,
    isuid: (m & 0o4000) !== 0,
    isgid: (m & 0o2000) !== 0,
  };
}

class StopPath extends Error {}

/**
 * Runs Ansible's walk over the listing. Without `extras.content`, `contains` is not tested and every
 * regular file that reaches it is returned in `candidates` (for the content read), limit ignored.
 */
export function select(listing: Listing, s: Selection, extras: Extras = {}): FindResult & { candidates: string[] } {
  const files: FoundFile[] = [];
  const regular: string[] = [];
  const candidates: string[] = [];
  const skipped: Record<string, string> = { ...listing.errors };
  const collecting = s.contains !== undefined && extras.content === undefined;
  const limit = collecting ? undefined : s.limit;
  let examined = 0;
  let msg = 'All paths examined';
  let warnings = false;

  const stamp = (e: Entry) => (s.ageStamp === 'atime' ? e.atime : s.ageStamp === 'ctime' ? e.ctime : e.mtime);
  const ageOk = (e: Entry) => s.age === undefined || (s.age >= 0 ? listing.now - stamp(e) >= s.age : listing.now - stamp(e) <= -s.age);
  const sizeOk = (e: Entry) => s.size === undefined || (s.size >= 0 ? e.size >= s.size : e.size <= -s.size);
  const modeOk = (e: Entry) => !s.mode || (s.mode.exact ? (e.mode & 0o7777) === s.mode.bits : (e.mode & s.mode.bits) !== 0);
  const containsOk = (path: string): boolean => {
    if (!s.contains) return true;
    if (collecting) {
      candidates.push(path);
      return false;
    }
    const bytes = extras.content?.get(path);
    if (bytes === undefined) return false;
    const r = contentMatches(s.contains.re, bytes, s.contains.wholeFile, path);
    if (typeof r === 'string') throw new StopPath(r);
    return r;
  };

  for (const pl of listing.paths) {
    try {
      if (!pl.isDir) throw new StopPath(`'${pl.path}' is not a directory`);
      const children = new Map<string, Entry[]>();
      for (const e of pl.entries) {
        const slash = e.rel.lastIndexOf('/');
        const parent = slash < 0 ? '' : e.rel.slice(0, slash);
        const list = children.get(parent) ?? [];
        list.push(e);
        children.set(parent, list);
      }
      const visit = (dir: string): boolean => {
        const entries = children.get(dir) ?? [];
        const dirs = entries.filter((e) => e.walkType === 'd');
        examined += entries.length;
        let prune = false;
        for (const raw of [...entries.filter((e) => e.walkType !== 'd'), ...dirs]) {
          const path = normpath(`${pl.path}/${raw.rel}`);
          if (s.depth && raw.depth > s.depth) {
            prune = true;
            continue;
          }
          const name = raw.rel.slice(raw.rel.lastIndexOf('/') + 1);
          if (name.startsWith('.') && !s.hidden) continue;
          const e = (raw.type === 'l' && extras.lstat?.get(path)) || raw;
          const common = () => nameMatches(s.names, name) && ageOk(e) && modeOk(e);
          if (s.fileType === 'any') {
            if (common() && (e.type !== 'f' || sizeOk(e))) add(path, e);
          } else if (e.type === 'd' && s.fileType === 'directory') {
            if (common()) add(path, e);
          } else if (e.type === 'f' && s.fileType === 'file') {
            if (nameMatches(s.names, name) && ageOk(e) && sizeOk(e) && containsOk(path) && modeOk(e)) add(path, e);
          } else if (e.type === 'l' && s.fileType === 'link') {
            if (common()) add(path, e);
          }
          if (files.length === limit) {
            msg = 'Limit of matches reached';
            break;
          }
        }
        if (!s.recurse || files.length === limit) return false;
        if (prune) return true;
        for (const d of dirs) {
          if ((s.follow || d.type !== 'l') && !visit(d.rel)) return false;
        }
        return true;
      };
      visit('');
    } catch (err) {
      if (!(err instanceof StopPath)) throw err;
      skipped[pl.path] = err.message;
      warnings = true;
    }
  }

  function add(path: string, e: Entry): void {
    const info = statinfo(path, e);
    const sum = e.type === 'f' ? extras.checksum?.get(path) : undefined;
    if (e.type === 'f') regular.push(path);
    files.push(sum !== undefined ? { ...info, checksum: sum } : info);
  }

  if (warnings) msg = 'Not all paths examined, check warnings for details';
  return { files, matched: files.length, examined, skipped_paths: skipped, msg, regular, candidates };
}
