// recurse: what is below a directory, read with find (links not followed), and in check mode the sha256 of
// the files whose attributes change (their prediction keeps the content).
import { read, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { TreeEntry } from './types.ts';

// %y type, %m permission bits (octal, special bits included), %u/%g names, %s size, %p path; NUL ends a record.
const FORMAT = '%y\\t%m\\t%u\\t%g\\t%s\\t%p\\0';

/**
 * The entries below `dir` (not dir itself), in find's order. With `follow` (Ansible's default), links are
 * followed as its recursive_set_attributes does: a link shows as what it leads to, a linked directory's
 * entries are listed through it, and only a broken link stays a link. A loop fails (Ansible: RecursionError).
 */
export function* readTree(dir: string, follow = false): Probe<TreeEntry[]> {
  return yield* read({
    command: `find ${follow ? '-L' : '-P'} ${shellQuote(dir)} -mindepth 1 -printf '${FORMAT}'`,
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`cannot list ${dir}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return parseTree(r.stdout);
    },
  });
}

/** Parses readTree's output. */
export function parseTree(stdout: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const rec of stdout.split('\0')) {
    if (rec === '') continue;
    const parts = rec.split('\t');
    if (parts.length < 6) throw new Error(`unexpected find output: ${rec.slice(0, 100)}`);
    const [y, mode, owner, group, size] = parts as [string, string, string, string, string];
    const type = y === 'f' ? 'file' : y === 'd' ? 'directory' : y === 'l' ? 'link' : 'other';
    out.push({ path: parts.slice(5).join('\t'), type, mode: mode.padStart(4, '0'), owner, group, size: Number(size) });
  }
  return out;
}

/** Check mode: reads the sha256 of these files (one read, the paths on stdin) into their entries. */
export function* treeChecksums(files: TreeEntry[]): Probe<void> {
  if (files.length === 0) return;
  const sums = yield* read({
    command: 'xargs -0 -r sha256sum --zero --',
    stdin: files.map((f) => `${f.path}\0`).join(''),
    parse: (r) => {
      const m = new Map<string, string>();
      for (const line of r.stdout.split('\0')) if (/^[0-9a-f]{64} [ *]/.test(line)) m.set(line.slice(66), line.slice(0, 64));
      return m;
    },
  });
  for (const f of files) {
    const s = sums.get(f.path);
    if (s) f.checksum = s;
  }
}
