// Python's str methods that expressions may call: split, strip, replace, find, startswith... (format is in
// str-format.ts). Each checks its argument types and the length of what it builds.
import { problem } from './error.ts';
import { build } from './build-budget.ts';
import { bounds, checkLength } from './method-args.ts';
import type { MethodSpec } from './methods.ts';
import { typeName } from './values.ts';

type Args = ReadonlyMap<string, unknown>;

const text = (value: unknown, what: string): string =>
  typeof value === 'string' ? value : problem(`${what} must be a string, not ${typeName(value)}`);
const optionalText = (value: unknown, what: string): string | null => (value === undefined || value === null ? null : text(value, what));
const whole = (value: unknown, fallback: number, what: string): number => {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'number' && Number.isInteger(value) ? value : problem(`${what} must be an integer, not ${typeName(value)}`);
};
const isSpace = (ch: string): boolean => /\s/.test(ch);

function spec(params: string[], required: number, call: (s: string, a: Args) => unknown): MethodSpec {
  return { params, required, call: (s: string, a: Args) => call(s, a) };
}

// str.split / str.rsplit: on runs of whitespace (dropping empty ends) when sep is None, else on sep exactly.
function split(s: string, a: Args, fromRight: boolean): string[] {
  const sep = optionalText(a.get('sep'), 'split: sep');
  const max = whole(a.get('maxsplit'), -1, 'split: maxsplit');
  if (sep === '') return problem('empty separator');
  const parts = sep === null ? s.split(/\s+/).filter((p) => p !== '') : s.split(sep);
  if (max < 0 || parts.length <= max + 1) return parts;
  if (sep === null) {
    // Re-split keeping the remainder's inner whitespace, as Python does.
    const words = fromRight ? [...s.trimEnd()].reverse().join('') : s.trimStart();
    const out: string[] = [];
    let rest = words;
    for (let i = 0; i < max; i++) {
      const match = /^(\S+)\s+/.exec(rest);
      if (!match) break;
      out.push(match[1] ?? '');
      rest = rest.slice(match[0].length);
    }
    out.push(rest);
    return fromRight ? out.map((p) => [...p].reverse().join('')).reverse() : out;
  }
  return fromRight
    ? [parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)]
    : [...parts.slice(0, max), parts.slice(max).join(sep)];
}

function strip(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = optionalText(chars, 'strip: chars');
  const drop = (ch: string): boolean => (set === null ? isSpace(ch) : set.includes(ch));
  let start = 0;
  let end = s.length;
  while (left && start < end && drop(s[start] ?? '')) start++;
  while (right && end > start && drop(s[end - 1] ?? '')) end--;
  return s.slice(start, end);
}

// Python's replace: every (or the first `count`) non-overlapping occurrence; an empty `old` matches between characters.
function replace(s: string, a: Args): string {
  const old = text(a.get('old'), 'replace: old');
  const replacement = text(a.get('new'), 'replace: new');
  const count = whole(a.get('count'), -1, 'replace: count');
  if (old === '') {
    const chars = [...s];
    const used = count < 0 ? chars.length + 1 : Math.min(count, chars.length + 1);
    build(s.length + used * replacement.length, 'replace: the result');
    let out = '';
    for (let i = 0; i <= chars.length; i++) out += (i < used ? replacement : '') + (chars[i] ?? '');
    return out;
  }
  const pieces = s.split(old);
  const joins = pieces.length - 1;
  const used = count < 0 ? joins : Math.min(count, joins);
  build(s.length + used * (replacement.length - old.length), 'replace: the result');
  return pieces.slice(0, used + 1).join(replacement) + (used < joins ? old + pieces.slice(used + 1).join(old) : '');
}

// startswith / endswith: a prefix or a tuple (list) of them, within optional start/end bounds.
function affix(s: string, a: Args, atEnd: boolean): boolean {
  const wanted = a.get('prefix');
  const options = Array.isArray(wanted) ? wanted : [wanted];
  const [from, to] = bounds(s.length, a.get('start'), a.get('end'));
  const part = s.slice(from, to);
  if (from > s.length || (a.get('end') !== undefined && to < from)) return false;
  return options.some((option) => {
    const affixText = text(option, atEnd ? 'endswith: suffix' : 'startswith: prefix');
    return atEnd ? part.endsWith(affixText) : part.startsWith(affixText);
  });
}

function find(s: string, a: Args, fromRight: boolean): number {
  const sub = text(a.get('sub'), 'find: sub');
  const [from, to] = bounds(s.length, a.get('start'), a.get('end'));
  if (to - from < sub.length) return -1;
  const part = s.slice(from, to);
  const at = fromRight ? part.lastIndexOf(sub) : part.indexOf(sub);
  return at < 0 ? -1 : at + from;
}

function count(s: string, a: Args): number {
  const sub = text(a.get('sub'), 'count: sub');
  const [from, to] = bounds(s.length, a.get('start'), a.get('end'));
  if (to < from) return 0;
  const part = s.slice(from, to);
  return sub === '' ? [...part].length + 1 : part.split(sub).length - 1;
}

// Python's line boundaries: \n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029; no empty last line.
function splitlines(s: string, a: Args): string[] {
  const keep = a.get('keepends') === true;
  const lines: string[] = [];
  const pattern = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (let m = pattern.exec(s); m; m = pattern.exec(s)) {
    lines.push(s.slice(start, keep ? m.index + m[0].length : m.index));
    start = m.index + m[0].length;
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

function join(s: string, a: Args): string {
  const items = a.get('iterable');
  const list =
    typeof items === 'string' ? [...items] : Array.isArray(items) ? items : problem(`join: can only join a list, not ${typeName(items)}`);
  let length = 0;
  const parts = list.map((item, i) => {
    const part = typeof item === 'string' ? item : problem(`sequence item ${i}: expected str instance, ${typeName(item)} found`);
    length += part.length + s.length;
    checkLength(length, 'join: the result');
    return part;
  });
  build(length, 'join: the result');
  return parts.join(s);
}

// Python's title(): the first letter of each run of letters upper case, the rest lower case ("1st" → "1St").
const title = (s: string): string => s.replace(/\p{L}+/gu, (w) => (w[0] ?? '').toUpperCase() + w.slice(1).toLowerCase());
const capitalize = (s: string): string => (s[0] ?? '').toUpperCase() + s.slice(1).toLowerCase();
const cased = (s: string): boolean => s.toLowerCase() !== s.toUpperCase();

function pad(s: string, a: Args, align: 'left' | 'right' | 'center'): string {
  const width = whole(a.get('width'), 0, 'width');
  const fill = a.get('fillchar') === undefined ? ' ' : text(a.get('fillchar'), 'fillchar');
  if ([...fill].length !== 1) return problem('the fill character must be exactly one character long');
  const room = width - s.length;
  if (room <= 0) return s;
  build(width, 'the padded string');
  // Python's center puts the extra space on the right for even-length text... and on the left for odd.
  const leftRoom = align === 'left' ? 0 : align === 'right' ? room : Math.floor(room / 2) + (room & width & 1);
  return fill.repeat(leftRoom) + s + fill.repeat(room - leftRoom);
}

const SIMPLE: Array<[string, (s: string) => unknown]> = [
  ['lower', (s) => s.toLowerCase()],
  ['upper', (s) => s.toUpperCase()],
  ['title', title],
  ['capitalize', capitalize],
  ['swapcase', (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')],
  ['isdigit', (s) => /^\p{Nd}+$/u.test(s)],
  ['isnumeric', (s) => /^\p{N}+$/u.test(s)],
  ['isalpha', (s) => /^\p{L}+$/u.test(s)],
  ['isalnum', (s) => /^[\p{L}\p{N}]+$/u.test(s)],
  ['isspace', (s) => s !== '' && [...s].every(isSpace)],
  ['islower', (s) => cased(s) && s === s.toLowerCase()],
  ['isupper', (s) => cased(s) && s === s.toUpperCase()],
];

const METHODS: ReadonlyMap<string, MethodSpec> = new Map<string, MethodSpec>([
  ...SIMPLE.map(([name, fn]): [string, MethodSpec] => [name, spec([], 0, (s) => fn(s))]),
  ['split', spec(['sep', 'maxsplit'], 0, (s, a) => split(s, a, false))],
  ['rsplit', spec(['sep', 'maxsplit'], 0, (s, a) => split(s, a, true))],
  ['strip', spec(['chars'], 0, (s, a) => strip(s, a.get('chars'), true, true))],
  ['lstrip', spec(['chars'], 0, (s, a) => strip(s, a.get('chars'), true, false))],
  ['rstrip', spec(['chars'], 0, (s, a) => strip(s, a.get('chars'), false, true))],
  ['replace', spec(['old', 'new', 'count'], 2, replace)],
  ['startswith', spec(['prefix', 'start', 'end'], 1, (s, a) => affix(s, a, false))],
  ['endswith', spec(['prefix', 'start', 'end'], 1, (s, a) => affix(s, a, true))],
  ['find', spec(['sub', 'start', 'end'], 1, (s, a) => find(s, a, false))],
  ['rfind', spec(['sub', 'start', 'end'], 1, (s, a) => find(s, a, true))],
  ['index', spec(['sub', 'start', 'end'], 1, (s, a) => (find(s, a, false) >= 0 ? find(s, a, false) : problem('substring not found')))],
  ['count', spec(['sub', 'start', 'end'], 1, count)],
  ['splitlines', spec(['keepends'], 0, splitlines)],
  ['join', spec(['iterable'], 1, join)],
  ['ljust', spec(['width', 'fillchar'], 1, (s, a) => pad(s, a, 'left'))],
  ['rjust', spec(['width', 'fillchar'], 1, (s, a) => pad(s, a, 'right'))],
  ['center', spec(['width', 'fillchar'], 1, (s, a) => pad(s, a, 'center'))],
  ['zfill', spec(['width'], 1, (s, a) => zfill(s, whole(a.get('width'), 0, 'zfill: width')))],
]);

function zfill(s: string, width: number): string {
  if (width <= s.length) return s;
  build(width, 'zfill: the result');
  const sign = s[0] === '+' || s[0] === '-' ? (s[0] ?? '') : '';
  return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
}

/** The names of the str methods (format aside). */
export const STRING_METHOD_NAMES: ReadonlySet<string> = new Set(METHODS.keys());

/** The str method called `name`, or undefined. */
export function stringMethod(name: string): MethodSpec | undefined {
  return METHODS.get(name);
}
