// Regular expressions for the regex filters and tests: the shared Python-on-RE2 compiler, with its errors
// turned into value problems (located by the evaluator) and a cap on the text scanned.
import { compilePythonRegex, RegexError, type PythonRegex } from '../regex/index.ts';
import { problem } from './error.ts';

/** Longest subject string a regex is run against (1 MiB of UTF-16 code units). */
export const MAX_REGEX_INPUT = 1024 * 1024;

/** How to compile a pattern. */
export interface RegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
}

/** Compiles a Python-style pattern; bad, refused or oversized patterns are a ValueProblem. */
export function compileRegex(pattern: unknown, options: RegexOptions): PythonRegex {
  if (typeof pattern !== 'string') return problem(`a regular expression must be a string, not ${typeof pattern}`);
  return regexProblems(() => compilePythonRegex(pattern, options));
}

/** The subject of a regex as text, refusing subjects over MAX_REGEX_INPUT. */
export function regexSubject(subject: string): string {
  if (subject.length > MAX_REGEX_INPUT) {
    problem(`regular expression input is ${subject.length} characters; the limit is ${MAX_REGEX_INPUT}`);
  }
  return subject;
}

/** Runs `fn`, turning a RegexError (bad pattern, too costly, bad replacement) into a ValueProblem. */
export function regexProblems<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RegexError) return problem(err.message);
    throw err;
  }
}
