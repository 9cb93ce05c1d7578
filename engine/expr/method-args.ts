// Small argument helpers shared by the method implementations.
import { problem } from './error.ts';
import { MAX_VALUE_LENGTH } from './values.ts';

/** Python's start/end arguments of find/index/count: None or an integer, negative from the end, clamped. */
export function bounds(length: number, start: unknown, end: unknown): [number, number] {
  const at = (value: unknown, fallback: number): number => {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value)) return problem('slice indices must be integers or None');
    return Math.min(length, Math.max(0, value < 0 ? value + length : value));
  };
  return [at(start, 0), at(end, length)];
}

/** Refuses a string or list longer than MAX_VALUE_LENGTH before it is built. */
export function checkLength(length: number, what: string): void {
  if (length > MAX_VALUE_LENGTH) problem(`${what} would be longer than ${MAX_VALUE_LENGTH}`);
}
