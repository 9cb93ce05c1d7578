// A store of typed slots, one value per key (compared by identity), made by the key's init on first use.
// Check mode's per-host predicted state and the per-run state modules share between hosts are both one.
import type { StateSlot } from './types.ts';

/** A store of slots. */
export interface SlotStore {
  slot<T>(key: StateSlot<T>): T;
}

/** An empty store. */
export function createSlotStore(): SlotStore {
  const values = new Map<StateSlot<unknown>, unknown>();
  return {
    slot<T>(key: StateSlot<T>): T {
      if (!values.has(key)) values.set(key, key.init());
      return values.get(key) as T;
    },
  };
}
