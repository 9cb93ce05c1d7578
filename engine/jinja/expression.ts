// Compiles the expression of a tag with engine/expr. The calls the expression language does not have (a
// template's macros, `loop.cycle(…)`, `loop.changed(…)`, `namespace(…)`) are cut out first: each becomes a
// placeholder variable whose value the renderer computes before evaluating, and every offset stays mapped
// back to the template so that errors point at the right column.
import { ExpressionError, parseExpression, type Expr } from '../expr/index.ts';
import { JinjaError } from './errors.ts';
import type { TagToken } from './tagScanner.ts';

/** A call cut out of an expression: the renderer binds `placeholder` to its result. */
export interface TemplateCall {
  placeholder: string;
  /** A macro of the template, `loop.cycle` or `loop.changed`, or one of the global functions this engine adds. */
  kind: 'macro' | 'cycle' | 'changed' | 'namespace';
  name: string;
  positional: CompiledExpression[];
  named: Array<{ name: string; value: CompiledExpression }>;
  at: number;
}

/** An expression ready to evaluate: the tree of its rewritten source, and how to map offsets back. */
export interface CompiledExpression {
  expr: Expr;
  /** The template text it came from (for messages: "'x.y' is undefined"). */
  text: string;
  calls: TemplateCall[];
  /** Where each copied run of the rewritten source came from; offsets outside them map to `at`. */
  runs: Array<{ from: number; to: number; origin: number }>;
  at: number;
}

/** Global functions of Jinja2 that engine/expr does not have (it has range, dict, lookup). */
const GLOBALS: ReadonlySet<string> = new Set(['namespace']);
const AFTER_FILTER_OR_TEST: ReadonlySet<string> = new Set(['.', '|', 'is']);

/**
 * Compiles `tokens` (a tag's tokens from `text`, all of one expression) with `prefix` put before them
 * (for filter blocks: `_fp_block_value | `). `macros` are the template's callable names (`alias.` for
 * an imported template's macros). Throws JinjaError.
 */
export function compileExpression(
  text: string,
  tokens: readonly TagToken[],
  macros: ReadonlySet<string>,
  prefix = '',
  at?: number,
): CompiledExpression {
  const first = tokens[0];
  const last = tokens.at(-1);
  const start = at ?? first?.at ?? 0;
  if (!first || !last) throw new JinjaError('expected an expression', start);
  const end = last.at + last.text.length;
  const calls: TemplateCall[] = [];
  const runs: CompiledExpression['runs'] = [];
  let source = prefix;
  let copied = first.at;
  for (let i = 0; i < tokens.length; i++) {
    const call = callAt(tokens, i, macros);
    if (!call) continue;
    const close = matchingParen(tokens, call.open);
    const closeToken = tokens[close];
    if (!closeToken) throw new JinjaError("'(' is never closed", tokens[call.open]?.at ?? start);
    runs.push({ from: source.length, to: source.length + (tokens[i]!.at - copied), origin: copied });
    source += text.slice(copied, tokens[i]!.at);
    const placeholder = `_fp_call_${calls.length}`;
    calls.push({
      placeholder,
      kind: call.kind,
      name: call.name,
      ...callArgs(text, tokens.slice(call.open + 1, close), macros),
      at: tokens[i]!.at,
    });
    source += placeholder;
    copied = closeToken.at + 1;
    i = close;
  }
  runs.push({ from: source.length, to: source.length + (end - copied), origin: copied });
  source += text.slice(copied, end);
  const compiled = { text: text.slice(first.at, end), calls, runs, at: start };
  try {
    return { ...compiled, expr: parseExpression(source) };
  } catch (err) {
    if (err instanceof ExpressionError) throw new JinjaError(withoutColumn(err.message), templateOffset(compiled, err.offset));
    throw err;
  }
}

/** The template offset of `offset` in a compiled expression's rewritten source. */
export function templateOffset(compiled: Pick<CompiledExpression, 'runs' | 'at'>, offset: number): number {
  const run = compiled.runs.find((r) => offset >= r.from && offset <= r.to);
  return run ? run.origin + (offset - run.from) : compiled.at;
}

/** An expression error's message without its "at column N" (the template location replaces it). */
export function withoutColumn(message: string): string {
  return message.replace(/ at (?:line \d+, )?column \d+$/, '');
}

// A call starting at token i: `macro(`, `namespace(` not after `.`, `|` or `is`, or `loop.cycle(`, `loop.changed(`.
function callAt(
  tokens: readonly TagToken[],
  i: number,
  macros: ReadonlySet<string>,
): { kind: TemplateCall['kind']; name: string; open: number } | undefined {
  const token = tokens[i];
  if (token?.kind !== 'name') return undefined;
  const previous = tokens[i - 1];
  if (previous && AFTER_FILTER_OR_TEST.has(previous.text)) return undefined;
  if (previous?.text === 'not' && tokens[i - 2]?.text === 'is') return undefined;
  const method = tokens[i + 2]?.text;
  if (token.text === 'loop' && tokens[i + 1]?.text === '.' && (method === 'cycle' || method === 'changed') && tokens[i + 3]?.text === '(') {
    return { kind: method, name: `loop.${method}`, open: i + 3 };
  }
  const member = tokens[i + 2];
  if (macros.has(`${token.text}.`) && tokens[i + 1]?.text === '.' && member?.kind === 'name' && tokens[i + 3]?.text === '(') {
    return { kind: 'macro', name: `${token.text}.${member.text}`, open: i + 3 };
  }
  if (tokens[i + 1]?.text !== '(') return undefined;
  if (macros.has(token.text)) return { kind: 'macro', name: token.text, open: i + 1 };
  if (GLOBALS.has(token.text)) return { kind: 'namespace', name: token.text, open: i + 1 };
  return undefined;
}

function matchingParen(tokens: readonly TagToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const text = tokens[i]?.text;
    if (tokens[i]?.kind !== 'op') continue;
    if (text === '(' || text === '[' || text === '{') depth++;
    else if (text === ')' || text === ']' || text === '}') depth--;
    if (depth === 0) return i;
  }
  return -1;
}

// The arguments of a call: comma-separated at depth 0, `name=value` ones named.
function callArgs(text: string, tokens: readonly TagToken[], macros: ReadonlySet<string>): Pick<TemplateCall, 'positional' | 'named'> {
  const positional: CompiledExpression[] = [];
  const named: TemplateCall['named'] = [];
  for (const arg of splitTopLevel(tokens, ',')) {
    if (arg.length === 0) continue;
    const [name, eq] = arg;
    if (name?.kind === 'name' && eq?.kind === 'op' && eq.text === '=') {
      if (named.some((n) => n.name === name.text)) throw new JinjaError(`argument '${name.text}' is given twice`, name.at);
      named.push({ name: name.text, value: compileExpression(text, arg.slice(2), macros, '', eq.at + 1) });
    } else {
      if (named.length > 0) throw new JinjaError('positional argument after a named argument', name?.at ?? 0);
      positional.push(compileExpression(text, arg, macros));
    }
  }
  return { positional, named };
}

/** Splits tokens at the operator `separator` where no bracket is open. */
export function splitTopLevel(tokens: readonly TagToken[], separator: string): TagToken[][] {
  const parts: TagToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'op') {
      if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
      else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
      else if (depth === 0 && token.text === separator) {
        parts.push([]);
        continue;
      }
    }
    parts.at(-1)?.push(token);
  }
  return parts;
}
