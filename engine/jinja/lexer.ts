// Splits a template into text, `{{ }}` and `{% %}` pieces (or the delimiters the options give), with Jinja2's whitespace control: `-` strips the
// whitespace next to a tag, trim_blocks drops the newline after a block or comment tag (unless `+%}`), and
// lstrip_blocks strips blanks before a block or comment tag alone on its line (unless `{%+`). Comments are
// dropped, `{% raw %}` bodies become text. This follows the rules of Jinja2 3.1's lexer (jinja2/lexer.py).
import { type Delimiters, DEFAULT_DELIMITERS, rawPatterns } from './delimiters.ts';
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
  /** The tag delimiters (default `{{ }}`, `{% %}`, `{# #}`). */
  delimiters?: Delimiters;
  /** Jinja2's line_statement_prefix (applied before lexing, engine/jinja/lineStatements.ts). */
  lineStatementPrefix?: string;
}

type TagKind = 'output' | 'block' | 'comment';

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
  const d = options.delimiters ?? DEFAULT_DELIMITERS;
  const raws = rawPatterns(d);
  const find = tagFinder(text, d);
  for (let tag = find(0); tag; tag = find(pos)) {
    const start = tag.at;
    if (++tags > MAX_JINJA_TAGS) throw new JinjaError(`template has more than ${MAX_JINJA_TAGS} tags`, start);
    const kind = tag.kind;
    const raw = kind === 'block' ? matchAt(raws.begin, text, start) : '';
    const opened = start + tag.length;
    const sign = signAt(text, opened);
    const before = text.slice(pos, start);
    addText(stripBefore(before, sign, kind !== 'output' && options.lstripBlocks, lineStarting));
    if (raw) {
      pos = rawBlock(text, start, start + raw.length, options, raws, pieces, raw.endsWith('\n'));
    } else if (kind === 'comment') {
      pos = commentEnd(text, start, opened + sign.length, d.commentEnd, options.trimBlocks);
    } else {
      const close = kind === 'output' ? d.variableEnd : d.blockEnd;
      const body = opened + sign.length;
      const end = scanTag(text, body, close, kind === 'block', options.trimBlocks, start);
      pieces.push({ kind, tokens: end.tokens, start: body, end: end.bodyEnd, at: start });
      pos = end.next;
    }
    lineStarting = text[pos - 1] === '\n';
  }
  addText(text.slice(pos));
  return pieces;
}

// Finds the next tag at or after a position: the earliest start delimiter, the longest one when two start
// at the same place (as Jinja2 orders its root rules). Each delimiter's next place is remembered, so the
// whole text is searched once per delimiter.
function tagFinder(text: string, d: Delimiters): (from: number) => { at: number; kind: TagKind; length: number } | undefined {
  const starts: Array<{ kind: TagKind; open: string; next: number }> = [
    { kind: 'comment' as const, open: d.commentStart, next: -2 },
    { kind: 'block' as const, open: d.blockStart, next: -2 },
    { kind: 'output' as const, open: d.variableStart, next: -2 },
  ].sort((a, b) => b.open.length - a.open.length);
  return (from) => {
    let best: (typeof starts)[number] | undefined;
    for (const s of starts) {
      if (s.next !== -1 && s.next < from) s.next = text.indexOf(s.open, from);
      if (s.next >= 0 && (!best || s.next < best.next)) best = s;
    }
    return best ? { at: best.next, kind: best.kind, length: best.open.length } : undefined;
  };
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
function commentEnd(text: string, tagAt: number, from: number, closer: string, trimBlocks: boolean): number {
  const close = text.indexOf(closer, from);
  if (close < 0) throw new JinjaError(`the comment is never closed (expected ${closer})`, tagAt);
  const sign = close - 1 >= from ? text[close - 1] : '';
  const after = close + closer.length;
  if (sign === '-') return after + matchAt(/\s*/y, text, after).length;
  if (sign === '+') return after;
  return trimBlocks && text[after] === '\n' ? after + 1 : after;
}

// `{% raw %}…{% endraw %}`: the body is text; the endraw tag has the usual whitespace control.
function rawBlock(
  text: string,
  tagAt: number,
  from: number,
  options: WhitespaceOptions,
  raws: ReturnType<typeof rawPatterns>,
  pieces: Piece[],
  lineStarting: boolean,
): number {
  const endPattern = options.trimBlocks ? raws.endTrim : raws.endKeep;
  endPattern.lastIndex = from;
  const end = endPattern.exec(text);
  const d = options.delimiters ?? DEFAULT_DELIMITERS;
  if (!end) throw new JinjaError(`the raw block is never closed (expected ${d.blockStart} endraw ${d.blockEnd})`, tagAt);
  const body = stripBefore(text.slice(from, end.index), end[1] ?? '', options.lstripBlocks, lineStarting);
  if (body) pieces.push({ kind: 'text', text: body });
  return end.index + end[0].length;
}
