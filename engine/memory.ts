// How the control process trades memory for CPU. It spends most of a run waiting on hosts, but at a few
// hundred hosts the garbage collector was the largest CPU cost (docs/benchmarks.md, issue #18).
// - The young generation stays at its first size (a growth factor of 1): V8 otherwise grows it to
//   32 MB as objects survive, which made the peak swing between 133 and 158 MB from run to run at
//   50 hosts. Node's --max-semi-space-size would bound it too but is read only at start-up; this flag
//   is read each time the young generation would grow, so it can be set from here.
// - The old generation may grow by 40% of its live size before it is marked again. V8's own factor
//   goes up to 4 (300 MiB at 200 hosts). --optimize-for-size, used before, held it near 1.1: at 200
//   hosts that meant 85 full collections in one `--check` and more than half of the controller's CPU
//   (33.6 s against 18.0 s busy, the collector 28% against 15%). At 200 hosts, `--check` on fresh
//   nodes: 30% gave 201-203 MiB of peak RSS for 48-51 full collections, 40% 210-213 MiB for 27-29,
//   50% 220-223 MiB for 23-24.
// - In a run of more than LARGE_FLEET_HOSTS hosts (sizeHeapForHosts), the young generation may double
//   once, to 8 MiB, and is then held: at 200 hosts, kept at its first size, it was scavenged about
//   1,000 times in one `--check` and the collector took 19-24% of the busy CPU; held at 8 MiB, 600
//   scavenges and 14-16%, for a peak of 216 MiB. At 50 hosts the same would raise the peak to 147 MiB.
// V8 reads these flags each time it sizes a space. This file is imported first by engine/index.ts, so
// they are set before the engine allocates anything of note.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

v8.setFlagsFromString('--semi-space-growth-factor=1');
v8.setFlagsFromString('--heap-growing-percent=40');

/** Runs of more hosts than this get a larger young generation (sizeHeapForHosts). */
export const LARGE_FLEET_HOSTS = 100;
/** The young generation's size (V8's new_space, both halves) a large run lets it reach. */
export const LARGE_FLEET_YOUNG_BYTES = 8 * 1048576;

let sizedForLargeFleet = false;

/**
 * Sizes the young generation for a run of `hosts` hosts: past LARGE_FLEET_HOSTS it may double until it
 * reaches LARGE_FLEET_YOUNG_BYTES (a GC observer then sets V8's growth factor back to 1).
 */
export function sizeHeapForHosts(hosts: number): void {
  if (hosts <= LARGE_FLEET_HOSTS || sizedForLargeFleet) return;
  sizedForLargeFleet = true;
  v8.setFlagsFromString('--semi-space-growth-factor=2');
  const observer = new PerformanceObserver(() => {
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
    if (young < LARGE_FLEET_YOUNG_BYTES) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
