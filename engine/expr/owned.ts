// Which lists and mappings an expression made itself (literals, slices, split(), keys(), +, *, range()...).
// Only those may be changed by append / extend / insert / update, as templates do with
// `{% set _ = hosts.append(h) %}`; variables, facts and registered results can never be changed.
const OWNED = new WeakSet<object>();

/** Marks a list or mapping built by the expression language as its own; returns it. */
export function own<T>(value: T): T {
  if (typeof value === 'object' && value !== null) OWNED.add(value);
  return value;
}

/** Whether `value` is a list or mapping built by the expression language (and so may be changed). */
export function isOwned(value: unknown): boolean {
  return typeof value === 'object' && value !== null && OWNED.has(value);
}

/**
 * Makes a result the language's no longer: it and the lists and mappings it holds that the language built.
 * Only owned containers are walked, so the cost is that of what this evaluation built.
 */
export function release<T>(value: T): T {
  const stack: unknown[] = [value];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item !== 'object' || item === null || !OWNED.delete(item)) continue;
    stack.push(...(Array.isArray(item) ? item : Object.values(item)));
  }
  return value;
}
