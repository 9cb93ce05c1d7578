// Public API of the regular-expression compiler shared by expressions, modules and host patterns.

/** Compiles Python `re` patterns onto RE2 (linear time), or the backtracking fallback; limits and the error type. */
export {
  compilePythonRegex,
  PythonRegex,
  RegexError,
  MAX_PATTERN_LENGTH,
  MAX_REGEX_WORK,
  MAX_SUBSTITUTION_GROWTH,
  type RegexMatch,
  type RegexOptions,
} from './compile.ts';
/** The backtracking fallback's time budget per operation, and its setter for tests. */
export { BACKTRACK_BUDGET_MS, setBacktrackBudget } from './backtrack.ts';
/** Python replacement templates for re.sub: parse, check against a pattern, expand. */
export { parseTemplate, checkTemplate, expandTemplate, expandedLength, type TemplatePart } from './replacement.ts';
