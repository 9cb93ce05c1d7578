// Writes variables as plain own properties, so names such as `__proto__` stay ordinary variable names.
import type { Vars } from '../types.ts';

/**
 * Sets `key` as an own data property; `obj[key] = value` would call the `__proto__` setter instead. Only
 * that name has a setter on a plain object's prototype, so only it takes the slower defineProperty (which
 * allocates a descriptor per call: variables are copied per host and task).
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__' || (!Object.hasOwn(obj, key) && !isPlainAssignable(obj))) {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else obj[key] = value;
}

/** Whether plain assignment makes an own data property on `obj`: its prototype is Object.prototype or none. */
function isPlainAssignable(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj);
  return proto === Object.prototype || proto === null;
}

/** Object.assign without setters: copies each own enumerable property of `source` onto `target`. */
export function assignOwn(target: Vars, source: Vars | undefined): Vars {
  if (source) for (const [key, value] of Object.entries(source)) setOwn(target, key, value);
  return target;
}
