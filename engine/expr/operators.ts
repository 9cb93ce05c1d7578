// Binary operators that work on two evaluated values: comparison, membership, arithmetic and `~`.
import { arithmetic, joined, mismatch } from './arithmetic.ts';
import type { BinaryOp } from './ast.ts';
import { assertNever } from './ast.ts';
import { problem } from './error.ts';
import { compareBudget, deepEqual, isBlockedKey, isMapping, toText, typeName } from './values.ts';

/** The binary operators that need both operands evaluated (everything but `and` / `or`). */
export type ValueOp = Exclude<BinaryOp, 'and' | 'or'>;

/** Applies a binary operator to two values; mismatched types are a ValueProblem. */
export function applyBinary(op: ValueOp, left: unknown, right: unknown): unknown {
  switch (op) {
    case '==':
      return deepEqual(left, right);
    case '!=':
      return !deepEqual(left, right);
    case '<':
      return order(op, left, right) < 0;
    case '<=':
      return order(op, left, right) <= 0;
    case '>':
      return order(op, left, right) > 0;
    case '>=':
      return order(op, left, right) >= 0;
    case 'in':
      return contains(right, left);
    case 'not in':
      return !contains(right, left);
    case '+':
    case '-':
    case '*':
    case '/':
    case '//':
    case '%':
    case '**':
      return arithmetic(op, left, right);
    case '~':
      return joined(toText(left), toText(right));
    default:
      return assertNever(op);
  }
}

/** Ordering of two numbers, two strings or two lists (item by item, as Python); any other pair is an error. */
export function order(op: string, left: unknown, right: unknown, budget = compareBudget()): number {
  if (--budget.steps < 0) problem('values are too large to compare');
  if (typeof left === 'number' && typeof right === 'number') return left < right ? -1 : left > right ? 1 : left === right ? 0 : NaN;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      if (!deepEqual(left[i], right[i], budget)) return order(op, left[i], right[i], budget);
    }
    return left.length - right.length;
  }
  return mismatch(op, left, right);
}

/** `needle in haystack`: an equal item of a list, a substring of a string, or an own key of a mapping. */
export function contains(haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack)) {
    const budget = compareBudget();
    return haystack.some((item) => deepEqual(item, needle, budget));
  }
  if (typeof haystack === 'string') {
    if (typeof needle !== 'string') return problem(`'in <string>' requires a string on the left, not ${typeName(needle)}`);
    return haystack.includes(needle);
  }
  if (isMapping(haystack)) {
    if (typeof needle !== 'string' && typeof needle !== 'number') return false;
    const key = String(needle);
    return !isBlockedKey(key) && Object.hasOwn(haystack, key);
  }
  return problem(`'in' needs a list, string or mapping on the right, not ${typeName(haystack)}`);
}
