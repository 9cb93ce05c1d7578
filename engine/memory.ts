// The control process favours memory over peak speed. It spends most of a run waiting on hosts, and
// V8's size-optimised heap settings cut its peak RSS at 50 hosts from about 175 MB to about 130 MB
// with no measurable change in wall time (docs/benchmarks.md). Imported first by engine/index.ts, so
// the flag is set before the engine allocates anything of note.
import v8 from 'node:v8';

v8.setFlagsFromString('--optimize-for-size');
