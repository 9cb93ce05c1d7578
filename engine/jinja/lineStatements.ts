// Jinja2's line statements (`line_statement_prefix`, set by a `#jinja2:` override line): a line whose first
// non-blank text is the prefix is a statement (`: if x` is `{% if x %}`) and outputs nothing, its newline
// included. Rewritten into block tags that keep the newline inside the tag, so lines keep their numbers.
import type { Delimiters } from './delimiters.ts';

/** `text` with each line statement written as a block tag of `d`. */
export function withLineStatements(text: string, prefix: string, d: Delimiters): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const line = new RegExp(`^[ \\t\\v]*${escaped}([^\\n]*)(\\n|$)`, 'gm');
  return text.replace(line, (_m, body: string, newline: string) => `${d.blockStart} ${body.trim()}${newline || ' '}${d.blockEnd}`);
}
