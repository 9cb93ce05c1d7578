// How template values behave in statements and output: safe reads of own data, Python truthiness, what a
// `for` iterates, and Python's str() for `{{ }}` (True/False/None, lists and dicts in repr form, as Jinja2).
import { BLOCKED_KEYS } from '../blockedKeys.ts';
import { MAX_JINJA_OUTPUT } from './limits.ts';

const MAX_DEPTH = 100;
const MAX_PRINTED_NODES = 250_000;

/** A problem with a value (wrong type, too large); the renderer locates it at the tag being rendered. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** True for names that must never be read or bound: prototype plumbing and any `__dunder__` name. */
export function isBlockedName(key: string): boolean {
  return BLOCKED_KEYS.has(key) || /^__.*__$/.test(key);
}

/** A plain data mapping (YAML/JSON objects, scope views, mappings built by expressions). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own data property of `container`, or undefined: never a getter, never an inherited or blocked key. */
export function ownData(container: object, key: string): unknown {
  if (isBlockedName(key)) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  return descriptor && 'value' in descriptor ? (descriptor.value as unknown) : undefined;
}

/** The keys of a mapping that may be read, in insertion order. */
export function mappingKeys(mapping: Record<string, unknown>): string[] {
  return Object.keys(mapping).filter((key) => !isBlockedName(key));
}

/** Python truthiness: false, None, 0, '', [] and {} are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return mappingKeys(value).length > 0;
  return true;
}

/** What `{% for %}` walks: a list's items, a string's characters, a mapping's keys (as Python does). */
export function iterationItems(value: unknown): unknown[] {
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => ownData(value, String(i)));
  if (typeof value === 'string') return Array.from(value);
  if (isMapping(value)) return mappingKeys(value);
  throw new ValueError(`cannot loop over ${typeLabel(value)}`);
}

/** A short type name for messages. */
export function typeLabel(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'string') return 'a string';
  return `a value of type ${typeof value}`;
}

/** Python's str(): strings as they are, True/False/None, numbers as Python prints them, lists and dicts as repr. */
export function pyText(value: unknown): string {
  return typeof value === 'string' ? value : repr(value, 0, { left: MAX_JINJA_OUTPUT, nodes: MAX_PRINTED_NODES });
}

function repr(value: unknown, depth: number, room: { left: number; nodes: number }): string {
  if (depth > MAX_DEPTH) throw new ValueError('value is nested too deeply to print');
  if (--room.nodes < 0) throw new ValueError(`value is too large to print (over ${MAX_PRINTED_NODES} items)`);
  const text = reprOnce(value, depth, room);
  room.left -= text.length;
  if (room.left < 0) throw new ValueError(`value is too large to print (over ${MAX_JINJA_OUTPUT} characters)`);
  return text;
}

function reprOnce(value: unknown, depth: number, room: { left: number; nodes: number }): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value))
    return `[${iterationItems(value)
      .map((item) => repr(item, depth + 1, room))
      .join(', ')}]`;
  if (isMapping(value)) {
    const parts = mappingKeys(value).map((key) => `${repr(key, depth + 1, room)}: ${repr(ownData(value, key), depth + 1, room)}`);
    return `{${parts.join(', ')}}`;
  }
  if (value instanceof Date) return value.toISOString();
  return `<${typeof value}>`;
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// Python's repr of a str: single quotes unless it has a ' and no ", non-printable characters escaped.
function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (ch === quote) out += `\\${ch}`;
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
