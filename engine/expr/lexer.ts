// Splits expression source into tokens. Strings follow Python's escape rules; anything unknown is a syntax error.
import { syntaxError } from './error.ts';

/** Punctuation and operator symbols. */
export type Punct =
  | '('
  | ')'
  | '['
  | ']'
  | '{'
  | '}'
  | ','
  | '.'
  | ':'
  | '|'
  | '~'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '//'
  | '**'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=';

/** One token; `at` is its 0-based offset in the source. Keywords (and, not, true...) are `name` tokens. */
export type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'punct'; value: Punct; at: number }
  | { kind: 'end'; at: number };

// Sticky patterns, matched in place with matchAt (no slicing of long sources).
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const INTEGER = /[0-9]+/y;
// Jinja's number literals: digits with optional `_` separators, a fraction, an exponent; or 0b / 0o / 0x integers.
const NUMBER = /[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?/y;
const PREFIXED = /0([bB](_?[01])+|[oO](_?[0-7])+|[xX](_?[0-9a-fA-F])+)/y;
const TWO_CHAR: ReadonlySet<string> = new Set(['==', '!=', '<=', '>=', '//', '**']);
const ONE_CHAR: ReadonlySet<string> = new Set('()[]{},.:|~+-*/%<>='.split(''));
const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
  ['a', '\x07'],
  ['b', '\b'],
  ['f', '\f'],
  ['v', '\v'],
  ['0', '\0'],
  ['\n', ''],
]);

/** Tokenizes `source`; the last token is always `end`. Throws ExpressionError on a bad character or string. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const ch = source[pos] ?? '';
    if (/\s/.test(ch)) {
      pos++;
    } else if (/[0-9]/.test(ch)) {
      // After a dot, `items.0.1` means two integer indexes, not the float 0.1.
      const previous = tokens.at(-1);
      const afterDot = previous?.kind === 'punct' && previous.value === '.';
      pos = readNumber(source, pos, afterDot, tokens);
    } else if (/[A-Za-z_]/.test(ch)) {
      const word = matchAt(NAME, source, pos) || ch;
      tokens.push({ kind: 'name', value: word, at: pos });
      pos += word.length;
    } else if (ch === "'" || ch === '"') {
      pos = readString(source, pos, tokens);
    } else if (TWO_CHAR.has(source.slice(pos, pos + 2))) {
      tokens.push({ kind: 'punct', value: source.slice(pos, pos + 2) as Punct, at: pos });
      pos += 2;
    } else if (ONE_CHAR.has(ch)) {
      tokens.push({ kind: 'punct', value: ch as Punct, at: pos });
      pos++;
    } else {
      throw syntaxError(source, pos, `unexpected character ${JSON.stringify(ch)}`);
    }
  }
  // The end sits right after the last token, so "expected ')'" points past the text, not past trailing blanks.
  tokens.push({ kind: 'end', at: source.trimEnd().length });
  return tokens;
}

function matchAt(pattern: RegExp, source: string, pos: number): string {
  pattern.lastIndex = pos;
  return pattern.exec(source)?.[0] ?? '';
}

function readNumber(source: string, start: number, integerOnly: boolean, tokens: Token[]): number {
  const prefixed = integerOnly ? '' : matchAt(PREFIXED, source, start);
  const text = prefixed || matchAt(integerOnly ? INTEGER : NUMBER, source, start);
  const end = start + text.length;
  if (/[A-Za-z_]/.test(source[end] ?? '')) throw syntaxError(source, start, 'invalid number');
  // Number() reads 0b / 0o / 0x itself once the separators are gone.
  tokens.push({ kind: 'number', value: Number(text.replace(/_/g, '')), at: start });
  return end;
}

function readString(source: string, start: number, tokens: Token[]): number {
  const quote = source[start];
  let pos = start + 1;
  let value = '';
  while (pos < source.length) {
    const ch = source[pos] ?? '';
    if (ch === quote) {
      tokens.push({ kind: 'string', value, at: start });
      return pos + 1;
    }
    if (ch !== '\\') {
      value += ch;
      pos++;
      continue;
    }
    const [text, length] = readEscape(source, pos);
    value += text;
    pos += length;
  }
  throw syntaxError(source, start, 'unterminated string');
}

/** One backslash escape at `pos`: its text and how many source characters it used. Unknown escapes stay as written. */
function readEscape(source: string, pos: number): [string, number] {
  const next = source[pos + 1];
  if (next === undefined) return ['\\', 1];
  const simple = SIMPLE_ESCAPES.get(next);
  if (simple !== undefined) return [simple, 2];
  const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
  if (width > 0) {
    const hex = source.slice(pos + 2, pos + 2 + width);
    const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === width ? parseInt(hex, 16) : NaN;
    if (Number.isNaN(code) || code > 0x10ffff) throw syntaxError(source, pos, `invalid \\${next} escape`);
    return [String.fromCodePoint(code), 2 + width];
  }
  // Python keeps unknown escapes such as \d or \. as written, which is what regex arguments rely on.
  return ['\\' + next, 2];
}
