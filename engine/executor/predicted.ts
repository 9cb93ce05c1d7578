// The per-host store of predicted state used by check mode.
import path from 'node:path';
import { createSlotStore } from '../stateSlots.ts';
import type { PredictedFile, PredictedState, PredictedUnit } from '../types.ts';
import { unitName } from '../unitName.ts';

/** Creates an empty predicted-state store for one host. */
export function createPredictedState(): PredictedState {
  const files = new Map<string, PredictedFile>();
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
      if (state.type !== 'directory') for (const k of [...files.keys()]) if (k.startsWith(`${full}/`)) files.delete(k);
      files.set(full, state);
    },
    hasFileUnder(dir) {
      const full = path.posix.normalize(dir);
      for (const k of files.keys()) if (k === full || k.startsWith(`${full}/`)) return true;
      return false;
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
