// Python's str.format(): `{}`, `{0}`, `{name}`, `{0.key}` / `{0[key]}`, `!r` / `!s` conversions and the
// format-spec mini-language ([[fill]align][sign][#][0][width][,|_][.precision][type]).
import { problem } from './error.ts';
import { build } from './build-budget.ts';
import { checkLength } from './method-args.ts';
import { readMember, reprText, toText, typeName } from './values.ts';

/** A parsed format spec. */
export interface FormatSpec {
  fill: string;
  align: '' | '<' | '>' | '^' | '=';
  sign: '' | '+' | '-' | ' ';
  alternate: boolean;
  width: number;
  grouping: '' | ',' | '_';
  precision: number | null;
  type: string;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;
const MAX_WIDTH = 1_000_000;

/** `template.format(*positional, **named)` as Python does it. */
export function formatString(template: string, positional: readonly unknown[], named: ReadonlyMap<string, unknown>): string {
  let out = '';
  let auto = 0;
  let manual = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '}') {
      if (template[i + 1] !== '}') return problem("Single '}' encountered in format string");
      out += '}';
      i++;
    } else if (ch !== '{') {
      out += ch;
    } else if (template[i + 1] === '{') {
      out += '{';
      i++;
    } else {
      const end = template.indexOf('}', i);
      const field = end < 0 ? '' : template.slice(i + 1, end);
      if (end < 0) return problem("Single '{' encountered in format string");
      if (field.includes('{')) return problem('nested replacement fields in a format spec are not supported');
      const parsed = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
      if (!parsed) return problem(`invalid replacement field {${field}}`);
      const [, name = '', path = '', conversion, spec = ''] = parsed;
      let value: unknown;
      if (name === '') {
        if (manual) return problem('cannot switch from manual field specification to automatic field numbering');
        value = argument(positional, auto++);
      } else if (/^\d+$/.test(name)) {
        if (auto > 0) return problem('cannot switch from automatic field numbering to manual field specification');
        manual = true;
        value = argument(positional, Number(name));
      } else {
        value = named.has(name) ? named.get(name) : problem(`format: no argument named '${name}'`);
      }
      value = followPath(value, path);
      if (conversion) value = conversion === 's' ? toText(value) : reprText(value);
      out += applySpec(value, parseSpec(spec));
      checkLength(out.length, 'format: the result');
      i = end;
    }
  }
  build(out.length, 'format: the result');
  return out;
}

function argument(positional: readonly unknown[], index: number): unknown {
  if (index >= positional.length) return problem(`Replacement index ${index} out of range for positional args tuple`);
  return positional[index];
}

// `.key` and `[key]` steps after a field name, read with the same safe member access as `a.b` and `a[b]`.
function followPath(start: unknown, path: string): unknown {
  let value = start;
  for (const step of path.matchAll(/\.([^.[]+)|\[([^\]]*)\]/g)) {
    const key = step[1] ?? step[2] ?? '';
    const next = readMember(value, step[2] !== undefined && /^\d+$/.test(key) ? Number(key) : key);
    if (next === undefined) return problem(`format: ${typeName(value)} has no item '${key}'`);
    value = next;
  }
  return value;
}

/** Parses a format spec such as `>10`, `08.3f` or `,d`; an invalid one is a ValueProblem. */
export function parseSpec(text: string): FormatSpec {
  const m = SPEC.exec(text);
  if (!m) return problem(`Invalid format specifier '${text}'`);
  const width = Number(m[6] ?? 0);
  if (width > MAX_WIDTH) return problem(`format width ${width} is too large`);
  const zero = m[5] !== undefined;
  return {
    fill: m[1] ?? (zero && !m[2] ? '0' : ' '),
    align: (m[2] ?? (zero ? '=' : '')) as FormatSpec['align'],
    sign: (m[3] ?? '') as FormatSpec['sign'],
    alternate: m[4] !== undefined,
    width,
    grouping: (m[7] ?? '') as FormatSpec['grouping'],
    precision: m[8] === undefined ? null : Math.min(Number(m[8]), 100),
    type: m[9] ?? '',
  };
}

/** Formats one value by a spec, as Python's format(value, spec). */
export function applySpec(value: unknown, spec: FormatSpec): string {
  const plain = spec.type === '' && spec.width === 0 && spec.precision === null && spec.sign === '' && spec.grouping === '';
  if (plain) return toText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return pad(formatNumber(Number(value), spec), spec, '>');
  if (spec.type !== '' && spec.type !== 's') return problem(`Unknown format code '${spec.type}' for object of type '${typeName(value)}'`);
  if (spec.sign !== '' || spec.align === '=') return problem(`Sign not allowed in string format specifier`);
  const text = toText(value);
  return pad({ sign: '', body: spec.precision === null ? text : [...text].slice(0, spec.precision).join('') }, spec, '<');
}

function pad(parts: { sign: string; body: string }, spec: FormatSpec, defaultAlign: '<' | '>'): string {
  const length = parts.sign.length + [...parts.body].length;
  const room = Math.max(0, spec.width - length);
  const align = spec.align || defaultAlign;
  const fill = (n: number): string => spec.fill.repeat(n);
  if (align === '=') return parts.sign + fill(room) + parts.body;
  const text = parts.sign + parts.body;
  if (align === '<') return text + fill(room);
  if (align === '>') return fill(room) + text;
  return fill(Math.floor(room / 2)) + text + fill(room - Math.floor(room / 2));
}

function formatNumber(value: number, spec: FormatSpec): { sign: string; body: string } {
  const negative = value < 0 || Object.is(value, -0);
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  const abs = Math.abs(value);
  const type = spec.type || (Number.isInteger(value) && spec.precision === null ? 'd' : 'g');
  if (!Number.isFinite(abs)) return { sign, body: /[A-Z]/.test(type) ? toText(abs).toUpperCase() : toText(abs) };
  const precision = spec.precision ?? 6;
  const integerOnly = (radix: number, prefix: string): string => {
    if (!Number.isInteger(value)) return problem(`Unknown format code '${type}' for object of type 'float'`);
    return (spec.alternate ? prefix : '') + group(abs.toString(radix), spec.grouping);
  };
  switch (type) {
    case 'd':
    case 'n':
      return { sign, body: integerOnly(10, '') };
    case 'x':
      return { sign, body: integerOnly(16, '0x') };
    case 'X':
      return { sign, body: integerOnly(16, '0X').toUpperCase() };
    case 'o':
      return { sign, body: integerOnly(8, '0o') };
    case 'b':
      return { sign, body: integerOnly(2, '0b') };
    case 'c':
      return { sign: '', body: String.fromCodePoint(Number.isInteger(abs) && abs <= 0x10ffff ? abs : problem('%c arg not in range')) };
    case 'f':
    case 'F':
      return { sign, body: groupFixed(fixed(abs, precision), spec.grouping) };
    case '%':
      return { sign, body: `${groupFixed(fixed(abs * 100, precision), spec.grouping)}%` };
    case 'e':
    case 'E': {
      const body = exponent(abs, precision);
      return { sign, body: type === 'E' ? body.toUpperCase() : body };
    }
    default: {
      const body = general(abs, spec.precision, spec.alternate);
      return { sign, body: type === 'G' ? body.toUpperCase() : groupFixed(body, spec.grouping) };
    }
  }
}

/**
 * Fixed notation rounded as Python does: exact ties (2.5, 0.125) go to the even digit, where JavaScript's
 * toFixed rounds them up. toFixed with more digits shows the exact binary value, so a tie is detectable.
 */
function fixed(abs: number, precision: number): string {
  const rounded = abs.toFixed(precision);
  if (precision + 30 > 100 || abs >= 1e21) return rounded;
  const exact = abs.toFixed(precision + 30);
  const cut = exact.length - 30;
  if (!/^50*$/.test(exact.slice(cut))) return rounded;
  const truncated = exact.slice(0, cut).replace(/\.$/, '');
  const lastDigit = Number(truncated.replace('.', '').at(-1));
  return lastDigit % 2 === 0 ? truncated : rounded;
}

/** Python's exponent notation: at least two exponent digits (1.5e+03). */
function exponent(abs: number, precision: number): string {
  return abs.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

// Python's 'g': fixed or exponent notation by the exponent, trailing zeros removed unless '#'.
function general(abs: number, requested: number | null, alternate: boolean): string {
  const precision = requested === null ? 6 : Math.max(requested, 1);
  if (abs === 0) return alternate ? `0.${'0'.repeat(precision - 1)}` : '0';
  const exp = Number(abs.toExponential(precision - 1).split('e')[1]);
  const raw = exp >= -4 && exp < precision ? abs.toFixed(Math.max(0, precision - 1 - exp)) : exponent(abs, precision - 1);
  if (alternate) return raw;
  return raw.replace(/\.?0+(?=e|$)/, (m) => (raw.includes('.') ? '' : m));
}

function group(digits: string, separator: string): string {
  return separator === '' ? digits : digits.replace(/\B(?=(\d{3})+$)/g, separator);
}

function groupFixed(text: string, separator: string): string {
  if (separator === '') return text;
  const [whole = '', fraction] = text.split('.');
  return group(whole, separator) + (fraction === undefined ? '' : `.${fraction}`);
}
