// Limits on a template's shape, checked by a linear scan before Handlebars parses it: Handlebars' parser
// slows down quadratically with nesting and overflows the stack near a thousand levels, and compiling costs
// about 0.1 ms per {{ }}, so a hostile or generated template could stall the controller for seconds.
// The renderer and `validate` (engine/playbook/templateSyntax.ts) both call templateShapeProblem first.
// The scan follows Handlebars' lexer (escaped `\{{`, comments, raw blocks, strings and [literals] that may
// hold `}}` or parentheses) so that nothing it skips is parsed as nesting; where it is unsure it counts more.

/** Most `{{ }}` statements in one template. */
export const MAX_TEMPLATE_STATEMENTS = 5000;
/** Most subexpressions `( )` in one template: each costs about as much to compile as a statement. */
export const MAX_TEMPLATE_SUBEXPRESSIONS = 5000;
/** Most `.` and `/` in one variable path (`a.b.c`, `../x`): Handlebars' compiler overflows the stack near 2000. */
export const MAX_TEMPLATE_PATH_SEPARATORS = 128;
/** Deepest nesting of blocks (`{{#if}}`, `{{else if}}` chains) plus subexpressions `( )` in one template. */
export const MAX_TEMPLATE_NESTING = 64;

/** Why a template is refused for its shape, and the offset of the `{{` where a limit was passed. */
export interface TemplateShapeProblem {
  message: string;
  offset: number;
}

/** Why `template` is refused, or undefined when its shape is within the limits. Linear time, no recursion. */
export function templateShapeProblem(template: string): TemplateShapeProblem | undefined {
  const t = template;
  const closers = new Closers(t);
  let statements = 0;
  let subexpressions = 0;
  // One entry per open block: 1, plus one for each chained `{{else if ...}}`, all closed by one `{{/...}}`.
  const blocks: number[] = [];
  let depth = 0;
  let start = t.indexOf('{{');
  while (start >= 0) {
    // `\{{` is text up to the next `{{`; `\\{{` is a backslash and a real mustache (Handlebars' lexer rule).
    if (t[start - 1] === '\\' && t[start - 2] !== '\\') {
      start = t.indexOf('{{', start + 2);
      continue;
    }
    if (++statements > MAX_TEMPLATE_STATEMENTS)
      return { message: `template has more than ${MAX_TEMPLATE_STATEMENTS} {{ }} statements`, offset: start };
    let next: number | undefined;
    let nesting = depth;
    if (t.startsWith('{{{{', start)) {
      const open = mustacheEnd(t, start + 4, closers);
      if (!open || !t.startsWith('}}}}', open.end)) return undefined;
      const tooMuch = partsProblem(open, (subexpressions += open.subexpressions), start);
      if (tooMuch) return tooMuch;
      nesting = depth + 1 + open.parens;
      next = rawBlockEnd(t, open.end + 4);
    } else {
      const j = t[start + 2] === '~' ? start + 3 : start + 2;
      const c = t[j];
      if (c === '!') {
        next = commentEnd(t, j);
      } else {
        if (c === '#' || (c === '^' && !matchesAt(STANDALONE_INVERSE, t, j))) {
          blocks.push(1);
          depth++;
        } else if (c === '/') {
          depth -= blocks.pop() ?? 0;
        } else if (blocks.length > 0 && !matchesAt(STANDALONE_ELSE, t, j) && matchesAt(ELSE_CHAIN, t, j)) {
          blocks[blocks.length - 1] = (blocks.at(-1) ?? 0) + 1;
          depth++;
        }
        const body = mustacheEnd(t, j, closers);
        if (!body) return undefined;
        const tooMuch = partsProblem(body, (subexpressions += body.subexpressions), start);
        if (tooMuch) return tooMuch;
        nesting = depth + body.parens;
        next = body.end + 2;
      }
    }
    if (nesting > MAX_TEMPLATE_NESTING)
      return { message: `template nests blocks and ( ) more than ${MAX_TEMPLATE_NESTING} deep`, offset: start };
    // Past the end of the text Handlebars stops with a syntax error: nothing after it is parsed.
    if (next === undefined) return undefined;
    start = t.indexOf('{{', next);
  }
  return undefined;
}

/** The 1-based line and column of `offset` in `text`. */
export function templateLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

// Sticky patterns, tried at the character after `{{` or `{{~`, as the lexer's rules for `{{^}}`, `{{else}}`
// (both a plain inverse) and `{{else if …}}` (a chained block, one level deeper).
const STANDALONE_INVERSE = /\^\s*~?\}\}/y;
const STANDALONE_ELSE = /\s*else\s*~?\}\}/y;
const ELSE_CHAIN = /\s*else\b/y;

function matchesAt(pattern: RegExp, text: string, index: number): boolean {
  pattern.lastIndex = index;
  return pattern.test(text);
}

/** What the scan learns from one mustache's body. */
interface MustacheBody {
  /** The index of its closing `}}`. */
  end: number;
  /** Its deepest `( )` nesting. */
  parens: number;
  /** How many `(` it opens. */
  subexpressions: number;
  /** The most `.` and `/` in one of its paths. */
  pathSeparators: number;
}

// The subexpression and path limits, after one more mustache; `offset` is that mustache's `{{`.
function partsProblem(body: MustacheBody, subexpressions: number, offset: number): TemplateShapeProblem | undefined {
  if (subexpressions > MAX_TEMPLATE_SUBEXPRESSIONS)
    return { message: `template has more than ${MAX_TEMPLATE_SUBEXPRESSIONS} ( ) subexpressions`, offset };
  if (body.pathSeparators > MAX_TEMPLATE_PATH_SEPARATORS) {
    return { message: `template has a variable path with more than ${MAX_TEMPLATE_PATH_SEPARATORS} '.' and '/'`, offset };
  }
  return undefined;
}

// The body of a mustache starting at `from`; strings and [literals] are skipped as wholes (a [literal] is
// part of a path). Undefined when the lexer could not get past the body.
function mustacheEnd(t: string, from: number, closers: Closers): MustacheBody | undefined {
  let depth = 0;
  let deepest = 0;
  let subexpressions = 0;
  let path = 0;
  let longestPath = 0;
  for (let i = from; i < t.length; i++) {
    const c = t[i];
    if (c === '"' || c === "'" || c === '[') {
      const close = closers.end(i, c === '[' ? ']' : c);
      if (close < 0) return undefined;
      i = close;
    } else if (c === '.' || c === '/') {
      longestPath = Math.max(longestPath, ++path);
    } else if (c === '(') {
      subexpressions++;
      deepest = Math.max(deepest, ++depth);
      path = 0;
    } else if (c === ')') {
      depth--;
      path = 0;
    } else if (c === '}' && t[i + 1] === '}') {
      return { end: i, parens: deepest, subexpressions, pathSeparators: longestPath };
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '=' || c === '|') {
      path = 0;
    }
  }
  return undefined;
}

// Where scanning resumes after a comment whose `!` is at `bang`: `{{!-- … --}}` (or `--~}}`) or `{{! … }}`.
function commentEnd(t: string, bang: number): number | undefined {
  if (!t.startsWith('!--', bang)) {
    const close = t.indexOf('}}', bang + 1);
    return close < 0 ? undefined : close + 2;
  }
  const plain = t.indexOf('--}}', bang + 3);
  const stripped = t.indexOf('--~}}', bang + 3);
  if (plain < 0 && stripped < 0) return undefined;
  return plain >= 0 && (stripped < 0 || plain < stripped) ? plain + 4 : stripped + 5;
}

const RAW_CLOSE = /\{\{\{\{\/[^\s!"#%-,./;->@[-^`{-~]+(?=[=}\s/.])\}\}\}\}/y;

// Where scanning resumes after a raw block's text (from `from`): its content is never parsed, and nested
// `{{{{x}}}}` … `{{{{/x}}}}` pairs are text too. Undefined when the block is never closed.
function rawBlockEnd(t: string, from: number): number | undefined {
  let open = 1;
  for (let i = t.indexOf('{{{{', from); i >= 0; i = t.indexOf('{{{{', i)) {
    if (t[i + 4] !== '/') {
      open++;
      i += 4;
      continue;
    }
    RAW_CLOSE.lastIndex = i;
    const close = RAW_CLOSE.exec(t);
    if (!close) {
      i += 1;
      continue;
    }
    i += close[0].length;
    if (--open === 0) return i;
  }
  return undefined;
}

/**
 * Where Handlebars' lexer ends a string (`"…"`, `'…'`) or [literal] opened at some index: at the first closer
 * not preceded by a backslash; with none, its regex backtracks to the last escaped one. The next plain
 * closer is remembered, so scanning every string of a template stays linear.
 */
class Closers {
  // Per closer: the first plain one after `from` (-1: none), valid for any opening from `from` up to it.
  private readonly next = new Map<string, { from: number; found: number }>();

  constructor(private readonly text: string) {}

  /** The index of the character closing what opens at `open`, or -1 when nothing closes it. */
  end(open: number, closer: string): number {
    let known = this.next.get(closer);
    if (!known || open < known.from || (known.found >= 0 && known.found <= open)) {
      known = { from: open, found: -1 };
      for (let p = this.text.indexOf(closer, open + 1); p >= 0; p = this.text.indexOf(closer, p + 1)) {
        if (this.text[p - 1] !== '\\') {
          known.found = p;
          break;
        }
      }
      this.next.set(closer, known);
    }
    if (known.found >= 0) return known.found;
    const last = this.text.lastIndexOf(closer);
    return last > open ? last : -1;
  }
}
