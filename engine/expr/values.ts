// How expression values behave: safe member reads, Python-like truthiness, equality and string conversion.
import { BLOCKED_KEYS } from '../blockedKeys.ts';
import { problem } from './error.ts';

// Bounds recursion through data (YAML aliases can make very deep or shared structures).
const MAX_DATA_DEPTH = 100;
/** Longest string or list an operator, filter or conversion may build (characters or items). */
export const MAX_VALUE_LENGTH = 16 * 1024 * 1024;
// Shared sub-structures (the same list referenced twice, nested 40 deep) make a small value huge to walk;
// through template scope views a step costs microseconds, so these keep a walk well under a second.
const MAX_COMPARE_STEPS = 250_000;
const MAX_PRINTED_NODES = 250_000;

/** A plain data mapping: an object whose prototype is Object.prototype or null. */
export type Mapping = Record<string, unknown>;

/** True for keys that must never be read: prototype plumbing and any `__dunder__` name. */
export function isBlockedKey(key: string): boolean {
  return BLOCKED_KEYS.has(key) || /^__.*__$/.test(key);
}

/** True for plain data objects (from YAML/JSON or object literals); class instances and functions are not. */
export function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own data property of `container`, or undefined. Never runs getters, never reads inherited keys. */
export function ownValue(container: object, key: string): unknown {
  if (isBlockedKey(key)) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  return descriptor && 'value' in descriptor ? (descriptor.value as unknown) : undefined;
}

/**
 * Reads `container[key]` the way `a.b` / `a['b']` / `a[0]` do: own keys of plain mappings, integer indexes
 * (negative from the end) of lists and strings. Anything else reads as undefined.
 */
export function readMember(container: unknown, key: unknown): unknown {
  if (Array.isArray(container) || typeof container === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key)) return undefined;
    const index = key < 0 ? container.length + key : key;
    if (index < 0 || index >= container.length) return undefined;
    return typeof container === 'string' ? container[index] : ownValue(container, String(index));
  }
  if (isMapping(container) && (typeof key === 'string' || typeof key === 'number')) {
    return ownValue(container, String(key));
  }
  return undefined;
}

/** The own enumerable keys of a mapping that are safe to expose. */
export function mappingKeys(mapping: Mapping): string[] {
  return Object.keys(mapping).filter((key) => !isBlockedKey(key));
}

/** A short type name for messages: none, boolean, number, string, list, mapping, undefined or object. */
export function typeName(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'none';
  if (Array.isArray(value)) return 'list';
  if (isMapping(value)) return 'mapping';
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return typeof value;
  return 'object';
}

/** Python/Jinja truthiness: false, none, 0, '', [] and {} are false; undefined must be rejected by the caller. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return mappingKeys(value).length > 0;
  return true;
}

/** A count of comparison steps shared by one operation (`x in list` compares against every item). */
export interface CompareBudget {
  steps: number;
}

/** A fresh budget for one operation. */
export function compareBudget(): CompareBudget {
  return { steps: MAX_COMPARE_STEPS };
}

/** Deep equality of data values. Unlike Python, booleans never equal numbers. */
export function deepEqual(a: unknown, b: unknown, budget: CompareBudget = compareBudget(), depth = 0): boolean {
  if (depth > MAX_DATA_DEPTH) problem('value is nested too deeply to compare');
  if (--budget.steps < 0) problem(`values are too large to compare (over ${MAX_COMPARE_STEPS} steps)`);
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i], budget, depth + 1));
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = mappingKeys(a);
    if (keys.length !== mappingKeys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && deepEqual(ownValue(a, key), ownValue(b, key), budget, depth + 1));
  }
  return false;
}

/** Python's str(): strings as they are, True/False/None, lists and mappings in Python's repr form. */
export function toText(value: unknown): string {
  return typeof value === 'string' ? value : repr(value, 0, { left: MAX_VALUE_LENGTH, nodes: MAX_PRINTED_NODES });
}

/** Python's repr(): strings quoted, everything else as toText (used by `!r` and `%r` formatting). */
export function reprText(value: unknown): string {
  return typeof value === 'string' ? reprString(value) : toText(value);
}

/** Python's repr(), used inside lists and mappings; `room` is what is left of MAX_VALUE_LENGTH and of the nodes. */
function repr(value: unknown, depth: number, room: { left: number; nodes: number }): string {
  if (depth > MAX_DATA_DEPTH) problem('value is nested too deeply to convert to a string');
  if (--room.nodes < 0) problem(`value is too large to convert to a string (over ${MAX_PRINTED_NODES} items)`);
  const text = reprOnce(value, depth, room);
  room.left -= text.length;
  if (room.left < 0) problem(`value is too large to convert to a string (over ${MAX_VALUE_LENGTH} characters)`);
  return text;
}

function reprOnce(value: unknown, depth: number, room: { left: number; nodes: number }): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map((item) => repr(item, depth + 1, room)).join(', ')}]`;
  if (isMapping(value)) {
    const parts = mappingKeys(value).map((key) => `${repr(key, depth + 1, room)}: ${repr(ownValue(value, key), depth + 1, room)}`);
    return `{${parts.join(', ')}}`;
  }
  if (value === undefined) return problem('cannot convert an undefined value to a string');
  return `<${typeName(value)}>`;
}

const REPR_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// Python's repr of a str: single quotes unless the text has a ' and no ", control characters escaped.
function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (REPR_ESCAPES[ch] !== undefined) out += REPR_ESCAPES[ch];
    else if (ch === quote) out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
