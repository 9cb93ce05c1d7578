// Splits a template into text, `{{ }}` and `{% %}` pieces, with Jinja2's whitespace control: `-` strips the
// whitespace next to a tag, trim_blocks drops the newline after a block or comment tag (unless `+%}`), and
// lstrip_blocks strips blanks before a block or comment tag alone on its line (unless `{%+`). Comments are
// dropped, `{% raw %}` bodies become text. This follows the rules of Jinja2 3.1's lexer (jinja2/lexer.py).
import { JinjaError } from './errors.ts';
import { MAX_JINJA_TAGS } from './limits.ts';
import { matchAt, scanTag, type TagToken } from './tagScanner.ts';

/** A piece of a template: literal text, or the body of a tag (its tokens and its source span). */
export type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'output'; tokens: TagToken[]; start: number; end: number; at: number }
  | { kind: 'block'; tokens: TagToken[]; start: number; end: number; at: number };

/** Jinja2's whitespace options; Ansible's template module defaults to trim_blocks on, lstrip_blocks off. */
export interface WhitespaceOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
}

const RAW_BEGIN = /\{%([-+]?)\s*raw\s*(?:-%\}\s*|%\})/y;
const RAW_END_TRIM = /\{%([-+]?)\s*endraw\s*(?:\+%\}|-%\}\s*|%\}\n?)/g;
const RAW_END_KEEP = /\{%([-+]?)\s*endraw\s*(?:\+%\}|-%\}\s*|%\})/g;
const BLANKS = /^[ \t]*$/;

/** Splits `text` (newlines already normalized to \n) into pieces. Throws JinjaError. */
export function lex(text: string, options: WhitespaceOptions): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  let tags = 0;
  // Whether the last thing consumed ended a line: lstrip_blocks then applies even with no newline before the tag.
  let lineStarting = true;
  const addText = (chunk: string): void => {
    if (chunk) pieces.push({ kind: 'text', text: chunk });
  };
  for (let start = nextTag(text, 0); start >= 0; start = nextTag(text, pos)) {
    if (++tags > MAX_JINJA_TAGS) throw new JinjaError(`template has more than ${MAX_JINJA_TAGS} tags`, start);
    const kind = text[start + 1];
    const raw = kind === '%' ? matchAt(RAW_BEGIN, text, start) : '';
    const sign = signAt(text, start + 2);
    const before = text.slice(pos, start);
    addText(stripBefore(before, sign, kind !== '{' && options.lstripBlocks, lineStarting));
    if (raw) {
      pos = rawBlock(text, start, start + raw.length, options, pieces, raw.endsWith('\n'));
    } else if (kind === '#') {
      pos = commentEnd(text, start, start + 2 + sign.length, options.trimBlocks);
    } else {
      const close = kind === '{' ? '}}' : '%}';
      const body = start + 2 + sign.length;
      const end = scanTag(text, body, close, options.trimBlocks, start);
      pieces.push({
        kind: kind === '{' ? ('output' as const) : ('block' as const),
        tokens: end.tokens,
        start: body,
        end: end.bodyEnd,
        at: start,
      });
      pos = end.next;
    }
    lineStarting = text[pos - 1] === '\n';
  }
  addText(text.slice(pos));
  return pieces;
}

// The start of the next `{{`, `{%` or `{#` at or after `from`, or -1.
function nextTag(text: string, from: number): number {
  for (let i = text.indexOf('{', from); i >= 0; i = text.indexOf('{', i + 1)) {
    const next = text[i + 1];
    if (next === '{' || next === '%' || next === '#') return i;
  }
  return -1;
}

function signAt(text: string, pos: number): string {
  const ch = text[pos];
  return ch === '-' || ch === '+' ? ch : '';
}

// The text before a tag after its whitespace control: `-` strips all trailing whitespace; otherwise, with
// lstrip_blocks and no `+`, the blanks between the line's start and the tag go when nothing else is there.
function stripBefore(before: string, sign: string, lstrip: boolean, lineStarting: boolean): string {
  if (sign === '-') return before.trimEnd();
  if (sign === '+' || !lstrip) return before;
  const lineStart = before.lastIndexOf('\n') + 1;
  if ((lineStart > 0 || lineStarting) && BLANKS.test(before.slice(lineStart))) return before.slice(0, lineStart);
  return before;
}

// `{# … #}`: the first `#}` ends it; `-#}` strips the whitespace after, `+#}` keeps it, trim_blocks drops a newline.
function commentEnd(text: string, tagAt: number, from: number, trimBlocks: boolean): number {
  const close = text.indexOf('#}', from);
  if (close < 0) throw new JinjaError('the comment is never closed (expected #})', tagAt);
  const sign = close - 1 >= from ? text[close - 1] : '';
  const after = close + 2;
  if (sign === '-') return after + matchAt(/\s*/y, text, after).length;
  if (sign === '+') return after;
  return trimBlocks && text[after] === '\n' ? after + 1 : after;
}

// `{% raw %}…{% endraw %}`: the body is text; the endraw tag has the usual whitespace control.
function rawBlock(text: string, tagAt: number, from: number, options: WhitespaceOptions, pieces: Piece[], lineStarting: boolean): number {
  const endPattern = options.trimBlocks ? RAW_END_TRIM : RAW_END_KEEP;
  endPattern.lastIndex = from;
  const end = endPattern.exec(text);
  if (!end) throw new JinjaError('the raw block is never closed (expected {% endraw %})', tagAt);
  const body = stripBefore(text.slice(from, end.index), end[1] ?? '', options.lstripBlocks, lineStarting);
  if (body) pieces.push({ kind: 'text', text: body });
  return end.index + end[0].length;
}
