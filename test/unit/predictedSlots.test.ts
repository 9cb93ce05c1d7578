// Check mode's per-host predicted state gives modules typed slots of their own (#14): created on first use,
// one per store (a host of one run), keyed by identity, so no module keeps state that outlives a run.
import { describe, expect, it } from 'vitest';
import { createPredictedState } from '../../engine/executor/predicted.ts';
import type { StateSlot } from '../../engine/types.ts';

describe('predicted-state slots', () => {
  const COUNTER: StateSlot<{ n: number }> = { name: 'counter', init: () => ({ n: 0 }) };

  it('creates a slot on first use and keeps it for the store', () => {
    const p = createPredictedState();
    p.slot(COUNTER).n += 1;
    p.slot(COUNTER).n += 1;
    expect(p.slot(COUNTER).n).toBe(2);
  });

  it('gives every store (host, run) its own value, and tells keys apart by identity, not name', () => {
    const [a, b] = [createPredictedState(), createPredictedState()];
    a.slot(COUNTER).n = 5;
    expect(b.slot(COUNTER).n).toBe(0);
    const sameName: StateSlot<{ n: number }> = { name: 'counter', init: () => ({ n: 100 }) };
    expect(a.slot(sameName).n).toBe(100);
    expect(a.slot(COUNTER).n).toBe(5);
  });
});
