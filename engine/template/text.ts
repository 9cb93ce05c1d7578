// How a template prints a value inside text: strings as they are, lists and mappings as Python's repr (as
// Ansible does in "pkgs={{ pkgs }}"), never JavaScript's `a,b` or `[object Object]`.
import { toText } from '../expr/values.ts';
import { isScope } from './scope.ts';

// A scope view never changes once read, so its text is computed once: loops print the same mapping cheaply.
const printed = new WeakMap<object, string>();

/**
 * The text of one mustache's value. Undefined and null print nothing and booleans print `true`/`false`, as
 * Handlebars always did here; lists and mappings print like Python (`['a', 'b']`, `{'k': True, 'n': None}`).
 */
export function templateText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return String(value);
  // Handlebars' own SafeString, from a helper; anything else with a prototype of its own is not data.
  if (Array.isArray(value) || isPlainObject(value)) {
    if (!isScope(value)) return toText(value);
    const known = printed.get(value as object);
    if (known !== undefined) return known;
    const text = toText(value);
    printed.set(value as object, text);
    return text;
  }
  return String(value);
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
