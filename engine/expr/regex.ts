// Regular expressions for match/search/regex_search: Python spellings translated to JS, with size limits.
import { problem } from './error.ts';

/** Longest subject string a regex is run against (1 MiB of UTF-16 code units). */
export const MAX_REGEX_INPUT = 1024 * 1024;
/** Longest pattern accepted. */
export const MAX_REGEX_PATTERN = 4096;

/** How to compile a pattern. */
export interface RegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
  /** Anchor at the start of the subject, like Python's re.match. */
  anchored?: boolean;
}

/** Compiles a Python-style pattern to a JS RegExp; bad or oversized patterns are a ValueProblem. */
export function compileRegex(pattern: unknown, options: RegexOptions): RegExp {
  if (typeof pattern !== 'string') return problem(`a regular expression must be a string, not ${typeof pattern}`);
  if (pattern.length > MAX_REGEX_PATTERN) return problem(`regular expression is longer than ${MAX_REGEX_PATTERN} characters`);
  let source = pattern;
  let flags = options.anchored ? 'y' : '';
  if (options.ignorecase) flags += 'i';
  if (options.multiline) flags += 'm';
  // Python's leading inline flags, e.g. (?i) or (?ms).
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (inline) {
    for (const flag of inline[1] ?? '') {
      if (!'ims'.includes(flag)) return problem(`unsupported inline regex flag '${flag}'`);
      if (!flags.includes(flag)) flags += flag;
    }
    source = source.slice(inline[0].length);
  }
  // Python names groups (?P<name>...) and refers back with (?P=name); JS uses (?<name>...) and \k<name>.
  source = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    return problem(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

/** Runs `regex` once against `subject`, refusing subjects over MAX_REGEX_INPUT. */
export function execRegex(regex: RegExp, subject: string): RegExpExecArray | null {
  if (subject.length > MAX_REGEX_INPUT) {
    problem(`regular expression input is ${subject.length} characters; the limit is ${MAX_REGEX_INPUT}`);
  }
  regex.lastIndex = 0;
  return regex.exec(subject);
}
