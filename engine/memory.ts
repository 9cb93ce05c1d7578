// The control process favours memory over peak speed. It spends most of a run waiting on hosts.
// - V8's size-optimised heap settings cut its peak RSS at 50 hosts from about 175 MB to about 130 MB,
//   at up to ~1 s more controller CPU; wall time stayed within the run-to-run noise.
// - The young generation stays at its first size (a growth factor of 1): V8 otherwise grows it to
//   32 MB as objects survive, which made the peak swing between 133 and 158 MB from run to run at
//   50 hosts; kept small, the peak was 118-134 MB, at the same controller CPU (docs/benchmarks.md).
//   Node's --max-semi-space-size would do the same but is read only at start-up; this flag is read
//   each time the young generation would grow, so it can be set from here.
// Imported first by engine/index.ts, so the flags are set before the engine allocates anything of note.
import v8 from 'node:v8';

v8.setFlagsFromString('--optimize-for-size');
v8.setFlagsFromString('--semi-space-growth-factor=1');
