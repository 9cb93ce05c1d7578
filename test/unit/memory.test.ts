// engine/memory.ts: with its flags set, V8's young generation does not grow as objects survive, and the
// old generation grows by 40% of its live size between full collections (each checked in a child
// process, against the same child without the import).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const MEMORY = pathToFileURL(path.resolve(import.meta.dirname, '..', '..', 'engine', 'memory.ts')).href;

/** The largest young-generation size (MiB) a child sees while keeping a rolling set of survivors. */
function youngGenerationPeak(withMemoryFlags: boolean, hosts = 0): number {
  const script = `
    ${withMemoryFlags ? `const m = await import(${JSON.stringify(MEMORY)}); m.sizeHeapForHosts(${hosts});` : ''}
    const v8 = await import('node:v8');
    let keep = [], peak = 0;
    for (let i = 0; i < 200000; i++) {
      keep.push({ text: 'x'.repeat(40) + i, pair: [i, i] });
      if (keep.length > 20000) keep = keep.slice(10000);
      // The engine's event loop turns all the time; a large run's GC observer runs between turns.
      if (i % 1000 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
      }
    }
    process.stdout.write(String(peak / 1048576));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return Number(r.stdout);
}

/** The largest old-generation size (MiB) a child reaches while keeping a large live set and promoting garbage. */
function oldGenerationPeak(withMemoryFlags: boolean): number {
  const script = `
    ${withMemoryFlags ? `await import(${JSON.stringify(MEMORY)});` : ''}
    const v8 = await import('node:v8');
    const live = [];
    for (let i = 0; i < 300000; i++) live.push({ text: 'y'.repeat(40) + i, n: [i] });
    let keep = [], peak = 0;
    for (let i = 0; i < 1500000; i++) {
      keep.push({ text: 'x'.repeat(40) + i, pair: [i, i] });
      if (keep.length > 60000) keep = keep.slice(30000);
      if (i % 2000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_size);
    }
    // The live set is read after the loop, so it stays alive through it.
    process.stdout.write(String(peak / 1048576 + 0 * live.length));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return Number(r.stdout);
}

describe('the control process heap settings', () => {
  it('keep the young generation at its first size, where V8 alone grows it several times over', () => {
    const kept = youngGenerationPeak(true);
    const grown = youngGenerationPeak(false);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(4);
    expect(grown).toBeGreaterThan(kept * 2);
  });

  // V8's own factor goes up to 4 and --optimize-for-size holds it near 1.1 (a full collection every few
  // MB at 200 hosts); the engine asks for 1.4.
  it('let the old generation grow by 40% of its live size, where V8 alone lets it grow several times', () => {
    const bounded = oldGenerationPeak(true);
    const grown = oldGenerationPeak(false);
    expect(bounded).toBeGreaterThan(0);
    expect(grown).toBeGreaterThan(bounded * 2);
  });

  it('let the young generation of a run of more than 100 hosts double once, to 8 MiB, and hold it there', () => {
    const small = youngGenerationPeak(true, 100);
    const large = youngGenerationPeak(true, 200);
    const grown = youngGenerationPeak(false);
    expect(small).toBeLessThanOrEqual(4);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeLessThanOrEqual(8);
    expect(grown).toBeGreaterThan(large * 2);
  });
});
