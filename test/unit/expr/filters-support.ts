// Helpers for the filter tests: every filter is exercised through the public parse + evaluate path.
import { expect } from 'vitest';
import { ExpressionError, evaluate, parseExpression } from '../../../engine/expr/index.ts';
import type { Vars } from '../../../engine/types.ts';

/** Parses and evaluates `source` against `vars`. */
export function run(source: string, vars: Vars = {}): unknown {
  return evaluate(parseExpression(source), vars);
}

/** The message of the ExpressionError that evaluating `source` throws (parse or evaluation). */
export function errorOf(source: string, vars: Vars = {}): string {
  try {
    run(source, vars);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return (err as ExpressionError).message;
  }
  throw new Error(`expected ${source} to fail, but it evaluated`);
}
