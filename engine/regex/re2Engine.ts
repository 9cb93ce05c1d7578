// The fast path: a Python pattern translated to RE2 and run by re2js, whose matching time is linear in the text.
import type { RE2JS } from 're2js';
import { RegexError } from './error.ts';
import type { EngineContext, MatchEngine, RegexMatch } from './match.ts';

/**
 * Most work one operation may cost: the compiled program's size times the length of the text (times a factor
 * for capture groups when every match is collected). RE2's slowest path (the NFA with captures) runs about
 * 30 million such steps a second in re2js, so this bounds any one search, findall or substitution near a second.
 */
export const MAX_REGEX_WORK = 25_000_000;

/** A pattern compiled by RE2. */
export class Re2Engine implements MatchEngine {
  readonly groupCount: number;
  readonly names: ReadonlyArray<[string, number]>;
  readonly backtracking = false;
  private readonly size: number;

  constructor(
    private readonly re: RE2JS,
    private readonly context: EngineContext,
  ) {
    this.groupCount = re.groupCount();
    this.names = Object.entries(re.namedGroups());
    this.size = re.matcher('').programSize();
  }

  checkWork(length: number, everyMatch: boolean): void {
    const work = this.size * (length + 1) * (everyMatch ? 1 + this.groupCount / 8 : 1);
    if (work > MAX_REGEX_WORK) {
      throw new RegexError(
        this.context.kind,
        `regular expression ${this.context.shown} is too costly for ${length} characters of text ` +
          `(compiled size ${this.size} × text length exceeds ${MAX_REGEX_WORK}); simplify it or its counted repetitions`,
      );
    }
  }

  test(text: string): boolean {
    return this.re.test(text);
  }

  testEach(texts: readonly string[]): boolean[] {
    return texts.map((text) => this.re.test(text));
  }

  search(text: string, from: number): RegexMatch | null {
    const m = this.re.matcher(text);
    return m.find(from) ? this.toMatch(m) : null;
  }

  match(text: string): RegexMatch | null {
    const m = this.re.matcher(text);
    return m.lookingAt() ? this.toMatch(m) : null;
  }

  fullMatch(text: string): boolean {
    return this.re.testExact(text);
  }

  findAll(text: string): RegexMatch[] {
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
