// The filters of `x | name(...)`: conversions, string and list helpers, default and the regex filters.
import { problem } from './error.ts';
import { checkTemplate, parseTemplate } from '../regex/index.ts';
import { compileRegex, regexProblems, regexSubject } from './regex.ts';
import type { BoundArgs, Signature } from './signature.ts';
import { isMapping, mappingKeys, MAX_VALUE_LENGTH, toText, truthy, typeName } from './values.ts';

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

function join(items: unknown[], separator: string): string {
  let length = 0;
  const texts = items.map((item) => {
    const text = toText(item);
    length += text.length + separator.length;
    if (length > MAX_VALUE_LENGTH) problem(`join: the result would be longer than ${MAX_VALUE_LENGTH} characters`);
    return text;
  });
  return texts.join(separator);
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
  const regex = compileRegex(args.values.get('regex'), regexFlags(args));
  for (const group of groups) {
    const known = typeof group === 'number' ? group <= regex.groupCount : regex.groupNames.includes(group);
    if (!known) problem(`regex_search: the pattern has no group ${JSON.stringify(group)}`);
  }
  const found = regexProblems(() => regex.search(regexSubject(toText(value))));
  if (!found) return null;
  if (groups.length === 0) return found.groups[0];
  return groups.map((group) => (typeof group === 'number' ? found.groups[group] : found.named[group]) ?? null);
}

// Ansible's regex_replace: Python's re.subn with its replacement template, `count` and `mandatory_count`.
function regexReplace(value: unknown, args: BoundArgs): string {
  const regex = compileRegex(args.values.get('pattern') ?? '', regexFlags(args));
  const replacement = args.values.get('replacement') ?? '';
  if (typeof replacement !== 'string') return problem(`regex_replace: the replacement must be a string, not ${typeName(replacement)}`);
  const count = counter(args.values.get('count'), 'count');
  const mandatory = counter(args.values.get('mandatory_count'), 'mandatory_count');
  const subject = regexSubject(toText(value));
  const result = regexProblems(() => {
    const template = parseTemplate(replacement);
    checkTemplate(template, regex);
    return regex.sub(subject, template, count);
  });
  if (mandatory > 0 && mandatory !== result.count) {
    return problem(`regex_replace: the pattern should match ${mandatory} times, but matches ${result.count} times`);
  }
  return result.text;
}

// Ansible's regex_findall (Python's re.findall): whole matches, one group's text, or a list per match of all groups.
function regexFindall(value: unknown, args: BoundArgs): unknown[] {
  const regex = compileRegex(args.values.get('regex'), regexFlags(args));
  const matches = regexProblems(() => regex.findAll(regexSubject(toText(value))));
  if (regex.groupCount === 0) return matches.map((m) => m.groups[0] ?? '');
  if (regex.groupCount === 1) return matches.map((m) => m.groups[1] ?? '');
  return matches.map((m) => m.groups.slice(1).map((g) => g ?? ''));
}

function regexFlags(args: BoundArgs): { ignorecase: boolean; multiline: boolean } {
  return { ignorecase: truthy(args.values.get('ignorecase')), multiline: truthy(args.values.get('multiline')) };
}

function counter(value: unknown, name: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    return problem(`regex_replace: ${name} must be a whole number ≥ 0`);
  return value;
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
  [
    ['int'],
    {
      signature: { params: ['default', 'base'], required: 0 },
      apply: (v, a) => toInt(v, a.values.get('default') ?? 0, a.values.get('base')),
    },
  ],
  [['float'], { signature: { params: ['default'], required: 0 }, apply: (v, a) => toFloat(v, a.values.get('default') ?? 0) }],
  [['bool'], simple(toBool)],
  [['string'], simple(toText)],
  [['lower'], simple((v) => toText(v).toLowerCase())],
  [['upper'], simple((v) => toText(v).toUpperCase())],
  [['trim'], { signature: { params: ['chars'], required: 0 }, apply: (v, a) => trim(v, a.values.get('chars')) }],
  [['default', 'd'], defaultFilter],
  [['join'], { signature: { params: ['d'], required: 0 }, apply: (v, a) => join(itemsOf(v, 'join'), toText(a.values.get('d') ?? '')) }],
  [['first'], simple((v) => itemsOf(v, 'first')[0])],
  [['last'], simple((v) => itemsOf(v, 'last').at(-1))],
  [['list'], simple((v) => itemsOf(v, 'list'))],
  [
    ['regex_search'],
    { signature: { params: ['regex'], required: 1, variadic: true, keywordOnly: ['ignorecase', 'multiline'] }, apply: regexSearch },
  ],
  [
    ['regex_replace'],
    {
      signature: { params: ['pattern', 'replacement', 'ignorecase', 'multiline', 'count', 'mandatory_count'], required: 0 },
      apply: regexReplace,
    },
  ],
  [['regex_findall'], { signature: { params: ['regex', 'multiline', 'ignorecase'], required: 1 }, apply: regexFindall }],
];

/** Every filter by name (aliases included). A Map, so names like 'constructor' are simply absent. */
export const FILTERS: ReadonlyMap<string, FilterSpec> = new Map(
  entries.flatMap(([names, spec]) => names.map((name) => [name, spec] as const)),
);
