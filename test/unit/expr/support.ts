// Shared helpers for the expression language's unit tests.
import { expect } from 'vitest';
import { type EvalContext, ExpressionError, evaluate, parseExpression } from '../../../engine/expr/index.ts';
import type { Vars } from '../../../engine/types.ts';

/** Parses and evaluates `source` against `vars`. */
export function ev(source: string, vars: Vars = {}, context: EvalContext = {}): unknown {
  return evaluate(parseExpression(source), vars, context);
}

/** Runs `fn`, which must throw an ExpressionError, and returns that error. */
export function failure(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return err as ExpressionError;
  }
  throw new Error('expected an ExpressionError, but nothing was thrown');
}
