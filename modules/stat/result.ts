// stat's result in Ansible's shape (stat.py's format_output and main), from the read or from check mode's prediction.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PredictedFile } from '../../engine/types.ts';
import type { StatRead } from './read.ts';
import type { StatAlgorithm } from './schema.ts';

/** The registered `stat` dictionary. */
export type StatResult = Record<string, unknown>;

// lsattr's letters and Ansible's names for them (module_utils/basic.py FILE_ATTRIBUTES).
const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime',
  a: 'append',
  c: 'compressed',
  C: 'nocow',
  d: 'nodump',
  D: 'dirsync',
  e: 'extents',
  E: 'encrypted',
  h: 'blocksize',
  i: 'immutable',
  I: 'indexed',
  j: 'journalled',
  N: 'inline',
  s: 'zero',
  S: 'synchronous',
  t: 'notail',
  T: 'blockroot',
  u: 'undelete',
  X: 'compressedraw',
  Z: 'compresseddirty',
};

const S_IFMT = 0o170000;
const TYPES = { isdir: 0o040000, ischr: 0o020000, isblk: 0o060000, isreg: 0o100000, isfifo: 0o010000, islnk: 0o120000, issock: 0o140000 };
const PERMS = { wusr: 0o200, rusr: 0o400, xusr: 0o100, wgrp: 0o020, rgrp: 0o040, xgrp: 0o010, woth: 0o002, roth: 0o004, xoth: 0o001 };

/** What the result needs to know besides the read. */
export interface StatOptions {
  path: string;
  checksum: StatAlgorithm | false;
  mime: boolean;
  attributes: boolean;
}

/** The result for a read path (Ansible: `{exists: false}` alone for a missing one). */
export function statResult(read: StatRead, o: StatOptions): StatResult {
  if (!read.exists) return { exists: false };
  const f = read.fields;
  const num = (k: string) => Number(f.get(k) ?? 0);
  const raw = Number.parseInt(f.get('rawmode') ?? '0', 16);
  const out: StatResult = { exists: true, path: o.path, mode: (raw & 0o7777).toString(8).padStart(4, '0') };
  for (const [k, v] of Object.entries(TYPES)) out[k] = (raw & S_IFMT) === v;
  Object.assign(out, {
    uid: num('uid'),
    gid: num('gid'),
    size: num('size'),
    inode: num('inode'),
    dev: num('dev'),
    nlink: num('nlink'),
    atime: num('atime'),
    mtime: num('mtime'),
    ctime: num('ctime'),
  });
  for (const [k, v] of Object.entries(PERMS)) out[k] = (raw & v) !== 0;
  Object.assign(out, {
    isuid: (raw & 0o4000) !== 0,
    isgid: (raw & 0o2000) !== 0,
    blocks: num('blocks'),
    block_size: num('block_size'),
    device_type: makedev(Number.parseInt(f.get('major') ?? '0', 16), Number.parseInt(f.get('minor') ?? '0', 16)),
    readable: f.has('readable'),
    writeable: f.has('writeable'),
    executable: f.has('executable'),
  });
  if (out.islnk) {
    out.lnk_source = fromHex(f.get('lnk_source') ?? '');
    out.lnk_target = fromHex(f.get('lnk_target') ?? '');
  }
  // stat prints UNKNOWN for an id without a name; Ansible leaves the key out then.
  for (const k of ['pw_name', 'gr_name']) if (f.get(k) !== undefined && f.get(k) !== 'UNKNOWN') out[k] = f.get(k);
  if (o.checksum && out.isreg && out.readable && f.has('checksum')) out.checksum = f.get('checksum');
  if (o.mime) Object.assign(out, mime(f.get('mime')));
  if (o.attributes) Object.assign(out, lsattr(f.get('lsattr')));
  return out;
}

// glibc's makedev: what Python's st_rdev holds.
function makedev(major: number, minor: number): number {
  return (minor & 0xff) + (major & 0xfff) * 0x100 + (minor & ~0xff) * 0x1000 + Math.floor(major / 0x1000) * 0x1000 ** 2 * 0x10;
}

function fromHex(hex: string): string {
  return Buffer.from(hex, 'hex').toString('utf8').replace(/\n$/, '');
}

// `file -b --mime-type --mime-encoding` prints "text/plain; charset=us-ascii"; anything else is Ansible's 'unknown'.
function mime(line: string | undefined): { mimetype: string; charset: string } {
  const m = line === undefined ? null : /^([^;]+);\s*charset=(\S+)\s*$/.exec(line);
  return m ? { mimetype: m[1]!.trim(), charset: m[2]! } : { mimetype: 'unknown', charset: 'unknown' };
}

// `lsattr -vd` prints "<version> <flags> <path>"; without lsattr (or where it fails) Ansible's defaults.
function lsattr(line: string | undefined): { version: string | null; attributes: string[]; attr_flags: string } {
  const words = line?.trim().split(/\s+/) ?? [];
  if (words.length < 2) return { version: null, attributes: [], attr_flags: '' };
  const flags = words[1]!.replace(/-/g, '');
  return { version: words[0]!, attributes: [...flags].flatMap((c) => (FILE_ATTRIBUTES[c] ? [FILE_ATTRIBUTES[c]] : [])), attr_flags: flags };
}

/**
 * Check mode: what an earlier task's prediction changes in the host's result. Type, mode, owner, group, size
 * and the checksum (from the predicted text, or its sha256) come from the prediction; the rest stays the host's
 * (times, inode). Undefined when the checksum asked for cannot be known from it.
 */
export function predictedResult(host: StatResult, p: PredictedFile, o: StatOptions): StatResult | undefined {
  if (p.type === 'absent') return { exists: false };
  const base: StatResult = host.exists ? { ...host } : { exists: true, path: o.path };
  for (const k of Object.keys(TYPES)) base[k] = false;
  for (const k of ['checksum', 'lnk_source', 'lnk_target']) delete base[k];
  if (p.type === 'link') {
    const source = path.posix.resolve(path.posix.dirname(o.path), p.target);
    return { ...base, islnk: true, lnk_source: source, lnk_target: p.target, mode: '0777' };
  }
  const mode = p.mode ?? (p.type === 'directory' ? '0755' : '0644');
  const bits = Number.parseInt(mode, 8);
  for (const [k, v] of Object.entries(PERMS)) base[k] = (bits & v) !== 0;
  Object.assign(base, {
    mode,
    isuid: (bits & 0o4000) !== 0,
    isgid: (bits & 0o2000) !== 0,
    pw_name: p.owner ?? 'root',
    gr_name: p.group ?? 'root',
  });
  if (p.type === 'directory') return { ...base, isdir: true };
  const out: StatResult = { ...base, isreg: true };
  if (p.content !== undefined) out.size = Buffer.byteLength(p.content);
  else if (p.size !== undefined) out.size = p.size;
  if (!o.checksum) return out;
  if (p.content !== undefined) return { ...out, checksum: createHash(o.checksum).update(p.content).digest('hex') };
  if (o.checksum === 'sha256' && p.checksum) return { ...out, checksum: p.checksum };
  return undefined;
}
