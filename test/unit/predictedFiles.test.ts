// Check mode's predicted files: a path set to anything but a directory takes what was recorded under it
// with it; lookups see what a removed or replaced parent hides. Checked against a plain model that
// scans every recorded path, over random operations on a small tree of names.
import { describe, expect, it } from 'vitest';
import { createPredictedState } from '../../engine/executor/predicted.ts';
import type { PredictedFile } from '../../engine/types.ts';

/** The obvious implementation: every recorded path scanned on every write and lookup. */
function model() {
  const files = new Map<string, PredictedFile>();
  return {
    setFile(p: string, state: PredictedFile) {
      if (state.type !== 'directory') for (const k of [...files.keys()]) if (k.startsWith(`${p}/`)) files.delete(k);
      files.set(p, state);
    },
    hasFileUnder: (d: string) => [...files.keys()].some((k) => k === d || k.startsWith(`${d}/`)),
    get: (p: string) => files.get(p),
  };
}

describe('predicted files', () => {
  it('drops what lies under a path that becomes a file, a link or absent, and keeps it under a directory', () => {
    const p = createPredictedState();
    p.setFile('/etc/a/b/c.conf', { type: 'file' });
    p.setFile('/etc/a-b/x', { type: 'file' });
    p.setFile('/etc/a.d/y', { type: 'file' });
    p.setFile('/etc/a', { type: 'directory' });
    expect(p.file('/etc/a/b/c.conf')).toEqual({ type: 'file' });
    p.setFile('/etc/a', { type: 'absent' });
    expect(p.file('/etc/a/b/c.conf')).toEqual({ type: 'absent' });
    // Siblings whose names only start like it stay: '-' and '.' sort before '/', '0' after it.
    expect(p.file('/etc/a-b/x')).toEqual({ type: 'file' });
    expect(p.file('/etc/a.d/y')).toEqual({ type: 'file' });
    expect(p.hasFileUnder('/etc/a/b')).toBe(false);
    expect(p.hasFileUnder('/etc/a')).toBe(true);
    expect(p.hasFileUnder('/etc/a-')).toBe(false);
    p.setFile('/etc/a/b/c.conf', { type: 'file' });
    expect(p.hasFileUnder('/etc/a/b')).toBe(true);
  });

  it('agrees with scanning every path, over random writes', () => {
    const names = ['a', 'a-b', 'a.d', 'a0', 'b'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const paths: string[] = [];
    for (const x of names)
      for (const y of ['', ...names]) for (const z of ['', ...names]) paths.push(`/${x}${y ? `/${y}${z ? `/${z}` : ''}` : ''}`);
    const types: PredictedFile['type'][] = ['file', 'directory', 'absent', 'link'];
    const p = createPredictedState();
    const m = model();
    for (let i = 0; i < 3000; i++) {
      const path = paths[rand(paths.length)]!;
      const state = { type: types[rand(types.length)]! } as PredictedFile;
      p.setFile(path, state);
      m.setFile(path, state);
      const probe = paths[rand(paths.length)]!;
      expect(p.hasFileUnder(probe)).toBe(m.hasFileUnder(probe));
      const own = m.get(probe);
      if (own) expect(p.file(probe)).toEqual(own);
    }
  });
});
