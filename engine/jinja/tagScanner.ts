// Scans the inside of one `{{ … }}` or `{% … %}` tag the way Jinja2's lexer does: token by token, strings
// and brackets as wholes, so that a `}}` or `%}` inside a string or a `{…}` literal does not end the tag.
import { JinjaError } from './errors.ts';

/** One token of a tag's body; `at` is its offset in the template. Whitespace is not kept. */
export interface TagToken {
  kind: 'name' | 'string' | 'number' | 'op';
  text: string;
  at: number;
}

/** Where a tag's body ends and what follows it. */
export interface TagEnd {
  /** The body's tokens, in order. */
  tokens: TagToken[];
  /** Offset just past the body (where the closing delimiter starts, `-`/`+` sign included). */
  bodyEnd: number;
  /** Offset just past the closing delimiter and the whitespace it removes. */
  next: number;
}

// Operators, longest first (Jinja's operator table).
const OPERATORS = [
  '//',
  '**',
  '==',
  '!=',
  '>=',
  '<=',
  '+',
  '-',
  '/',
  '*',
  '%',
  '~',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '<',
  '>',
  '=',
  '.',
  ':',
  '|',
  ',',
  ';',
];
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?/y;
const STRING = /'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*"/y;
const SPACE = /\s+/y;
const TRAILING_SPACE = /\s*/y;

/**
 * Scans a tag body from `from` up to its closing delimiter `close` (`}}` or `%}`, or the task's own) at
 * bracket depth 0. `-close` also removes the whitespace after it; for a block tag, `+%}` keeps it and a
 * plain `%}` drops one newline when `trimNewline` (trim_blocks). `tagAt` locates the "never closed" error.
 */
export function scanTag(text: string, from: number, close: string, block: boolean, trimNewline: boolean, tagAt: number): TagEnd {
  const tokens: TagToken[] = [];
  const brackets: TagToken[] = [];
  let pos = from;
  while (pos < text.length) {
    if (brackets.length === 0) {
      const end = closingAt(text, pos, close, block, trimNewline);
      if (end !== undefined) return { tokens, bodyEnd: pos, next: end };
    }
    const space = matchAt(SPACE, text, pos);
    if (space) {
      pos += space.length;
      continue;
    }
    const token = tokenAt(text, pos);
    if (token.kind === 'op') trackBracket(token, brackets);
    tokens.push(token);
    pos += token.text.length;
  }
  const open = brackets.at(-1);
  if (open) throw new JinjaError(`'${open.text}' is never closed`, open.at);
  throw new JinjaError(`the tag is never closed (expected '${close}')`, tagAt);
}

// The offset after the closing delimiter at `pos` (and what it strips), or undefined when none is there.
function closingAt(text: string, pos: number, close: string, block: boolean, trimNewline: boolean): number | undefined {
  if (text[pos] === '-' && text.startsWith(close, pos + 1)) {
    return pos + 1 + close.length + matchAt(TRAILING_SPACE, text, pos + 1 + close.length).length;
  }
  if (block && text[pos] === '+' && text.startsWith(close, pos + 1)) return pos + 1 + close.length;
  if (!text.startsWith(close, pos)) return undefined;
  const after = pos + close.length;
  return block && trimNewline && text[after] === '\n' ? after + 1 : after;
}

function tokenAt(text: string, pos: number): TagToken {
  const string = matchAt(STRING, text, pos);
  if (string) return { kind: 'string', text: string, at: pos };
  const name = matchAt(NAME, text, pos);
  if (name) return { kind: 'name', text: name, at: pos };
  const number = matchAt(NUMBER, text, pos);
  if (number) return { kind: 'number', text: number, at: pos };
  const op = OPERATORS.find((candidate) => text.startsWith(candidate, pos));
  if (op) return { kind: 'op', text: op, at: pos };
  const ch = text[pos] ?? '';
  if (ch === "'" || ch === '"') throw new JinjaError('unterminated string', pos);
  throw new JinjaError(`unexpected character ${JSON.stringify(ch)}`, pos);
}

function trackBracket(token: TagToken, brackets: TagToken[]): void {
  if (token.text === '(' || token.text === '[' || token.text === '{') {
    brackets.push(token);
    return;
  }
  const opener = CLOSERS[token.text];
  if (opener === undefined) return;
  const open = brackets.pop();
  if (!open) throw new JinjaError(`unexpected '${token.text}'`, token.at);
  if (open.text !== opener) throw new JinjaError(`unexpected '${token.text}' (the '${open.text}' is not closed)`, token.at);
}

/** The text a sticky pattern matches at `pos`, or ''. */
export function matchAt(pattern: RegExp, text: string, pos: number): string {
  pattern.lastIndex = pos;
  return pattern.exec(text)?.[0] ?? '';
}
