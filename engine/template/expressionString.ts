// `{{ … }}` in playbook strings (task arguments, vars, names, loops, vars_files), as Ansible reads them:
// Jinja expressions, evaluated by engine/expr (the same engine as `when`; no eval, no prototype access).
// A string with Jinja statements or comments renders as one whole template (statementString.ts).
// A string that is exactly one `{{ … }}` keeps the value's type (a list stays a list); any other string
// renders to text, values shown as Jinja shows them (True, None, ['a', 'b']).
import { ExpressionError, evaluate, parseExpression, type EvalContext, type Expr } from '../expr/index.ts';
import { currentLookups, withLookups } from '../lookups/ambient.ts';
import { ValueProblem } from '../expr/error.ts';
import { toText } from '../expr/values.ts';
import { FleetError } from '../errors.ts';
import { renderStatementString, statementStringProblem } from './statementString.ts';
import type { SourceLocation, Vars } from '../types.ts';

/** A piece of a templated string: literal text, or an expression with its offset in the string. */
export type Segment = { kind: 'text'; text: string } | { kind: 'expr'; source: string; offset: number };

/** A string split into text and `{{ … }}` expressions, or the problem that stops it (with its offset). */
export type SplitResult = { ok: true; segments: Segment[] } | { ok: false; message: string; offset: number; statement?: true };

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/** Most `{{ … }}` in one string (as many as a Handlebars string could hold before). */
export const MAX_EXPRESSIONS = 5000;

/**
 * Splits `text` at its `{{ … }}` expressions. As Jinja's lexer does, an expression ends at the first `}}`
 * outside string literals and outside balanced brackets, so `{{ {'a': 1} }}` is one expression.
 */
export function splitTemplate(text: string): SplitResult {
  const segments: Segment[] = [];
  let at = 0;
  // The next `{%` or `{#`, found again only once the scan has passed it (inside an expression's string
  // literal it is text): the whole split stays linear in the length of the string.
  const marks = { '{%': -1, '{#': -1 };
  let expressions = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    const statement = nextStatement(text, at, marks);
    if (statement < text.length && (open < 0 || statement < open)) {
      return {
        ok: false,
        message: 'a Jinja statement or comment ({% … %}, {# … #}): the string renders as a whole template (statementString.ts)',
        offset: statement,
        statement: true,
      };
    }
    if (open < 0) {
      segments.push({ kind: 'text', text: text.slice(at) });
      break;
    }
    if (open > at) segments.push({ kind: 'text', text: text.slice(at, open) });
    const close = expressionEnd(text, open + 2);
    if (close < 0) return { ok: false, message: "'{{' is not closed by '}}'", offset: open };
    segments.push({ kind: 'expr', source: text.slice(open + 2, close), offset: open + 2 });
    if (++expressions > MAX_EXPRESSIONS) {
      return { ok: false, message: `more than ${MAX_EXPRESSIONS} {{ }} expressions in one string`, offset: open };
    }
    at = close + 2;
  }
  return { ok: true, segments };
}

/**
 * The offset of the next `{%` or `{#` at or after `from`, else the text's length. Each mark's last position
 * is kept in `marks` and searched again only once the scan has passed it.
 */
function nextStatement(text: string, from: number, marks: { '{%': number; '{#': number }): number {
  for (const mark of ['{%', '{#'] as const) {
    if (marks[mark] < from) {
      const found = text.indexOf(mark, from);
      marks[mark] = found < 0 ? text.length : found;
    }
  }
  return Math.min(marks['{%'], marks['{#']);
}

/** Where the `}}` closing an expression that starts at `from` is, or -1. */
function expressionEnd(text: string, from: number): number {
  const stack: string[] = [];
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      i = stringEnd(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (stack.length === 0 && ch === '}' && text[i + 1] === '}') return i;
    if (OPENERS[ch]) stack.push(OPENERS[ch]!);
    else if (ch === stack[stack.length - 1]) stack.pop();
  }
  return -1;
}

function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

const parsed = new Map<string, Expr>();
// Parsed expressions are kept by source; a bound keeps a run over many distinct strings from growing memory.
const MAX_PARSED = 8192;

function parseCached(source: string): Expr {
  let expr = parsed.get(source);
  if (!expr) {
    expr = parseExpression(source.trim());
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(source, expr);
  }
  return expr;
}

/** The syntax problem of a templated string (offset in the string), or undefined when it parses. */
export function expressionStringProblem(text: string): { message: string; offset: number } | undefined {
  const split = splitTemplate(text);
  if (!split.ok) return split.statement ? statementStringProblem(text) : split;
  for (const s of split.segments) {
    if (s.kind !== 'expr') continue;
    try {
      parseCached(s.source);
    } catch (err) {
      if (err instanceof ExpressionError) return { message: err.message, offset: s.offset + leading(s.source) + (err.offset ?? 0) };
      throw err;
    }
  }
  return undefined;
}

function leading(source: string): number {
  return source.length - source.trimStart().length;
}

/**
 * Renders a templated string against `vars` (a scope: lazy, prototype-free). A string that is one
 * expression returns its value as it is; otherwise the text with each value converted as Jinja does.
 * `context` brings the lookup plugins (engine/lookups lookupContext); without it, those of the rendering
 * under way, if any.
 */
export function renderExpressionString(text: string, vars: Vars, where: SourceLocation, context?: EvalContext): unknown {
  // The lookups of the rendering under way reach the lazy variables this one renders.
  const lookups = context ?? currentLookups();
  return withLookups(lookups, () => renderSegments(text, vars, where, lookups ?? {}));
}

function renderSegments(text: string, vars: Vars, where: SourceLocation, context: EvalContext): unknown {
  const split = splitTemplate(text);
  if (!split.ok && split.statement) return renderStatementString(text, vars, where, context);
  if (!split.ok) throw located(split.message, text, split.offset, where);
  const { segments } = split;
  const only = segments.length === 1 ? segments[0] : undefined;
  if (only?.kind === 'expr') return value(only, text, vars, where, context);
  let out = '';
  for (const s of segments) {
    if (s.kind === 'text') out += s.text;
    else {
      const v = value(s, text, vars, where, context);
      out += v === undefined ? '' : textOf(v, s, text, where);
    }
  }
  return out;
}

/** A value as text inside a string (as Jinja prints it); a value too large to print is the template's error. */
function textOf(v: unknown, s: Extract<Segment, { kind: 'expr' }>, text: string, where: SourceLocation): string {
  try {
    return toText(v);
  } catch (err) {
    if (err instanceof ValueProblem) throw located(err.message, text, s.offset, where);
    throw err;
  }
}

function value(s: Extract<Segment, { kind: 'expr' }>, text: string, vars: Vars, where: SourceLocation, context: EvalContext): unknown {
  try {
    return evaluate(parseCached(s.source), vars, context);
  } catch (err) {
    if (err instanceof ExpressionError) throw located(err.message, text, s.offset + leading(s.source) + (err.offset ?? 0), where);
    throw err;
  }
}

/** An error at `offset` of the string: the message names the expression, and where in a multi-line string it is. */
function located(message: string, text: string, offset: number, where: SourceLocation): FleetError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const at = text.includes('\n') ? ` (template line ${line}, column ${offset - before.lastIndexOf('\n')})` : '';
  return new FleetError('template', `${message} in '${shorten(text)}'${at}`, { location: where });
}

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 117)}…` : one;
}
