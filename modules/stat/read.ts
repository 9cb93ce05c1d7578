// stat's one read: GNU stat's fields, access checks, link data, checksum, mime type and lsattr, as
// `key=value` lines (the path's own name never appears in them, so no path can break the parse).
import { shellQuote } from '../../engine/quote.ts';
import type { StatAlgorithm } from './schema.ts';

/** What the read found; `fields` is stat's raw `key=value` output. */
export type StatRead = { exists: false } | { exists: true; fields: Map<string, string> };

/** What to read besides stat's fields. */
export interface StatWants {
  follow: boolean;
  checksum: StatAlgorithm | false;
  mime: boolean;
  attributes: boolean;
}

// %f raw mode (hex), %u/%g ids, %U/%G names ("UNKNOWN" without one), %s size, %i inode, %d device, %h links,
// %.9X/Y/Z times, %b blocks, %o I/O block size, %t/%T device major/minor (hex).
const FIELDS = [
  'rawmode=%f',
  'uid=%u',
  'gid=%g',
  'pw_name=%U',
  'gr_name=%G',
  'size=%s',
  'inode=%i',
  'dev=%d',
  'nlink=%h',
  'atime=%.9X',
  'mtime=%.9Y',
  'ctime=%.9Z',
  'blocks=%b',
  'block_size=%o',
  'major=%t',
  'minor=%T',
].join('\\n');

/** The command: one shell line, read-only. */
export function statCommand(path: string, wants: StatWants): string {
  const p = shellQuote(path);
  const L = wants.follow ? '-L ' : '';
  // follow: false reads the link itself (lstat), as Ansible: a link is not a regular file then, so it has no checksum.
  const isFile = wants.follow ? `[ -f ${p} ]` : `[ -f ${p} ] && [ ! -L ${p} ]`;
  const sum = wants.checksum
    ? `if ${isFile} && [ -r ${p} ]; then s=$(${wants.checksum}sum < ${p}) && printf 'checksum=%s\\n' "\${s%% *}"; fi;`
    : '';
  const mime = wants.mime
    ? `command -v file >/dev/null 2>&1 && m=$(file -b --mime-type --mime-encoding -- ${p} 2>/dev/null) && printf 'mime=%s\\n' "$m";`
    : '';
  const attrs = wants.attributes
    ? `command -v lsattr >/dev/null 2>&1 && a=$(lsattr -vd -- ${p} 2>/dev/null) && printf 'lsattr=%s\\n' "$a" | head -n 1;`
    : '';
  // A link's names in hex: a newline in them cannot add a line.
  const hex = (cmd: string) => `$(${cmd} | od -An -v -tx1 | tr -d ' \\n')`;
  const link = wants.follow
    ? ''
    : `if [ -L ${p} ]; then printf 'lnk_source=%s\\nlnk_target=%s\\n' "${hex(`readlink -f -- ${p}`)}" "${hex(`readlink -- ${p}`)}"; fi;`;
  // A broken link exists for lstat (follow: false) and not for stat (follow: true), as in Ansible.
  const exists = wants.follow ? `[ -e ${p} ]` : `[ -e ${p} ] || [ -L ${p} ]`;
  return [
    `if ${exists}; then`,
    `stat ${L}--printf '${FIELDS}\\n' -- ${p} || exit 1;`,
    `[ -r ${p} ] && echo readable=1; [ -w ${p} ] && echo writeable=1; [ -x ${p} ] && echo executable=1;`,
    sum,
    mime,
    attrs,
    link,
    // The optional reads above may fail (no lsattr support on the filesystem); the read itself does not.
    'true; else echo absent=1; fi',
  ]
    .filter((s) => s !== '')
    .join(' ');
}

/** Parses statCommand's output; the first value of a key wins. */
export function parseStat(stdout: string): StatRead {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !fields.has(line.slice(0, eq))) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (fields.has('absent')) return { exists: false };
  if (!fields.has('rawmode')) throw new Error(`unexpected stat output: ${stdout.slice(0, 200)}`);
  return { exists: true, fields };
}
