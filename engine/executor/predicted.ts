// The per-host store of predicted state used by check mode.
import path from 'node:path';
import { createSlotStore } from '../stateSlots.ts';
import type { PredictedFile, PredictedState, PredictedUnit } from '../types.ts';
import { unitName } from '../unitName.ts';

/** Creates an empty predicted-state store for one host. */
export function createPredictedState(): PredictedState {
  const files = new Map<string, PredictedFile>();
  // The same paths, sorted: what lies under a directory is one range of it, found by binary search.
  // (An apt removal records thousands of files per host; scanning every key per file was quadratic.)
  const sorted: string[] = [];
  const units = new Map<string, PredictedUnit>();
  const packages = new Map<string, 'present' | 'absent'>();
  // Every task whose effects check mode could not predict, in order; per unit, how many there were when a
  // prediction last set its state.
  const opaque: string[] = [];
  const unitSetAt = new Map<string, number>();
  const slots = createSlotStore();
  return {
    file(p) {
      const full = path.posix.normalize(p);
      const own = files.get(full);
      if (own) return own;
      // A path under a directory that would be removed (or replaced by a file) would not exist.
      for (let dir = path.posix.dirname(full); dir !== '/' && dir !== '.'; dir = path.posix.dirname(dir)) {
        const parent = files.get(dir);
        if (parent && parent.type !== 'directory') return { type: 'absent' };
        if (parent) break;
      }
      return undefined;
    },
    setFile(p, state) {
      const full = path.posix.normalize(p);
      if (state.type !== 'directory') {
        // Paths under `full` sort from `full/` up to (not including) `full0`: '0' follows '/'.
        const from = lowerBound(sorted, `${full}/`);
        const to = lowerBound(sorted, `${full}0`);
        if (to > from) for (const k of sorted.splice(from, to - from)) files.delete(k);
      }
      if (!files.has(full)) sorted.splice(lowerBound(sorted, full), 0, full);
      files.set(full, state);
    },
    hasFileUnder(dir) {
      const full = path.posix.normalize(dir);
      return files.has(full) || (sorted[lowerBound(sorted, `${full}/`)]?.startsWith(`${full}/`) ?? false);
    },
    unit: (n) => units.get(unitName(n)),
    setUnit: (n, state) => {
      units.set(unitName(n), { ...(units.get(unitName(n)) ?? {}), ...state });
      unitSetAt.set(unitName(n), opaque.length);
    },
    packageState: (n) => packages.get(n),
    setPackage: (n, state) => void packages.set(n, state),
    opaqueTask: () => opaque[0],
    markOpaque: (task) => void opaque.push(task),
    opaqueSinceUnit: (n) => opaque[unitSetAt.get(unitName(n)) ?? 0],
    slot: (key) => slots.slot(key),
  };
}

/** The first index of `keys` (sorted) whose key is not less than `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
