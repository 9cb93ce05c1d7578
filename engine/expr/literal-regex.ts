// Checks regex patterns and replacement templates written as literals when the expression is parsed, so that
// `validate` and playbook loading report a refused or invalid pattern with its file:line, before any host runs.
import type { CallArgs, Expr } from './ast.ts';
import { checkTemplate, compilePythonRegex, parseTemplate, RegexError, type PythonRegex } from '../regex/index.ts';

// The parameter holding the pattern, by filter or test name (filters and tests share no regex name).
const PATTERN_PARAM: ReadonlyMap<string, string> = new Map([
  ['regex_search', 'regex'],
  ['regex_findall', 'regex'],
  ['regex_replace', 'pattern'],
  ['match', 'pattern'],
  ['search', 'pattern'],
  ['regex', 'pattern'],
]);

/** The first problem with a literal pattern or replacement of a regex filter or test: where and what. */
export function literalRegexProblem(name: string, args: CallArgs): { at: number; message: string } | undefined {
  const param = PATTERN_PARAM.get(name);
  if (!param) return undefined;
  const pattern = literalString(args.positional[0] ?? args.named.find((a) => a.name === param)?.value);
  const replacement =
    name === 'regex_replace' ? literalString(args.positional[1] ?? args.named.find((a) => a.name === 'replacement')?.value) : undefined;
  let regex: PythonRegex | undefined;
  try {
    regex = pattern ? compilePythonRegex(pattern.value) : undefined;
  } catch (err) {
    return located(err, pattern?.at ?? 0);
  }
  try {
    const template = replacement ? parseTemplate(replacement.value) : undefined;
    if (template && regex) checkTemplate(template, regex);
  } catch (err) {
    return located(err, replacement?.at ?? 0);
  }
  return undefined;
}

function located(err: unknown, at: number): { at: number; message: string } {
  if (err instanceof RegexError) return { at, message: err.message };
  throw err;
}

function literalString(expr: Expr | undefined): { value: string; at: number } | undefined {
  return expr?.kind === 'literal' && typeof expr.value === 'string' ? { value: expr.value, at: expr.at } : undefined;
}
