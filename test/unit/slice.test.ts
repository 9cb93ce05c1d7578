// --slice I/N: parsing, a partition of any host list, stability when hosts are added, rough balance.
import { describe, expect, it } from 'vitest';
import { parseSlice, sliceHosts, sliceOf } from '../../engine/inventory/slice.ts';

const hosts = (n: number, prefix = 'node') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('--slice', () => {
  it('reads I/N and refuses what is not a slice, naming the option', () => {
    expect(parseSlice('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseSlice(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '3', 'a/b', '-1/2', '1/2/3'])
      expect(() => parseSlice(bad), bad).toThrow(/--slice .*(expected I\/N|from 1 to)/);
  });

  it('partitions any host list: every host in exactly one slice, order kept', () => {
    const all = hosts(200);
    for (const count of [1, 2, 3, 7]) {
      const parts = Array.from({ length: count }, (_, i) => sliceHosts(all, { index: i + 1, count }));
      expect(parts.flat().sort()).toEqual([...all].sort());
      for (const part of parts) expect(part).toEqual(all.filter((h) => part.includes(h)));
    }
  });

  it('keeps every host in its slice when hosts are added or removed', () => {
    const before = hosts(50);
    const after = [...hosts(30), ...hosts(40, 'edge'), ...hosts(50).slice(30)];
    for (let index = 1; index <= 4; index++) {
      const was = sliceHosts(before, { index, count: 4 });
      const now = sliceHosts(after, { index, count: 4 });
      expect(now.filter((h) => before.includes(h))).toEqual(was);
    }
  });

  it('spreads hosts roughly evenly (200 hosts in 4 slices: each within 50 ± 20)', () => {
    const sizes = [1, 2, 3, 4].map((index) => sliceHosts(hosts(200), { index, count: 4 }).length);
    for (const size of sizes) expect(Math.abs(size - 50)).toBeLessThanOrEqual(20);
  });

  it('depends on the name alone', () => {
    expect(sliceOf('node7', 5)).toBe(sliceOf('node7', 5));
    expect(new Set(hosts(40).map((h) => sliceOf(h, 5))).size).toBe(5);
  });
});
