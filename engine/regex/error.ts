// The error of the regex compiler: a FleetError of the caller's kind, naming a refused feature when there is one.
import { FleetError, type ErrorKind } from '../errors.ts';

/** A bad or refused pattern, a bad replacement, or an operation over its work budget. */
export class RegexError extends FleetError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly feature?: string,
  ) {
    super(kind, message);
    this.name = 'RegexError';
  }
}
