// Type conversions and value guards: default, bool, int, float, string, list, ternary, mandatory, type_debug.
import { problem } from '../error.ts';
import type { BoundArgs } from '../signature.ts';
import { isMapping, toText, truthy } from '../values.ts';
import { arg, type FilterEntry, type FilterSpec, itemsOf, simple, withParams } from './spec.ts';

/** Ansible's `bool`: booleans as they are; 'yes', 'on', '1', 'true' (any case) and 1 are true; the rest false. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  // Lower-cased but not stripped, as in Ansible: ' yes' is false.
  if (typeof value === 'string') return ['yes', 'on', '1', 'true'].includes(value.toLowerCase());
  return value === 1;
}

/** Jinja's `int`: numbers truncated, strings parsed in `base` (or as a float in base 10), else `fallback`. */
export function toInt(value: unknown, fallback: unknown, base: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value !== 'string') return fallback;
  const radix = typeof base === 'number' ? base : 10;
  if (!Number.isInteger(radix) || radix < 2 || radix > 36) return problem(`int: invalid base ${toText(base)}`);
  const text = value.trim().replace(/_/g, '');
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, radix);
  const sign = text.startsWith('-') ? -1 : 1;
  // Python's int(text, base) accepts the base's own prefix: int('0x1A', 16) is 26.
  const prefix = { 16: /^0x/, 8: /^0o/, 2: /^0b/ }[radix];
  const body = text
    .replace(/^[+-]/, '')
    .toLowerCase()
    .replace(prefix ?? /^$/, '');
  if (body !== '' && [...body].every((ch) => digits.includes(ch))) return sign * parseInt(body, radix);
  // Jinja's quirk: whatever int() refuses is tried as a float, so '42.23' | int is 42 in any base.
  const asFloat = toFloat(text, undefined);
  return typeof asFloat === 'number' && Number.isFinite(asFloat) ? Math.trunc(asFloat) : fallback;
}

/** Jinja's `float`: numbers as they are, numeric strings (inf, nan too) parsed, else `fallback`. */
export function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return fallback;
  const text = value.trim().toLowerCase();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?(inf|infinity)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(text)) return NaN;
  return fallback;
}

/** Python's type name of a value, as Ansible's type_debug prints it (plain Python types, not Ansible's own). */
export function pythonType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  // JavaScript has one number type: a whole number reads as int, as it would after YAML or JSON parsing.
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (isMapping(value)) return 'dict';
  return 'object';
}

const defaultFilter: FilterSpec = {
  signature: { params: ['default_value', 'boolean'], required: 0 },
  acceptsUndefined: true,
  apply(value, args) {
    const useDefault = value === undefined || (truthy(args.values.get('boolean')) && !truthy(value));
    return useDefault ? (args.values.has('default_value') ? args.values.get('default_value') : '') : value;
  },
};

// Ansible's mandatory: the value when defined, otherwise an error with `msg` (the variable's name is in the location).
const mandatory: FilterSpec = {
  signature: { params: ['msg'], required: 0 },
  acceptsUndefined: true,
  apply(value, args) {
    if (value !== undefined) return value;
    const msg = arg(args, 'msg');
    return problem(typeof msg === 'string' ? msg : 'Mandatory variable not defined.');
  },
};

// Ansible's ternary: none_val for None when given, else true_val or false_val by truthiness.
function ternary(value: unknown, args: BoundArgs): unknown {
  if (value === null && args.values.get('none_val') !== undefined && args.values.get('none_val') !== null)
    return args.values.get('none_val');
  return truthy(value) ? args.values.get('true_val') : args.values.get('false_val');
}

/** The conversion filters. */
export const CONVERT_FILTERS: FilterEntry[] = [
  [['default', 'd'], defaultFilter],
  [['mandatory'], mandatory],
  [['bool'], simple(toBool)],
  [['int'], withParams(['default', 'base'], (v, a) => toInt(v, a.values.get('default') ?? 0, a.values.get('base')))],
  [['float'], withParams(['default'], (v, a) => toFloat(v, a.values.get('default') ?? 0))],
  [['string'], simple(toText)],
  [['list'], simple((v) => itemsOf(v, 'list'))],
  [['ternary'], withParams(['true_val', 'false_val', 'none_val'], ternary, 2)],
  [['type_debug'], simple(pythonType)],
];
