// Conditions as written in `when`, `changed_when`, `failed_when`, `until` and `assert.that`.
import { ExpressionError } from './error.ts';
import { render, startOf, type Expr } from './ast.ts';
import { evaluate } from './evaluate.ts';
import { parseExpression } from './parser.ts';
import { truthy } from './values.ts';
import type { Vars } from '../types.ts';
import type { EvalContext } from './functions.ts';
import { withLookups } from '../lookups/ambient.ts';

/** What a condition may be in a playbook: one expression, a literal, or a list of them that must all hold. */
export type Condition = string | boolean | number | Array<string | boolean | number>;

/**
 * Evaluates a condition to a boolean. A list is the AND of its items (an empty list holds); an empty string
 * holds, as in Ansible; a string wholly wrapped in `{{ ... }}` has the wrapper removed. `context` brings
 * the lookup plugins of lookup() / query().
 */
export function evaluateCondition(cond: Condition, vars: Vars, context?: EvalContext): boolean {
  if (Array.isArray(cond)) return cond.every((item) => evaluateCondition(item, vars, context));
  if (typeof cond === 'boolean') return cond;
  if (typeof cond === 'number') return cond !== 0;
  if (typeof cond !== 'string') {
    throw new ExpressionError(`a condition must be a string, boolean, number or list, not ${cond === null ? 'null' : typeof cond}`, 0);
  }
  const source = unwrapTemplate(cond);
  if (source.trim() === '') return true;
  const expr = parseCondition(source);
  // The lookups reach the lazy variables the condition reads (`x: "{{ lookup('env', 'A') }}"`).
  const lookups = context?.lookup ? { lookup: context.lookup } : undefined;
  const value = withLookups(lookups, () => evaluate(expr, vars, context));
  if (value === undefined) throw new ExpressionError(`'${render(expr)}' is undefined`, startOf(expr));
  return truthy(value);
}

/** Blanks out a `{{ ... }}` wrapping the whole string, keeping every other character at its offset. */
export function unwrapTemplate(source: string): string {
  const match = /^(\s*)\{\{([\s\S]*)\}\}\s*$/.exec(source);
  const inner = match?.[2];
  if (match === null || inner === undefined || inner.includes('{{') || inner.includes('}}')) return source;
  const lead = match[1] ?? '';
  return `${lead}  ${inner}  `;
}

function parseCondition(source: string): Expr {
  try {
    return parseExpression(source);
  } catch (err) {
    if (err instanceof ExpressionError && /\{\{|\{%/.test(source)) {
      const hint = `${err.message} (a condition is a bare expression: do not put {{ }} or {% %} inside it)`;
      throw new ExpressionError(hint, err.offset, { excerpt: err.excerpt });
    }
    throw err;
  }
}
