// The fallback for patterns RE2 cannot run (backreferences, lookaround): the Python pattern translated to a
// JavaScript RegExp, run by the backtracking engine in a worker thread with a time budget (backtrack.ts).
import { BacktrackFailure, runBacktracking, type BacktrackJob } from './backtrack.ts';
import { RegexError } from './error.ts';
import type { EngineContext, MatchEngine, RegexMatch } from './match.ts';

/** A match as the worker sends it: without its named groups. */
type RawMatch = Omit<RegexMatch, 'named'>;

/**
 * How many times one compiled pattern may be stopped at its budget: after that it is not run again in this
 * process, so a catastrophic pattern on many hosts (whose operations block the controller one after the
 * other) costs a few budgets in all, not one per host.
 */
export const MAX_STOPS = 3;

/** A pattern for JavaScript's backtracking RegExp (`u` mode; `i` when Python's IGNORECASE is on). */
export class JsEngine implements MatchEngine {
  readonly backtracking = true;
  private stops = 0;

  constructor(
    private readonly source: string,
    private readonly flags: '' | 'i',
    readonly groupCount: number,
    readonly names: ReadonlyArray<[string, number]>,
    private readonly context: EngineContext,
  ) {}

  // The time budget stands in for RE2's work budget.
  checkWork(): void {}

  test(text: string): boolean {
    return this.testEach([text])[0] === true;
  }

  testEach(texts: readonly string[]): boolean[] {
    return this.run(
      { op: 'testEach', texts },
      texts.reduce((sum, t) => sum + t.length, 0),
    ) as boolean[];
  }

  search(text: string, from: number): RegexMatch | null {
    return this.named(this.run({ op: 'search', text, from }, text.length) as RawMatch | null);
  }

  match(text: string): RegexMatch | null {
    return this.named(this.run({ op: 'match', text }, text.length) as RawMatch | null);
  }

  fullMatch(text: string): boolean {
    return this.run({ op: 'full', text }, text.length) as boolean;
  }

  findAll(text: string): RegexMatch[] {
    return (this.run({ op: 'findAll', text }, text.length) as RawMatch[]).map((m) => this.named(m));
  }

  private named(m: RawMatch): RegexMatch;
  private named(m: RawMatch | null): RegexMatch | null;
  private named(m: RawMatch | null): RegexMatch | null {
    if (!m) return null;
    const named: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
    for (const [name, index] of this.names) named[name] = m.groups[index];
    return { ...m, named };
  }

  private run(job: BacktrackJob, length: number): unknown {
    if (this.stops >= MAX_STOPS) {
      throw new RegexError(
        this.context.kind,
        `regular expression ${this.context.shown} was stopped at its time budget ${MAX_STOPS} times already; it is not run again`,
      );
    }
    try {
      return runBacktracking(this.source, this.flags, job);
    } catch (err) {
      if (!(err instanceof BacktrackFailure)) throw err;
      if (err.overBudget) this.stops++;
      const why = err.overBudget
        ? `${err.message} on ${length} characters of text: its backreferences or lookaround need the backtracking engine, ` +
          'which backtracks too much here; simplify its nested or adjacent repetitions'
        : `failed on ${length} characters of text: ${err.message}`;
      throw new RegexError(this.context.kind, `regular expression ${this.context.shown} ${why}`);
    }
  }
}
