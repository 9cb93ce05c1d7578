// Splits Python literal source into tokens (numbers, strings, names, punctuation) as Python's tokenizer would.

/** Thrown when the text is not a Python literal; parsePythonLiteral turns it into { ok: false }. */
export class NotLiteral extends Error {}

/** One token of a Python literal; strings are already decoded. */
export type Token =
  | { type: 'punct'; text: string }
  | { type: 'number'; value: number }
  | { type: 'string'; value: string; bytes: boolean }
  | { type: 'name'; text: string }
  | { type: 'end' };

const DIGITS = '[0-9](?:_?[0-9])*';
const EXPONENT = `[eE][+-]?${DIGITS}`;
const POINT_FLOAT = `(?:${DIGITS})?\\.${DIGITS}|${DIGITS}\\.`;
const FLOAT = new RegExp(`^(?:(?:${POINT_FLOAT}|${DIGITS})${EXPONENT}|${POINT_FLOAT})`);
const INTEGER = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?[0-9])*|0+(?:_?0)*)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const STRING_PREFIX = /^(?:[rRuUbB]|[bB][rR]|[rR][bB])$/;

/** Tokenizes `text`, throwing NotLiteral on anything a literal cannot contain. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? text.length : eol;
    } else if ('[](){},:+-'.includes(c)) {
      tokens.push({ type: 'punct', text: c });
      i++;
    } else if (c === "'" || c === '"') {
      i = readString(text, i, '', tokens);
    } else if (/[0-9.]/.test(c)) {
      i = readNumber(text, i, tokens);
    } else {
      const name = NAME.exec(text.slice(i))?.[0];
      if (!name) throw new NotLiteral();
      const next = text.charAt(i + name.length);
      if ((next === "'" || next === '"') && STRING_PREFIX.test(name)) {
        i = readString(text, i + name.length, name.toLowerCase(), tokens);
      } else {
        tokens.push({ type: 'name', text: name });
        i += name.length;
      }
    }
  }
  tokens.push({ type: 'end' });
  return tokens;
}

function readNumber(text: string, start: number, tokens: Token[]): number {
  const rest = text.slice(start);
  const float = FLOAT.exec(rest)?.[0];
  const integer = INTEGER.exec(rest)?.[0];
  const literal = float && float.length >= (integer?.length ?? 0) ? float : integer;
  if (!literal) throw new NotLiteral();
  const end = start + literal.length;
  // Python rejects "01", "1abc" and imaginary "2j" here (or evaluates them to non-literals).
  if (/[A-Za-z0-9_]/.test(text.charAt(end))) throw new NotLiteral();
  const clean = literal.replace(/_/g, '');
  let value: number;
  if (literal === float) {
    value = Number(clean);
  } else {
    const big = BigInt(clean);
    // Beyond 2^53 a JS number would silently change the value; keep the raw text instead.
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new NotLiteral();
    value = Number(big);
  }
  tokens.push({ type: 'number', value });
  return end;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function readString(text: string, start: number, prefix: string, tokens: Token[]): number {
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  const quote = text.charAt(start);
  const triple = text.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let i = start + close.length;
  let out = '';
  for (;;) {
    if (i >= text.length) throw new NotLiteral();
    if (text.startsWith(close, i)) break;
    const c = text.charAt(i);
    if (c === '\n' && !triple) throw new NotLiteral();
    if (bytes && c.charCodeAt(0) > 0x7f) throw new NotLiteral();
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const next = text.charAt(i + 1);
    if (next === '') throw new NotLiteral();
    if (raw) {
      out += c + next;
      i += 2;
      continue;
    }
    const escaped = readEscape(text, i + 1, bytes);
    out += escaped.text;
    i = escaped.end;
  }
  const value = bytes ? Buffer.from(out, 'latin1').toString('utf8') : out;
  tokens.push({ type: 'string', value, bytes });
  return i + close.length;
}

function readEscape(text: string, at: number, bytes: boolean): { text: string; end: number } {
  const c = text.charAt(at);
  if (c === '\n') return { text: '', end: at + 1 };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, end: at + 1 };
  const octal = /^[0-7]{1,3}/.exec(text.slice(at))?.[0];
  if (octal) return { text: String.fromCodePoint(parseInt(octal, 8)), end: at + octal.length };
  const width = c === 'x' ? 2 : !bytes && c === 'u' ? 4 : !bytes && c === 'U' ? 8 : 0;
  if (width > 0) {
    const hex = text.slice(at + 1, at + 1 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new NotLiteral();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw new NotLiteral();
    return { text: String.fromCodePoint(code), end: at + 1 + width };
  }
  // \N{NAME} needs the Unicode name table; treat such values as plain text.
  if (c === 'N' && !bytes) throw new NotLiteral();
  // Python keeps unknown escapes as they are (with a warning).
  return { text: `\\${c}`, end: at + 1 };
}
