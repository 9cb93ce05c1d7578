// The scaling helper that replaced wall-clock bounds in tests: it accepts linear and n·log n work, rejects
// quadratic work, and still catches a true hang.
import { describe, expect, it } from 'vitest';
import { expectLinear, measureScaling } from '../support/scaling.ts';

// Results go to a sink so the JIT cannot drop the work.
let _sink = 0;

// A scan like a lexer's: no allocation but the input.
const linear = (n: number): void => {
  const text = 'a{'.repeat(n);
  for (let at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) _sink++;
};
// Allocates well past the caches, which lifts its ratio to about 1.5·k even though the work is n·log n.
const nLogN = (n: number): void => {
  const xs = Array.from({ length: n }, (_, i) => (i * 7919) % 100_003);
  _sink += xs.sort((a, b) => a - b)[0] ?? 0;
};
const quadratic = (n: number): void => {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) _sink += (i ^ j) & 1;
};
// Quadratic in a way tests met before: a string rescanned from every position (as a backtracking regex does).
const rescan = (n: number): void => {
  const text = '{{'.repeat(n);
  for (let at = text.indexOf('{{'); at >= 0; at = text.indexOf('{{', at + 2)) _sink += text.slice(at).indexOf('|');
};

describe('expectLinear', () => {
  it('accepts linear work, n·log n work and constant work', () => {
    expect(expectLinear(linear, 1000, { label: 'linear' }).ratio).toBeLessThan(22.6);
    expect(expectLinear(nLogN, 1000, { label: 'sort' }).ratio).toBeLessThan(22.6);
    expect(expectLinear(() => linear(100_000), 1, { label: 'constant', maxN: 1 }).ratio).toBeLessThan(22.6);
  });

  it('rejects quadratic work, with the sizes and times in the message', () => {
    // One attempt, and runs long enough (10 ms) that a loaded machine does not hide the growth; quadratic ratios (about k² = 64) are 2.8 times the bound.
    const quick = { minMs: 10, repeats: 3, attempts: 1 };
    expect(() => expectLinear(quadratic, 100, { ...quick, label: 'nested loops' })).toThrow(
      /^not linear: nested loops: n=\d+ took .* ms, n=\d+ took .* ms(?: \(\d+ calls each\))?: ratio \d+\.\d\d \(bound 22\.6\)$/,
    );
    expect(() => expectLinear(rescan, 100, { ...quick, label: 'rescan' })).toThrow(/^not linear: rescan/);
    expect(measureScaling(quadratic, 100, quick).ratio).toBeGreaterThan(40);
  });

  it('grows n to a measurable time, and repeats the call once n reaches maxN', () => {
    const sizes = new Set<number>();
    const s = measureScaling(
      (n) => {
        sizes.add(n);
        linear(n);
      },
      1,
      { maxN: 64 },
    );
    expect(s.n).toBe(64);
    expect(s.loops).toBeGreaterThan(1);
    // Doubled from 1 up to maxN, and the large size is 8 times that.
    expect([...sizes].sort((x, y) => x - y)).toEqual([1, 2, 4, 8, 16, 32, 64, 512]);
    expect(s.smallMs).toBeGreaterThanOrEqual(0);
  });

  it('fails at once on a run past the hang backstop', () => {
    const hang = (): void => {
      const until = performance.now() + 60;
      while (performance.now() < until) _sink++;
    };
    expect(() => measureScaling(hang, 10, { hangMs: 50, label: 'stuck' })).toThrow(
      /^stuck: 1 run\(s\) at n=10 took \d+ ms, past the 50 ms hang backstop$/,
    );
  });
});
