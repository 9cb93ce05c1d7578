// Arithmetic with Python's semantics: + - * / // % **, string and list repetition and concatenation, and
// printf-style `str % args`. Results that would outgrow MAX_VALUE_LENGTH are refused before they are built.
import { build } from './build-budget.ts';
import { problem } from './error.ts';
import { own } from './owned.ts';
import { printf } from './printf.ts';
import { MAX_VALUE_LENGTH, typeName } from './values.ts';

/** The arithmetic operators. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';

/** Applies an arithmetic operator; mismatched types are a ValueProblem. */
export function arithmetic(op: ArithmeticOp, left: unknown, right: unknown): unknown {
  switch (op) {
    case '+':
      return add(left, right);
    case '-':
      return numbers(op, left, right, (a, b) => a - b);
    case '*':
      return multiply(left, right);
    case '/':
      return numbers(op, left, right, (a, b) => (b === 0 ? problem('division by zero') : a / b));
    case '//':
      return numbers(op, left, right, (a, b) => (b === 0 ? problem('integer division or modulo by zero') : Math.floor(a / b)));
    case '%':
      if (typeof left === 'string') return printf(left, right);
      // Python's modulo: the result takes the sign of the divisor.
      return numbers(op, left, right, (a, b) => (b === 0 ? problem('modulo by zero') : ((a % b) + b) % b));
    case '**':
      return numbers(op, left, right, power);
  }
}

/** "unsupported operand types for '<op>': <left> and <right>". */
export function mismatch(op: string, left: unknown, right: unknown): never {
  return problem(`unsupported operand types for '${op}': ${typeName(left)} and ${typeName(right)}`);
}

/** Joins two strings, refusing a result past MAX_VALUE_LENGTH. */
export function joined(left: string, right: string): string {
  if (left.length + right.length > MAX_VALUE_LENGTH) problem(`string would be longer than ${MAX_VALUE_LENGTH} characters`);
  build(left.length + right.length, 'the joined string');
  return left + right;
}

function add(left: unknown, right: unknown): unknown {
  if (typeof left === 'number' && typeof right === 'number') return left + right;
  if (typeof left === 'string' && typeof right === 'string') return joined(left, right);
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length + right.length > MAX_VALUE_LENGTH) problem(`list would be longer than ${MAX_VALUE_LENGTH} items`);
    build(left.length + right.length, 'the joined list');
    return own([...left, ...right]);
  }
  return mismatch('+', left, right);
}

// Numbers multiply; a string or list times an integer repeats it (nothing for a count below 1), either way round.
function multiply(left: unknown, right: unknown): unknown {
  if (typeof left === 'number' && typeof right === 'number') return left * right;
  const [sequence, count] = typeof left === 'number' ? [right, left] : [left, right];
  if ((typeof sequence !== 'string' && !Array.isArray(sequence)) || typeof count !== 'number') return mismatch('*', left, right);
  if (!Number.isInteger(count)) return problem(`can't multiply sequence by non-int of type 'float'`);
  const times = Math.max(0, count);
  build(sequence.length * times, `the repeated ${typeName(sequence)}`);
  if (typeof sequence === 'string') return sequence.repeat(times);
  const out: unknown[] = [];
  for (let i = 0; i < times; i++) for (const item of sequence) out.push(item);
  return own(out);
}

function power(base: number, exponent: number): number {
  if (base === 0 && exponent < 0) return problem('0.0 cannot be raised to a negative power');
  const result = base ** exponent;
  // Python refuses a fractional power of a negative number (it would be complex).
  if (Number.isNaN(result) && !Number.isNaN(base) && !Number.isNaN(exponent))
    return problem('a negative number cannot be raised to a fractional power');
  return result;
}

function numbers(op: string, left: unknown, right: unknown, fn: (a: number, b: number) => number): number {
  if (typeof left === 'number' && typeof right === 'number') return fn(left, right);
  return mismatch(op, left, right);
}
