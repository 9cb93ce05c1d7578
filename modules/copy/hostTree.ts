// A directory src on the host (remote_src): its entries with find (links followed with local_follow: true,
// else kept as links, as Ansible's module copies a host tree) and the sha256 of its files, read together in one stage.
import { readAll, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { LocalEntry } from './localTree.ts';

/** A file of the host tree: copied on the host, compared by sha256. */
export interface HostFileEntry {
  rel: string;
  type: 'hostfile';
  src: string;
  mode: string;
  size: number;
  checksum: string;
}

/** An entry of a tree to copy: from the controller, or a file on the host. */
export type TreeEntry = Exclude<LocalEntry, { type: 'file' }> | Extract<LocalEntry, { type: 'file' }> | HostFileEntry;

/** The entries of `src` on the host, directories before what is in them; `base` prefixes every rel. */
export function* walkHost(src: string, base: string, follow: boolean): Probe<TreeEntry[]> {
  const s = shellQuote(src);
  const opt = follow ? '-L' : '-P';
  const [listing, sums] = yield* readAll([
    {
      // Five NUL-ended fields per entry: type, mode, size, link target, path below src.
      command: `stat -L --printf '%a\\0' -- ${s} && find ${opt} ${s} -mindepth 1 -printf '%y\\0%m\\0%s\\0%l\\0%P\\0'`,
      parse: (r) => {
        if (r.exitCode !== 0) throw new Error(`cannot list ${src}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
        return r.stdout.split('\0');
      },
    },
    {
      command: `find ${opt} ${s} -mindepth 1 -type f -exec sha256sum --zero -- {} +`,
      parse: (r) => {
        const m = new Map<string, string>();
        for (const line of r.stdout.split('\0')) if (/^[0-9a-f]{64} [ *]/.test(line)) m.set(line.slice(66), line.slice(0, 64));
        return m;
      },
    },
  ] as const);
  const mode = (m: string) => m.padStart(4, '0');
  const out: TreeEntry[] = [];
  if (base !== '') out.push({ rel: base, type: 'directory', mode: mode(listing[0] ?? '755') });
  const join = (rel: string) => (base === '' ? rel : `${base}/${rel}`);
  for (let i = 1; i + 4 < listing.length; i += 5) {
    const [y, m, size, target, rel] = listing.slice(i, i + 5) as [string, string, string, string, string];
    const full = `${src.replace(/\/+$/, '')}/${rel}`;
    if (y === 'd') out.push({ rel: join(rel), type: 'directory', mode: mode(m) });
    else if (y === 'l') out.push({ rel: join(rel), type: 'link', target });
    else if (y === 'f') {
      const checksum = sums.get(full);
      // An unreadable file has no sha256: the copy fails on it as Ansible's would.
      if (checksum === undefined) throw new Error(`cannot read ${full} on the host`);
      out.push({ rel: join(rel), type: 'hostfile', src: full, mode: mode(m), size: Number(size), checksum });
    }
  }
  return out;
}
