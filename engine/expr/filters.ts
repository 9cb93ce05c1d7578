// The filters of `x | name(...)`: conversions, string and list helpers, default and regex_search.
import { problem } from './error.ts';
import { compileRegex, execRegex } from './regex.ts';
import type { BoundArgs, Signature } from './signature.ts';
import { isMapping, mappingKeys, toText, truthy, typeName } from './values.ts';

/** One filter: its parameters and the transformation itself. */
export interface FilterSpec {
  signature: Signature;
  /** When true the input may be undefined (a missing variable or attribute) without an error. */
  acceptsUndefined?: boolean;
  apply(value: unknown, args: BoundArgs): unknown;
}

const NO_ARGS: Signature = { params: [], required: 0 };
const simple = (apply: (value: unknown) => unknown): FilterSpec => ({ signature: NO_ARGS, apply });

/** Ansible's `bool`: booleans as they are; 'yes', 'on', '1', 'true' (any case) and 1 are true; the rest false. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return ['yes', 'on', '1', 'true'].includes(value.trim().toLowerCase());
  return value === 1;
}

function toInt(value: unknown, fallback: unknown, base: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value !== 'string') return fallback;
  const radix = typeof base === 'number' ? base : 10;
  if (!Number.isInteger(radix) || radix < 2 || radix > 36) return problem(`int: invalid base ${toText(base)}`);
  const text = value.trim().replace(/_/g, '');
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, radix);
  const body = text.replace(/^[+-]/, '').toLowerCase();
  if (body !== '' && [...body].every((ch) => digits.includes(ch))) return parseInt(text, radix);
  if (radix !== 10) return fallback;
  const asFloat = toFloat(text, undefined);
  return typeof asFloat === 'number' && Number.isFinite(asFloat) ? Math.trunc(asFloat) : fallback;
}

function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return fallback;
  const text = value.trim().toLowerCase();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?(inf|infinity)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(text)) return NaN;
  return fallback;
}

function length(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isMapping(value)) return mappingKeys(value).length;
  return problem(`object of type '${typeName(value)}' has no length`);
}

/** The items a value iterates over: list items, string characters, mapping keys. */
function itemsOf(value: unknown, filter: string): unknown[] {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'string') return Array.from(value);
  if (isMapping(value)) return mappingKeys(value);
  return problem(`${filter}: '${typeName(value)}' is not iterable`);
}

function trim(value: unknown, chars: unknown): string {
  const text = toText(value);
  if (chars === undefined || chars === null) return text.trim();
  if (typeof chars !== 'string') return problem('trim: chars must be a string');
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start] ?? '')) start++;
  while (end > start && chars.includes(text[end - 1] ?? '')) end--;
  return text.slice(start, end);
}

// Ansible's regex_search: the whole match, or a list of the groups named by '\\1' / '\\g<name>' arguments.
function regexSearch(value: unknown, args: BoundArgs): unknown {
  const groups = args.rest.map((ref) => {
    const match = typeof ref === 'string' ? /^\\(?:(\d+)|g<(\w+)>)$/.exec(ref) : null;
    if (!match) return problem(`regex_search: unknown argument ${JSON.stringify(ref)}; use '\\\\1' or '\\\\g<name>'`);
    return match[1] !== undefined ? Number(match[1]) : (match[2] ?? '');
  });
  const regex = compileRegex(args.values.get('regex'), {
    ignorecase: truthy(args.values.get('ignorecase')),
    multiline: truthy(args.values.get('multiline')),
  });
  const found = execRegex(regex, toText(value));
  if (!found) return null;
  if (groups.length === 0) return found[0];
  return groups.map((group) => (typeof group === 'number' ? found[group] : found.groups?.[group]) ?? null);
}

const defaultFilter: FilterSpec = {
  signature: { params: ['default_value', 'boolean'], required: 0 },
  acceptsUndefined: true,
  apply(value, args) {
    const useDefault = value === undefined || (truthy(args.values.get('boolean')) && !truthy(value));
    return useDefault ? (args.values.has('default_value') ? args.values.get('default_value') : '') : value;
  },
};

const entries: Array<[string[], FilterSpec]> = [
  [['length', 'count'], simple(length)],
  [['int'], { signature: { params: ['default', 'base'], required: 0 }, apply: (v, a) => toInt(v, a.values.get('default') ?? 0, a.values.get('base')) }],
  [['float'], { signature: { params: ['default'], required: 0 }, apply: (v, a) => toFloat(v, a.values.get('default') ?? 0) }],
  [['bool'], simple(toBool)],
  [['string'], simple(toText)],
  [['lower'], simple((v) => toText(v).toLowerCase())],
  [['upper'], simple((v) => toText(v).toUpperCase())],
  [['trim'], { signature: { params: ['chars'], required: 0 }, apply: (v, a) => trim(v, a.values.get('chars')) }],
  [['default', 'd'], defaultFilter],
  [['join'], { signature: { params: ['d'], required: 0 }, apply: (v, a) => itemsOf(v, 'join').map(toText).join(toText(a.values.get('d') ?? '')) }],
  [['first'], simple((v) => itemsOf(v, 'first')[0])],
  [['last'], simple((v) => itemsOf(v, 'last').at(-1))],
  [['list'], simple((v) => itemsOf(v, 'list'))],
  [
    ['regex_search'],
    { signature: { params: ['regex'], required: 1, variadic: true, keywordOnly: ['ignorecase', 'multiline'] }, apply: regexSearch },
  ],
];

/** Every filter by name (aliases included). A Map, so names like 'constructor' are simply absent. */
export const FILTERS: ReadonlyMap<string, FilterSpec> = new Map(entries.flatMap(([names, spec]) => names.map((name) => [name, spec] as const)));
