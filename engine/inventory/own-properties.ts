// Writes variables as plain own properties, so names such as `__proto__` stay ordinary variable names.
import type { Vars } from '../types.ts';

/** Sets `key` as an own data property; `obj[key] = value` would call the `__proto__` setter instead. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Object.assign without setters: copies each own enumerable property of `source` onto `target`. */
export function assignOwn(target: Vars, source: Vars | undefined): Vars {
  if (source) for (const [key, value] of Object.entries(source)) setOwn(target, key, value);
  return target;
}
