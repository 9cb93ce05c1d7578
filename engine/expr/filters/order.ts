// Python's ordering for sort, min, max and dictsort: numbers with numbers (booleans count as 0 and 1), strings
// with strings, lists item by item; anything else cannot be compared, as in Python 3.
import { problem } from '../error.ts';
import { typeName } from '../values.ts';
import { attributePath } from './spec.ts';

/** Negative, zero or positive as `a` sorts before, with or after `b`; a problem for values Python cannot order. */
export function pyCompare(a: unknown, b: unknown, depth = 0): number {
  if (depth > 100) return problem('values are nested too deeply to compare');
  // The same list twice (shared parts of a value) is equal without walking it.
  if (a === b && typeof a === 'object') return 0;
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'string' && typeof y === 'string') return compareText(x, y);
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const order = pyCompare(x[i], y[i], depth + 1);
      if (order !== 0) return order;
    }
    return x.length - y.length;
  }
  return problem(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

// Python compares strings by code point; JavaScript's < compares UTF-16 units, which differs above U+FFFF.
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

/** Jinja's sort key: the item, or its (comma-separated, dotted) attributes, lower-cased unless case-sensitive. */
export function sortKey(item: unknown, attribute: unknown, caseSensitive: boolean): unknown {
  const fold = (value: unknown): unknown => (!caseSensitive && typeof value === 'string' ? value.toLowerCase() : value);
  if (attribute === undefined || attribute === null) return fold(item);
  const names = typeof attribute === 'string' ? attribute.split(',').map((name) => name.trim()) : [attribute];
  const keys = names.map((name) => {
    const value = attributePath(item, name);
    if (value === undefined) return problem(`item has no attribute '${String(name)}'`);
    return fold(value);
  });
  return keys.length === 1 ? keys[0] : keys;
}
