// Binary operators that work on two evaluated values: comparison, membership, arithmetic and `~`.
import type { BinaryOp } from './ast.ts';
import { assertNever } from './ast.ts';
import { problem } from './error.ts';
import { compareBudget, deepEqual, isBlockedKey, isMapping, MAX_VALUE_LENGTH, toText, typeName } from './values.ts';

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
      return add(left, right);
    case '-':
      return numbers(op, left, right, (a, b) => a - b);
    case '*':
      return numbers(op, left, right, (a, b) => a * b);
    case '/':
      return numbers(op, left, right, (a, b) => (b === 0 ? problem('division by zero') : a / b));
    case '%':
      // Python's modulo: the result takes the sign of the divisor.
      return numbers(op, left, right, (a, b) => (b === 0 ? problem('modulo by zero') : ((a % b) + b) % b));
    case '~':
      return joined(toText(left), toText(right));
    default:
      return assertNever(op);
  }
}

function mismatch(op: string, left: unknown, right: unknown): never {
  return problem(`unsupported operand types for '${op}': ${typeName(left)} and ${typeName(right)}`);
}

/** Ordering of two numbers or two strings; any other pair is an error. */
function order(op: string, left: unknown, right: unknown): number {
  if (typeof left === 'number' && typeof right === 'number') return left < right ? -1 : left > right ? 1 : left === right ? 0 : NaN;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return mismatch(op, left, right);
}

/** `needle in haystack`: an equal item of a list, a substring of a string, or an own key of a mapping. */
function contains(haystack: unknown, needle: unknown): boolean {
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

function add(left: unknown, right: unknown): unknown {
  if (typeof left === 'number' && typeof right === 'number') return left + right;
  if (typeof left === 'string' && typeof right === 'string') return joined(left, right);
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length + right.length > MAX_VALUE_LENGTH) problem(`list would be longer than ${MAX_VALUE_LENGTH} items`);
    return [...left, ...right];
  }
  return mismatch('+', left, right);
}

// `a ~ a ~ a ...` doubles nothing but adds up: refuse a string past the limit before the engine does.
function joined(left: string, right: string): string {
  if (left.length + right.length > MAX_VALUE_LENGTH) problem(`string would be longer than ${MAX_VALUE_LENGTH} characters`);
  return left + right;
}

function numbers(op: string, left: unknown, right: unknown, fn: (a: number, b: number) => number): number {
  if (typeof left === 'number' && typeof right === 'number') return fn(left, right);
  return mismatch(op, left, right);
}
