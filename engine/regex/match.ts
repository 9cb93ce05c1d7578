// What the two engines behind PythonRegex share: a match's shape, and the operations each engine provides.
import type { ErrorKind } from '../errors.ts';

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

/** One compiled pattern on one engine: RE2 (linear time, a work budget) or backtracking (a time budget). */
export interface MatchEngine {
  /** Number of capturing groups. */
  readonly groupCount: number;
  /** Each named group's number. */
  readonly names: ReadonlyArray<[string, number]>;
  /** Whether this is the backtracking engine. */
  readonly backtracking: boolean;
  /** Refuses, before running, an operation over `length` characters that would cost too much (RE2 only). */
  checkWork(length: number, everyMatch: boolean): void;
  /** Whether the pattern matches anywhere in the text (re.search(...) is not None). */
  test(text: string): boolean;
  /** Whether the pattern matches anywhere in each text (re.search(...) is not None). */
  testEach(texts: readonly string[]): boolean[];
  /** re.search from `from`. */
  search(text: string, from: number): RegexMatch | null;
  /** re.match. */
  match(text: string): RegexMatch | null;
  /** re.fullmatch(...) is not None. */
  fullMatch(text: string): boolean;
  /** re.finditer, Python 3.7+'s rule for empty matches. */
  findAll(text: string): RegexMatch[];
}

/** The kind of error an engine raises, and how a pattern is shown in messages. */
export interface EngineContext {
  kind: ErrorKind;
  shown: string;
}
