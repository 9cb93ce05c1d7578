// The control process favours memory over peak speed. It spends most of a run waiting on hosts, and
// V8's size-optimised heap settings cut its peak RSS at 50 hosts from about 175 MB to about 130 MB
// at up to ~1 s more controller CPU; wall time stayed within the run-to-run noise (docs/benchmarks.md).
// Imported first by engine/index.ts, so the flag is set before the engine allocates anything of note.
import v8 from 'node:v8';

v8.setFlagsFromString('--optimize-for-size');
