// String filters: case, trim, replace, split, join, indent, center, wordcount and shell quoting.
import { shellQuote } from '../../quote.ts';
import { problem } from '../error.ts';
import { printf } from '../printf.ts';
import type { BoundArgs } from '../signature.ts';
import { MAX_VALUE_LENGTH, toText, typeName } from '../values.ts';
import { arg, attributePath, type FilterEntry, flag, itemsOf, simple, withParams } from './spec.ts';

function checkText(length: number, filter: string): void {
  if (length > MAX_VALUE_LENGTH) problem(`${filter}: the result would be longer than ${MAX_VALUE_LENGTH} characters`);
}

/** Python's str.capitalize: the first character upper case, the rest lower case. */
function capitalize(text: string): string {
  const [first = '', ...rest] = Array.from(text);
  return first.toUpperCase() + rest.join('').toLowerCase();
}

// Jinja's title: every run after a space, dash or opening bracket starts upper case, the rest is lower case.
function title(text: string): string {
  return text
    .split(/([-\s({[<]+)/)
    .filter((part) => part !== '')
    .map(capitalize)
    .join('');
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

// Python's str.replace(old, new, count): an empty `old` inserts `new` around every character.
function replace(value: unknown, args: BoundArgs): string {
  const text = toText(value);
  const old = toText(args.values.get('old'));
  const replacement = toText(args.values.get('new'));
  const count = arg(args, 'count', -1);
  if (typeof count !== 'number' || !Number.isInteger(count)) return problem('replace: count must be a whole number');
  const limit = count < 0 ? Infinity : count;
  const pieces = old === '' ? ['', ...Array.from(text), ''] : text.split(old);
  let out = pieces[0] ?? '';
  for (let i = 1; i < pieces.length; i++) {
    out += (i <= limit ? replacement : old) + (pieces[i] ?? '');
    checkText(out.length, 'replace');
  }
  return out;
}

// Python's str.split(sep=None, maxsplit=-1): no separator splits on whitespace runs and drops empty strings.
function split(value: unknown, args: BoundArgs): string[] {
  const text = toText(value);
  const sep = arg(args, 'separator');
  const maxsplit = arg(args, 'maxsplit', -1);
  if (typeof maxsplit !== 'number' || !Number.isInteger(maxsplit)) return problem('split: maxsplit must be a whole number');
  const limit = maxsplit < 0 ? Infinity : maxsplit;
  if (sep === undefined) return splitWhitespace(text, limit);
  if (typeof sep !== 'string') return problem(`split: the separator must be a string, not ${typeName(sep)}`);
  if (sep === '') return problem('split: empty separator');
  const parts = text.split(sep);
  if (parts.length - 1 <= limit) return parts;
  return [...parts.slice(0, limit), parts.slice(limit).join(sep)];
}

// CPython's split on whitespace: after `limit` splits the rest is kept from its first non-space character.
function splitWhitespace(text: string, limit: number): string[] {
  const out: string[] = [];
  const space = (i: number): boolean => /\s/.test(text[i] ?? '');
  let i = 0;
  for (;;) {
    while (i < text.length && space(i)) i++;
    if (i >= text.length) return out;
    if (out.length >= limit) return [...out, text.slice(i)];
    let j = i;
    while (j < text.length && !space(j)) j++;
    out.push(text.slice(i, j));
    i = j;
  }
}

function join(value: unknown, args: BoundArgs): string {
  const separator = toText(args.values.get('d') ?? '');
  const attribute = args.values.get('attribute');
  let length = 0;
  const texts = itemsOf(value, 'join').map((item) => {
    const text = toText(attribute === undefined ? item : attributePath(item, attribute));
    length += text.length + separator.length;
    checkText(length, 'join');
    return text;
  });
  return texts.join(separator);
}

/** Python's str.splitlines(): line breaks of every kind, no trailing empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

// Jinja's indent(width=4, first=False, blank=False); width may be a string used as the indentation.
function indent(value: unknown, args: BoundArgs): string {
  const width = arg(args, 'width', 4);
  if (typeof width !== 'string' && (typeof width !== 'number' || !Number.isInteger(width) || width < 0)) {
    return problem('indent: width must be a whole number or a string');
  }
  const pad = typeof width === 'string' ? width : ' '.repeat(Math.min(width, MAX_VALUE_LENGTH));
  const lines = splitLines(`${toText(value)}\n`);
  checkText(
    lines.reduce((sum, line) => sum + line.length + pad.length + 1, 0),
    'indent',
  );
  let out: string;
  if (flag(args, 'blank')) out = lines.join(`\n${pad}`);
  else out = [lines[0] ?? '', ...lines.slice(1).map((line) => (line ? pad + line : line))].join('\n');
  return flag(args, 'first') ? pad + out : out;
}

// Python's str.center: the odd space goes left when the width is odd, right otherwise.
function center(value: unknown, args: BoundArgs): string {
  const text = toText(value);
  const width = arg(args, 'width', 80);
  if (typeof width !== 'number' || !Number.isInteger(width)) return problem('center: width must be a whole number');
  checkText(width, 'center');
  const margin = width - text.length;
  if (margin <= 0) return text;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return ' '.repeat(left) + text + ' '.repeat(margin - left);
}

const COMMENT_STYLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};
const COMMENT_KEYS = ['newline', 'beginning', 'prefix', 'prefix_count', 'decoration', 'postfix', 'postfix_count', 'end'];

// Ansible's comment filter (`{{ ansible_managed | comment }}`): the text as a comment block in a style.
function comment(value: unknown, args: BoundArgs): string {
  const style = COMMENT_STYLES[toText(arg(args, 'style', 'plain'))];
  if (!style) return problem(`comment: unknown style ${toText(arg(args, 'style'))}; use plain, erlang, c, cblock or xml`);
  const given = new Map(COMMENT_KEYS.filter((key) => args.values.has(key)).map((key) => [key, toText(args.values.get(key))]));
  const edge = (given.get('decoration') ?? style.decoration ?? '').trimEnd();
  const p: Record<string, string> = {
    newline: '\n',
    beginning: '',
    prefix: edge,
    prefix_count: '1',
    decoration: '',
    postfix: edge,
    postfix_count: '1',
    end: '',
  };
  Object.assign(p, style, Object.fromEntries(given));
  const { newline = '\n', decoration = '', prefix = '', postfix = '' } = p;
  if (newline === '') return problem('comment: newline must not be empty');
  const count = (key: string): number => {
    const n = Number(p[key]);
    return Number.isInteger(n) && n >= 0 && n <= 1000 ? n : problem(`comment: ${key} must be a whole number`);
  };
  const beginning = p.beginning ? `${p.beginning}${newline}` : '';
  const head = prefix ? (prefix !== newline ? `${prefix}${newline}` : newline).repeat(count('prefix_count')) : '';
  const body = `${decoration}${toText(value)
    .split(newline)
    .join(newline + decoration)}`
    .split(decoration + newline)
    .join(decoration.trimEnd() + newline);
  const tail = Array.from({ length: count('postfix_count') }, () => newline + postfix).join('');
  const end = p.end ? `${newline}${p.end}` : '';
  return beginning + head + body + tail + end;
}

// Jinja's truncate(length=255, killwords=False, end='...', leeway=5): cut at a word unless killwords.
function truncate(value: unknown, args: BoundArgs): string {
  const text = toText(value);
  const length = arg(args, 'length', 255);
  const leeway = arg(args, 'leeway', 5);
  const end = toText(arg(args, 'end', '...'));
  if (typeof length !== 'number' || !Number.isInteger(length) || length < end.length)
    return problem('truncate: length must be a whole number ≥ the length of end');
  if (typeof leeway !== 'number' || !Number.isInteger(leeway) || leeway < 0) return problem('truncate: leeway must be a whole number ≥ 0');
  if (text.length <= length + leeway) return text;
  const kept = text.slice(0, length - end.length);
  if (flag(args, 'killwords')) return kept + end;
  const space = kept.lastIndexOf(' ');
  return (space < 0 ? kept : kept.slice(0, space)) + end;
}

/** The string filters. */
export const STRING_FILTERS: FilterEntry[] = [
  [['lower'], simple((v) => toText(v).toLowerCase())],
  [['upper'], simple((v) => toText(v).toUpperCase())],
  [['capitalize'], simple((v) => capitalize(toText(v)))],
  [['title'], simple((v) => title(toText(v)))],
  [['trim'], withParams(['chars'], (v, a) => trim(v, a.values.get('chars')))],
  [['replace'], withParams(['old', 'new', 'count'], replace, 2)],
  [['split'], withParams(['separator', 'maxsplit'], split)],
  [['join'], { signature: { params: ['d'], required: 0, keywordOnly: ['attribute'] }, apply: join }],
  [['indent'], withParams(['width', 'first', 'blank'], indent)],
  [['center'], withParams(['width'], center)],
  [['wordcount'], simple((v) => toText(v).match(/[\p{L}\p{N}_]+/gu)?.length ?? 0)],
  // Ansible's quote is Python's shlex.quote; none quotes as ''.
  // Jinja's format: `'%s-%d' | format(a, b)` is Python's printf-style `'%s-%d' % (a, b)`.
  [['format'], { signature: { params: [], required: 0, variadic: true }, apply: (v, a) => printf(toText(v), [...a.rest]) }],
  [['truncate'], withParams(['length', 'killwords', 'end', 'leeway'], truncate)],
  // Ansible renders without HTML escaping, so Jinja's safe mark changes nothing.
  [['safe'], simple((v) => v)],
  [['quote'], simple((v) => shellQuote(v === null ? '' : toText(v)))],
  [['comment'], { signature: { params: ['style'], required: 0, keywordOnly: COMMENT_KEYS }, apply: comment }],
];
