// The one compiler for user-supplied regular expressions: Python `re` syntax, run on RE2 (re2js), whose
// matching time is linear in the text, so no pattern and no host's content can freeze the controller.
import { RE2JS } from 're2js';
import type { ErrorKind } from '../errors.ts';
import { RegexError } from './error.ts';
import { expandTemplate, expandedLength, type TemplatePart } from './replacement.ts';
import { PatternRefusal, translatePattern } from './translate.ts';

export { RegexError };

/** Longest pattern accepted, in characters. */
export const MAX_PATTERN_LENGTH = 4096;
/**
 * Most work one operation may cost: the compiled program's size times the length of the text (times a factor
 * for capture groups when every match is collected). RE2's slowest path (the NFA with captures) runs about
 * 30 million such steps a second in re2js, so this bounds any one search, findall or substitution near a second.
 */
export const MAX_REGEX_WORK = 25_000_000;

/** Most characters a substitution may add to its text. */
export const MAX_SUBSTITUTION_GROWTH = 16 * 1024 * 1024;

/** Flags a caller adds to the pattern's own (re.IGNORECASE, re.MULTILINE, re.DOTALL). */
export interface RegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
  /** The kind of FleetError a bad pattern raises ('expression' unless the caller is a module argument). */
  kind?: ErrorKind;
}

/** One match: offsets in UTF-16 code units, every group (undefined when it did not take part), named groups. */
export interface RegexMatch {
  start: number;
  end: number;
  /** Group 0 is the whole match. */
  groups: ReadonlyArray<string | undefined>;
  /** Named groups, in an object without a prototype. */
  named: Readonly<Record<string, string | undefined>>;
  /** Start and end of each group (group 0 too); undefined when it did not take part. */
  spans: ReadonlyArray<readonly [number, number] | undefined>;
}

const cache = new Map<string, PythonRegex>();
const CACHE_SIZE = 256;

const shown = (pattern: string): string => JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern);

/** Compiles a Python `re` pattern; throws RegexError naming any refused feature. Results are cached. */
export function compilePythonRegex(pattern: string, options: RegexOptions = {}): PythonRegex {
  const kind = options.kind ?? 'expression';
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new RegexError(kind, `regular expression is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  const key = `${options.ignorecase ? 'i' : ''}${options.multiline ? 'm' : ''}${options.dotall ? 's' : ''}:${kind}:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let translated: ReturnType<typeof translatePattern>;
  try {
    translated = translatePattern(pattern);
  } catch (err) {
    if (!(err instanceof PatternRefusal)) throw err;
    throw new RegexError(kind, `regular expression ${shown(pattern)}: ${err.message}`, err.feature);
  }
  const { flags } = translated;
  const bits =
    (options.ignorecase || flags.ignorecase ? RE2JS.CASE_INSENSITIVE : 0) |
    (options.multiline || flags.multiline ? RE2JS.MULTILINE : 0) |
    (options.dotall || flags.dotall ? RE2JS.DOTALL : 0);
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated.source, bits);
  } catch (err) {
    // re2js quotes the whole pattern in its message; keep only the reason.
    const reason = err instanceof Error ? ((err as Error & { error?: unknown }).error ?? err.message) : String(err);
    throw new RegexError(kind, `invalid regular expression ${shown(pattern)}: ${String(reason)}`);
  }
  const compiled = new PythonRegex(pattern, re, kind);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** A compiled pattern with Python's search, match, findall and sub semantics. */
export class PythonRegex {
  /** Number of capturing groups. */
  readonly groupCount: number;
  /** Names of the named groups. */
  readonly groupNames: readonly string[];
  private readonly names: ReadonlyArray<[string, number]>;
  private readonly size: number;

  constructor(
    readonly pattern: string,
    private readonly re: RE2JS,
    private readonly kind: ErrorKind,
  ) {
    this.groupCount = re.groupCount();
    this.names = Object.entries(re.namedGroups());
    this.groupNames = this.names.map(([name]) => name);
    this.size = re.matcher('').programSize();
  }

  /** The number of the group called `name`, or undefined. */
  groupIndex(name: string): number | undefined {
    return this.names.find(([n]) => n === name)?.[1];
  }

  /**
   * Refuses an operation over `length` characters of text that would exceed MAX_REGEX_WORK. `everyMatch` is
   * for findall and sub, which read every group of every match: re2js re-runs each match to fill its groups.
   */
  checkWork(length: number, everyMatch = false): void {
    const work = this.size * (length + 1) * (everyMatch ? 1 + this.groupCount / 8 : 1);
    if (work > MAX_REGEX_WORK) {
      throw new RegexError(
        this.kind,
        `regular expression ${shown(this.pattern)} is too costly for ${length} characters of text ` +
          `(compiled size ${this.size} × text length exceeds ${MAX_REGEX_WORK}); simplify it or its counted repetitions`,
      );
    }
  }

  /** Whether the pattern matches anywhere in `text` (re.search(...) is not None). */
  test(text: string): boolean {
    this.checkWork(text.length);
    return this.re.test(text);
  }

  /** re.search: the first match at or after `from`. */
  search(text: string, from = 0): RegexMatch | null {
    this.checkWork(text.length - from);
    const m = this.re.matcher(text);
    return m.find(from) ? this.toMatch(m) : null;
  }

  /** re.match: a match that starts at the beginning of `text`. */
  match(text: string): RegexMatch | null {
    this.checkWork(text.length);
    const m = this.re.matcher(text);
    return m.lookingAt() ? this.toMatch(m) : null;
  }

  /** re.fullmatch: whether the whole of `text` matches. */
  fullMatch(text: string): boolean {
    this.checkWork(text.length);
    return this.re.testExact(text);
  }

  /**
   * re.finditer: successive non-overlapping matches. As in Python 3.7+, an empty match may follow a non-empty
   * one at the same position, but not another empty match there: the search then moves on one character.
   */
  findAll(text: string): RegexMatch[] {
    this.checkWork(text.length, true);
    const m = this.re.matcher(text);
    const found: RegexMatch[] = [];
    let pos = 0;
    let afterEmpty = false;
    while (pos <= text.length && m.find(pos)) {
      if (afterEmpty && m.end() === pos) {
        if (pos >= text.length) break;
        pos += codePointWidth(text, pos);
        afterEmpty = false;
        continue;
      }
      const match = this.toMatch(m);
      found.push(match);
      afterEmpty = match.start === match.end;
      pos = match.end;
    }
    return found;
  }

  /** re.sub: replaces the first `count` matches (all when 0) with a parsed replacement template. */
  sub(text: string, template: readonly TemplatePart[], count = 0): { text: string; count: number } {
    const matches = this.findAll(text);
    const used = count > 0 ? matches.slice(0, count) : matches;
    // Each replacement may repeat the match (`\g<0>\g<0>`): bound the growth before building anything.
    let size = text.length;
    for (const m of used) {
      size += expandedLength(template, m.groups, m.named) - (m.end - m.start);
      if (size > text.length + MAX_SUBSTITUTION_GROWTH) {
        throw new RegexError(this.kind, `substitution would grow the text by more than ${MAX_SUBSTITUTION_GROWTH} characters`);
      }
    }
    let out = '';
    let last = 0;
    for (const m of used) {
      out += text.slice(last, m.start) + expandTemplate(template, m.groups, m.named, this.kind);
      last = m.end;
    }
    return { text: out + text.slice(last), count: used.length };
  }

  private toMatch(m: ReturnType<RE2JS['matcher']>): RegexMatch {
    const groups: Array<string | undefined> = [];
    const spans: Array<readonly [number, number] | undefined> = [];
    for (let i = 0; i <= this.groupCount; i++) {
      const start = m.start(i);
      groups.push(start < 0 ? undefined : (m.group(i) ?? undefined));
      spans.push(start < 0 ? undefined : [start, m.end(i)]);
    }
    const named: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
    for (const [name, index] of this.names) named[name] = groups[index];
    return { start: m.start(), end: m.end(), groups, named, spans };
  }
}

function codePointWidth(text: string, pos: number): number {
  const code = text.codePointAt(pos) ?? 0;
  return code > 0xffff ? 2 : 1;
}
