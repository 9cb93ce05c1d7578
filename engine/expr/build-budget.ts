// A cap on how much one evaluation may build in all. Each value is already capped at MAX_VALUE_LENGTH, but a
// 64 KiB expression could build thousands of them (`'a' * 9999999` repeated); this bounds their sum, so the
// work of an evaluation stays proportional to a fixed multiple of the value limit.
import { problem } from './error.ts';
import { MAX_VALUE_LENGTH } from './values.ts';

/** Characters or list items one evaluation may build with repetition, padding, joins and concatenation. */
export const MAX_BUILT = 4 * MAX_VALUE_LENGTH;

// Evaluation is synchronous; a nested evaluation (from a lookup hook) gets its own budget and restores this one.
let remaining = MAX_BUILT;

/** Runs one evaluation with a fresh budget. */
export function withBuildBudget<T>(evaluation: () => T): T {
  const saved = remaining;
  remaining = MAX_BUILT;
  try {
    return evaluation();
  } finally {
    remaining = saved;
  }
}

/** Refuses a value longer than MAX_VALUE_LENGTH, then charges its size to the evaluation's budget. */
export function build(size: number, what: string): void {
  if (size > MAX_VALUE_LENGTH) problem(`${what} would be longer than ${MAX_VALUE_LENGTH}`);
  remaining -= size;
  if (remaining < 0) problem(`the expression builds more than ${MAX_BUILT} characters or items in all`);
}
