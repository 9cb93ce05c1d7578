// The one compiler for user-supplied regular expressions: Python `re` syntax, run on RE2 (re2js), whose
// matching time is linear in the text, so no pattern and no host's content can freeze the controller.
// Patterns RE2 cannot run only for their backreferences or lookaround fall back to JavaScript's backtracking
// RegExp, run in a worker thread with a time budget (jsEngine.ts, backtrack.ts).
import { RE2JS } from 're2js';
import type { ErrorKind } from '../errors.ts';
import { RegexError } from './error.ts';
import { JsEngine } from './jsEngine.ts';
import type { MatchEngine, RegexMatch } from './match.ts';
import { MAX_REGEX_WORK, Re2Engine } from './re2Engine.ts';
import { expandTemplate, expandedLength, type TemplatePart } from './replacement.ts';
import { PatternRefusal, translatePattern, type PatternFlags } from './translate.ts';

export { RegexError, MAX_REGEX_WORK, type RegexMatch };

/** Longest pattern accepted, in characters. */
export const MAX_PATTERN_LENGTH = 4096;

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
  const refused = (err: unknown): never => {
    if (!(err instanceof PatternRefusal)) throw err;
    throw new RegexError(kind, `regular expression ${shown(pattern)}: ${err.message}`, err.feature);
  };
  let engine: MatchEngine;
  try {
    engine = re2Engine(pattern, options, kind);
  } catch (err) {
    if (!(err instanceof PatternRefusal && err.backtracking)) throw refused(err);
    try {
      engine = jsEngine(pattern, options, kind);
    } catch (inner) {
      throw refused(inner);
    }
  }
  const compiled = new PythonRegex(pattern, engine, kind);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function re2Engine(pattern: string, options: RegexOptions, kind: ErrorKind): MatchEngine {
  const { source, flags } = translatePattern(pattern);
  const bits =
    (options.ignorecase || flags.ignorecase ? RE2JS.CASE_INSENSITIVE : 0) |
    (options.multiline || flags.multiline ? RE2JS.MULTILINE : 0) |
    (options.dotall || flags.dotall ? RE2JS.DOTALL : 0);
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, bits);
  } catch (err) {
    // re2js quotes the whole pattern in its message; keep only the reason.
    const reason = err instanceof Error ? ((err as Error & { error?: unknown }).error ?? err.message) : String(err);
    throw new RegexError(kind, `invalid regular expression ${shown(pattern)}: ${String(reason)}`);
  }
  return new Re2Engine(re, { kind, shown: shown(pattern) });
}

function jsEngine(pattern: string, options: RegexOptions, kind: ErrorKind): MatchEngine {
  const initial: Partial<PatternFlags> = { multiline: options.multiline === true, dotall: options.dotall === true };
  const t = translatePattern(pattern, 'js', initial);
  const flags = options.ignorecase || t.flags.ignorecase ? 'i' : '';
  try {
    // Compiling only parses the pattern (no text is matched): safe on the controller's thread.
    new RegExp(t.source, `u${flags}`);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
    throw new RegexError(kind, `invalid regular expression ${shown(pattern)}: ${reason}`);
  }
  return new JsEngine(t.source, flags, t.groupCount, t.names, { kind, shown: shown(pattern) });
}

/** A compiled pattern with Python's search, match, findall and sub semantics. */
export class PythonRegex {
  /** Number of capturing groups. */
  readonly groupCount: number;
  /** Names of the named groups. */
  readonly groupNames: readonly string[];
  /** Whether the pattern runs on the backtracking engine (it has backreferences or lookaround). */
  readonly backtracking: boolean;

  constructor(
    readonly pattern: string,
    private readonly engine: MatchEngine,
    private readonly kind: ErrorKind,
  ) {
    this.groupCount = engine.groupCount;
    this.groupNames = engine.names.map(([name]) => name);
    this.backtracking = engine.backtracking;
  }

  /** The number of the group called `name`, or undefined. */
  groupIndex(name: string): number | undefined {
    return this.engine.names.find(([n]) => n === name)?.[1];
  }

  /**
   * Refuses an operation over `length` characters of text that would exceed MAX_REGEX_WORK (RE2; the
   * backtracking engine has a time budget instead). `everyMatch` is for findall and sub, which read every group
   * of every match: re2js re-runs each match to fill its groups.
   */
  checkWork(length: number, everyMatch = false): void {
    this.engine.checkWork(length, everyMatch);
  }

  /** Whether the pattern matches anywhere in `text` (re.search(...) is not None). */
  test(text: string): boolean {
    this.engine.checkWork(text.length, false);
    return this.engine.test(text);
  }

  /** test() for each text, in one operation (one budget for all of them). */
  testEach(texts: readonly string[]): boolean[] {
    this.engine.checkWork(
      texts.reduce((sum, t) => sum + t.length, 0),
      false,
    );
    return this.engine.testEach(texts);
  }

  /** re.search: the first match at or after `from`. */
  search(text: string, from = 0): RegexMatch | null {
    this.engine.checkWork(text.length - from, false);
    return this.engine.search(text, from);
  }

  /** re.match: a match that starts at the beginning of `text`. */
  match(text: string): RegexMatch | null {
    this.engine.checkWork(text.length, false);
    return this.engine.match(text);
  }

  /** re.fullmatch: whether the whole of `text` matches. */
  fullMatch(text: string): boolean {
    this.engine.checkWork(text.length, false);
    return this.engine.fullMatch(text);
  }

  /**
   * re.finditer: successive non-overlapping matches. As in Python 3.7+, an empty match may follow a non-empty
   * one at the same position, but not another empty match there: the search then moves on one character.
   */
  findAll(text: string): RegexMatch[] {
    this.engine.checkWork(text.length, true);
    return this.engine.findAll(text);
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
}
