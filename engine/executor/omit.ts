// Ansible's `omit`: a placeholder variable; a module argument (at any depth of a mapping or list) that
// renders to it is left out, as if it had not been written.
import { randomBytes } from 'node:crypto';
import type { Vars } from '../types.ts';

/** The value of `omit` for this run (Ansible's form: `__omit_place_holder__` and 40 hex digits). */
export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

/** `value` without the mapping entries and list items that are exactly the omit placeholder. */
export function withoutOmitted<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== OMIT).map(withoutOmitted) as T;
  const proto = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    const out: Vars = {};
    for (const [k, v] of Object.entries(value as Vars))
      if (v !== OMIT) Object.defineProperty(out, k, { value: withoutOmitted(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}
