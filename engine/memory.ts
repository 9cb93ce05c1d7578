// How the control process trades memory for CPU. It spends most of a run waiting on hosts, but at a few
// hundred hosts the garbage collector was the largest CPU cost (docs/benchmarks.md, issue #18).
// - The young generation may double once, to 8 MiB, and is then held: V8 alone grows it to 32 MiB as
//   objects survive, which made the peak swing between 133 and 158 MB from run to run at 50 hosts, while
//   kept at its first size it was scavenged about 1,000 times in one `--check` at 200 hosts (each
//   scavenge copying what 200 hosts have in flight): the collector was 19-24% of the busy CPU. Held at
//   8 MiB: about 600 scavenges, 14-16%. Node's --max-semi-space-size would bound it too but is read only
//   at start-up; the growth factor is read each time the young generation would grow, so it is set
//   from here, and set to 1 after the first collection that finds it at the cap.
// - The old generation may grow by 40% of its live size before it is marked again. V8's own factor
//   goes up to 4 (300 MiB at 200 hosts). --optimize-for-size, used before, held it near 1.1: at 200
//   hosts that meant 85 full collections in one `--check` and more than half of the controller's CPU
//   (33.6 s against 18.0 s busy, the collector 28% against 15%). At 200 hosts, `--check` on fresh
//   nodes: 30% gave 201-203 MiB of peak RSS for 48-51 full collections, 40% 210-213 MiB for 27-29,
//   50% 220-223 MiB for 23-24.
// This file is imported first by engine/index.ts, so the flags are set before the engine allocates
// anything of note.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The young generation's size (V8's new_space, both halves) past which it grows no more. */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1048576;

v8.setFlagsFromString('--heap-growing-percent=40');
v8.setFlagsFromString('--semi-space-growth-factor=2');
const observer = new PerformanceObserver(() => {
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  if (young < YOUNG_GENERATION_CAP_BYTES) return;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  observer.disconnect();
});
observer.observe({ entryTypes: ['gc'] });
