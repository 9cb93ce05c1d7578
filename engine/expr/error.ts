// Errors of the expression language: syntax errors and evaluation errors, both located by a character offset.
import { FleetError, excerptAt } from '../errors.ts';

/** A syntax or evaluation error in an expression; `offset` is a 0-based index into the expression source. */
export class ExpressionError extends FleetError {
  readonly offset: number;

  constructor(message: string, offset: number, options: { excerpt?: string } = {}) {
    super('expression', message, options);
    this.name = 'ExpressionError';
    this.offset = offset;
  }
}

/** Builds a syntax error: "<what> at column N" (or "line L, column C" for multi-line sources), with an excerpt. */
export function syntaxError(source: string, offset: number, what: string): ExpressionError {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  const where = source.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
  return new ExpressionError(`${what} at ${where}`, offset, { excerpt: excerptAt(source, line, column, 0) });
}

/**
 * A problem with a value met while evaluating (wrong type, bad regex...). Helpers throw it without knowing
 * where they are; the evaluator turns it into an ExpressionError at the node being evaluated.
 */
export class ValueProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueProblem';
  }
}

/** Throws a ValueProblem; a one-liner for helpers. */
export function problem(message: string): never {
  throw new ValueProblem(message);
}
