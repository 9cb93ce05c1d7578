import { describe, expect, it } from 'vitest';
import { batchSizes, budgetExceeded, splitBatches } from '../../engine/executor/batches.ts';

const where = { file: 'p.yml', line: 1, column: 1 };

describe('serial batches', () => {
  it('computes canary-first batches like Ansible', () => {
    expect(batchSizes([1, '30%', '100%'], 10, where)).toEqual([1, 3, 6]);
    expect(batchSizes(3, 10, where)).toEqual([3, 3, 3, 1]);
    expect(batchSizes('50%', 5, where)).toEqual([2, 2, 1]);
    expect(batchSizes('10%', 3, where)).toEqual([1, 1, 1]);
    expect(batchSizes(undefined, 4, where)).toEqual([4]);
    expect(batchSizes([2, 5], 20, where)).toEqual([2, 5, 5, 5, 3]);
  });

  it('rejects a malformed entry', () => {
    expect(() => batchSizes(['ten'], 4, where)).toThrow(/serial entries must be counts or percentages/);
  });

  it('splits hosts in order', () => {
    expect(splitBatches(['a', 'b', 'c', 'd'], [1, 3])).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('applies the failure budget', () => {
    expect(budgetExceeded(1, 3, 0)).toBe(true);
    expect(budgetExceeded(0, 3, 0)).toBe(false);
    expect(budgetExceeded(1, 3, 34)).toBe(false);
    expect(budgetExceeded(2, 3, 34)).toBe(true);
    expect(budgetExceeded(2, 3, undefined)).toBe(false);
    expect(budgetExceeded(3, 3, undefined)).toBe(true);
  });
});
