// Errors that carry the place in a source file that caused them.
import { maskSecretAssignments } from './secrets.ts';
import type { SourceLocation } from './types.ts';

/** What kind of input was wrong; decides the exit code and the heading of the message. */
export type ErrorKind = 'playbook' | 'inventory' | 'arguments' | 'variables' | 'template' | 'expression';

/** An error in user input (playbook, inventory, CLI arguments, variables), with its location when known. */
export class FleetError extends Error {
  readonly kind: ErrorKind;
  readonly location?: SourceLocation;
  /** A few lines of the source around the location, with a caret under the column. */
  readonly excerpt?: string;

  constructor(kind: ErrorKind, message: string, options: { location?: SourceLocation; excerpt?: string } = {}) {
    super(message);
    this.name = 'FleetError';
    this.kind = kind;
    this.location = options.location;
    this.excerpt = options.excerpt;
  }

  /**
   * `file:line:col: message` followed by the excerpt, ready to print. Values assigned to secret names
   * are masked: a file that failed to load has not had its secrets recorded yet.
   */
  format(): string {
    const where = this.location ? `${this.location.file}:${this.location.line}:${this.location.column}: ` : '';
    return maskSecretAssignments(this.excerpt ? `${where}${this.message}\n${this.excerpt}` : `${where}${this.message}`);
  }
}

/** A transport failure: the host could not be reached or the connection dropped. */
export class UnreachableError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** Builds an excerpt of `source` around a 1-based line/column, with a caret marker. */
export function excerptAt(source: string, line: number, column: number, context = 1): string {
  const lines = source.split('\n');
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) out.push(`${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
