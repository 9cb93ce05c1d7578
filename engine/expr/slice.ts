// Python's slices of lists and strings: x[start:stop:step], any part left out, negative indexes from the end.
import { problem } from './error.ts';
import { typeName } from './values.ts';

/** `sequence[start:stop:step]` as Python computes it; strings are sliced by code point. */
export function sliceOf(sequence: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (typeof sequence !== 'string' && !Array.isArray(sequence)) return problem(`a ${typeName(sequence)} cannot be sliced`);
  const by = index(step) ?? 1;
  if (by === 0) return problem('slice step cannot be zero');
  // Only strings with surrogate pairs need splitting into code points.
  const items: readonly unknown[] | string =
    typeof sequence === 'string' && /[\uD800-\uDFFF]/.test(sequence) ? Array.from(sequence) : sequence;
  const length = items.length;
  const clamp = (value: number | undefined, fallback: number, low: number, high: number): number => {
    if (value === undefined) return fallback;
    return Math.min(high, Math.max(low, value < 0 ? value + length : value));
  };
  const from = by > 0 ? clamp(index(start), 0, 0, length) : clamp(index(start), length - 1, -1, length - 1);
  const to = by > 0 ? clamp(index(stop), length, 0, length) : clamp(index(stop), -1, -1, length - 1);
  if (by === 1) {
    const end = Math.max(from, to);
    return typeof items === 'string'
      ? items.slice(from, end)
      : typeof sequence === 'string'
        ? items.slice(from, end).join('')
        : items.slice(from, end);
  }
  const picked: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) picked.push(items[i]);
  return typeof sequence === 'string' ? picked.join('') : picked;
}

// A slice bound: none (left out) or an integer.
function index(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return problem(`slice indices must be integers or none, not ${typeName(value)}`);
}
