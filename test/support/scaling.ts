// Linearity checks for tests: compare the time of run(n) with the time of run(k·n) instead of asserting an
// absolute wall-clock bound, so a busy machine (it slows both sizes alike) does not fail a test while
// quadratic work still does. Speed itself is measured by the benchmarks in bench/, not by tests.

/** How a scaling check measures and judges. */
export interface ScalingOptions {
  /** The large size is factor·n (default 8). */
  factor?: number;
  /** Fail when time(factor·n) / time(n) exceeds this (default factor^1.5: 22.6 for factor 8). */
  maxRatio?: number;
  /** Each size is timed this many times, interleaved, and the minimum kept (default 3). */
  repeats?: number;
  /** Whole measurements tried before failing; one within the bound passes (default 3). */
  attempts?: number;
  /** The small size is grown (×2) until one run of it takes this long (default 20 ms). */
  minMs?: number;
  /** n is never grown past this (inputs with a size limit); below minMs at maxN, runs are repeated in a loop. */
  maxN?: number;
  /** Any single run longer than this fails at once: only a true hang, never a busy machine (default 30 s). */
  hangMs?: number;
  /** Names the input family in the failure message. */
  label?: string;
}

/** One measurement: the sizes, the minimum times in ms (of `loops` calls each), and their ratio. */
export interface Scaling {
  label: string;
  n: number;
  factor: number;
  loops: number;
  smallMs: number;
  largeMs: number;
  ratio: number;
  maxRatio: number;
}

// Why these numbers. Linear work gives a ratio of about k, n·log n a little more (9 to 10 for k = 8 at the
// sizes used here), and work that allocates much more than the caches hold up to 1.5·k even when linear
// (seen on this 2-core machine under load: 7.3 for k = 4); quadratic work gives about k² (64). The bound
// k^1.5 (22.6 for k = 8) sits halfway between k and k² on a log scale, so both errors need the same
// accident: linear work fails only if the large runs are slowed about 2.8 times as much as the small ones
// in the best of `repeats` runs, in each of `attempts` measurements; quadratic work passes only if the small
// runs are slowed that much. (k = 4 left only 1.1 to 2 times.) Interleaving the runs and keeping the minimum
// of each size makes a burst of load inflate a time only when it covers every repeat. Runs of 20 ms or more
// span several scheduler slices, so the slices a busy machine hands out even out, and timer resolution weighs
// little. A fixed cost per call (reading a file, loading a schema) pulls the ratio towards 1: it weakens the
// check, never makes it flaky, so sizes should be ones where the growing part of the work dominates.
const DEFAULTS = { factor: 8, repeats: 3, attempts: 3, minMs: 20, maxN: Number.MAX_SAFE_INTEGER, hangMs: 30_000 };

/** Times run(n) and run(factor·n) (n grown until measurable) and returns the best of `attempts` ratios. */
export function measureScaling(run: (n: number) => void, n: number, options: ScalingOptions = {}): Scaling {
  const o = { ...DEFAULTS, ...options };
  const maxRatio = options.maxRatio ?? o.factor ** 1.5;
  const label = options.label ?? 'run';
  const timed = (size: number, loops: number): number => {
    const started = performance.now();
    for (let i = 0; i < loops; i++) run(size);
    const ms = performance.now() - started;
    if (ms > o.hangMs)
      throw new Error(`${label}: ${loops} run(s) at n=${size} took ${Math.round(ms)} ms, past the ${o.hangMs} ms hang backstop`);
    return ms;
  };
  // Grow n, then a loop count, until the small size is measurable: by the faster of two runs, as one slowed by
  // load would stop the growth too early. The first call warms the JIT.
  let size = Math.min(n, o.maxN);
  let loops = 1;
  timed(size, loops);
  while (Math.min(timed(size, loops), timed(size, loops)) < o.minMs) {
    if (size * 2 <= o.maxN) size *= 2;
    else loops *= 2;
  }
  let best: Scaling | undefined;
  let regrown = 0;
  for (let attempt = 0; attempt < o.attempts; attempt++) {
    let smallMs = Infinity;
    let largeMs = Infinity;
    for (let i = 0; i < o.repeats; i++) {
      smallMs = Math.min(smallMs, timed(size, loops));
      largeMs = Math.min(largeMs, timed(size * o.factor, loops));
    }
    // Growth can stop early when load or first-call costs slowed its runs: then measure with more calls.
    if (smallMs < o.minMs / 2 && regrown++ < 6) {
      loops *= 2;
      attempt--;
      continue;
    }
    const measured: Scaling = { label, n: size, factor: o.factor, loops, smallMs, largeMs, ratio: largeMs / smallMs, maxRatio };
    if (best === undefined || measured.ratio < best.ratio) best = measured;
    if (measured.ratio <= maxRatio) break;
  }
  // stderr, not console: fuzz suites fail on any console call.
  if (process.env['SCALING_LOG']) process.stderr.write(`scaling ${describeScaling(best!)}\n`);
  return best!;
}

/** Fails (throws) unless run(factor·n) takes at most maxRatio times as long as run(n); returns the measurement. */
export function expectLinear(run: (n: number) => void, n: number, options: ScalingOptions = {}): Scaling {
  const s = measureScaling(run, n, options);
  if (s.ratio > s.maxRatio) throw new Error(`not linear: ${describeScaling(s)}`);
  return s;
}

/** One line for messages and logs: sizes, times and the ratio against its bound. */
export function describeScaling(s: Scaling): string {
  const loops = s.loops > 1 ? ` (${s.loops} calls each)` : '';
  return `${s.label}: n=${s.n} took ${s.smallMs.toFixed(1)} ms, n=${s.n * s.factor} took ${s.largeMs.toFixed(1)} ms${loops}: ratio ${s.ratio.toFixed(2)} (bound ${s.maxRatio.toFixed(1)})`;
}
