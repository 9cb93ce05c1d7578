// `omit`, as Ansible has it: a placeholder string, new for every run, that a template yields
// (`mode: "{{ item.mode | default(omit) }}"`); a module argument equal to it is left out, as if never
// written, in nested mappings and in mappings inside lists too (Ansible's remove_omit). A boolean keyword
// (become, ignore_errors, …) that renders to it keeps its default.
import { randomBytes } from 'node:crypto';
import type { Vars } from '../types.ts';

/** The value of `omit` in this run (Ansible's form: `__omit_place_holder__` and 40 hex digits). */
export const OMIT_TOKEN = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

/** `args` without the keys whose value is the omit token, at every depth (a list's own items stay). */
export function removeOmit(args: Vars, token: string = OMIT_TOKEN): Vars {
  const out: Vars = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === token) continue;
    // Defined, not assigned: an `__proto__` key stays a key.
    Object.defineProperty(out, key, { value: pruned(value, token), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function pruned(value: unknown, token: string): unknown {
  if (Array.isArray(value)) return value.map((v) => pruned(v, token));
  if (value && typeof value === 'object') return removeOmit(value as Vars, token);
  return value;
}
