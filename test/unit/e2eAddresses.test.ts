// End-to-end files run four at a time (vitest.config.ts), each on a lab of its own: their node addresses
// (127.0.1.<first> onwards) must not overlap, or two files meet each other's nodes, or one refuses to boot.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const E2E = path.resolve(import.meta.dirname, '../e2e');

interface Range {
  file: string;
  first: number;
  last: number;
}

/** Every lab an end-to-end file boots, as `bootLab(name, nodes, image, first)` or `{ …, nodes: N, …, first: F }`. */
function rangesOf(file: string, text: string): Range[] {
  const out: Range[] = [];
  for (const m of text.matchAll(/bootLab\([^,]+,\s*(\d+),\s*'\w+',\s*(\d+)\)/g))
    out.push({ file, first: Number(m[2]), last: Number(m[2]) + Number(m[1]) - 1 });
  for (const m of text.matchAll(/\{[^}]*\bnodes:\s*(\d+)[^}]*\bfirst:\s*(\d+)[^}]*\}/g))
    out.push({ file, first: Number(m[2]), last: Number(m[2]) + Number(m[1]) - 1 });
  return out;
}

describe('end-to-end lab addresses', () => {
  const files = readdirSync(E2E).filter((f) => f.endsWith('.test.ts'));
  const ranges = files.flatMap((f) => rangesOf(f, readFileSync(path.join(E2E, f), 'utf8')));
  // quickstart.test.ts boots the default `kube` lab of inventory/kube: 3 nodes from 127.0.1.1.
  ranges.push({ file: 'quickstart.test.ts (inventory/kube)', first: 1, last: 3 });

  it('finds the labs of the files that boot one', () => {
    expect(new Set(ranges.map((r) => r.file)).size).toBeGreaterThanOrEqual(files.length - 3);
    expect(ranges.every((r) => r.first >= 1 && r.last >= r.first)).toBe(true);
  });

  it('gives every lab its own addresses, below the 250+ kept free for "nothing listens here"', () => {
    const clashes: string[] = [];
    for (const [i, a] of ranges.entries()) {
      if (a.last >= 250 && a.first < 256) clashes.push(`${a.file}: indexes ${a.first}-${a.last} reach the reserved 250-255 (127.0.1.250+)`);
      for (const b of ranges.slice(i + 1))
        if (a.first <= b.last && b.first <= a.last) clashes.push(`${a.file} ${a.first}-${a.last} overlaps ${b.file} ${b.first}-${b.last}`);
    }
    expect(clashes).toEqual([]);
  });
});
