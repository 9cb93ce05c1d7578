// The regex filters and tests take patterns with backreferences and lookaround (the backtracking engine),
// with Python's results, and a pattern over its time budget is a located expression error.
import { afterEach, describe, expect, it } from 'vitest';
import type { ExpressionError } from '../../../engine/expr/index.ts';
import { BACKTRACK_BUDGET_MS, setBacktrackBudget } from '../../../engine/regex/index.ts';
import { errorOf, run } from './filters-support.ts';

afterEach(() => {
  setBacktrackBudget(BACKTRACK_BUDGET_MS);
});

describe('regex filters and tests with backreferences or lookaround', () => {
  it.each<[string, unknown]>([
    ["'say hello hello' | regex_search('(\\\\w+) \\\\1')", 'hello hello'],
    ["'say hello hello' | regex_search('(?P<w>\\\\w+) (?P=w)', '\\\\g<w>')", ['hello']],
    ["'a1 b2 c3' | regex_findall('\\\\w(?=2|3)')", ['b', 'c']],
    ["'$5 and 6' | regex_findall('(?<=\\\\$)\\\\d')", ['5']],
    ["'aa bb cd' | regex_replace('(\\\\w)\\\\1', '<\\\\1>')", '<a> <b> cd'],
    ["'x=1\\nx=2' | regex_replace('(?<=x=)\\\\d$', '9', multiline=true)", 'x=9\nx=9'],
    ["'abab' is match('(ab)\\\\1$')", true],
    ["'xabab' is match('(ab)\\\\1')", false],
    ["'xabab' is search('(ab)\\\\1')", true],
    ["'foo.conf' is search('^(?!.*\\\\.bak$).*\\\\.conf$')", true],
    ["'foo.conf.bak' is search('^(?!.*\\\\.bak$).*\\\\.conf')", false],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('reports a pattern that exceeds its time budget at the filter, naming the pattern', { timeout: 20_000 }, () => {
    setBacktrackBudget(200);
    const vars = { s: `${'a'.repeat(40)}b` };
    expect(errorOf("s | regex_search('^(?=a)(a+)+$')", vars)).toMatch(
      /^regular expression "\^\(\?=a\)\(a\+\)\+\$" was stopped after 0\.2 s on 41 characters of text: its backreferences/,
    );
    let offset: number | undefined;
    try {
      run("s | regex_search('^(?=a)(a+)+$')", vars);
    } catch (err) {
      offset = (err as ExpressionError).offset;
    }
    expect(offset).toBe(4);
  });
});
