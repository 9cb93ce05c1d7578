// The new syntax keeps parsing and evaluation linear in the size of the expression: long chains of each
// construct (conditionals, comparison chains, method calls, slices, arithmetic) scale like their length.
import { describe, it } from 'vitest';
import { ExpressionError, evaluate, parseExpression } from '../../../engine/expr/index.ts';
import type { Vars } from '../../../engine/types.ts';
import { expectLinear } from '../../support/scaling.ts';

const v: Vars = { s: ' Hello, World ', n: 3, l: [1, 2, 3, 4], d: { a: 1 }, t: true };

function run(source: string): void {
  try {
    evaluate(parseExpression(source), v);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
  }
}

describe('linear time', () => {
  it('for long chains of each new construct', { timeout: 300_000 }, () => {
    const families: Array<[label: string, size: number, source: (n: number) => string]> = [
      ['comparison chain', 8000, (n) => `1${' < 2'.repeat(n)}`],
      ['comparison chain that holds', 8000, (n) => `1${' <= 1'.repeat(n)}`],
      ['else-if chain (nesting-limited)', 8000, (n) => `${'1 if not t else '.repeat(Math.min(n, 60))}${' 2 + 1'.repeat(n)}`],
      ['method chain', 8000, (n) => `s${'.strip()'.repeat(n)}`],
      ['split/join chain', 4000, (n) => `s${".split(',') | join(',')".repeat(n)}`],
      ['slice chain', 8000, (n) => `l${'[::-1]'.repeat(n)}`],
      ['floor division and power', 8000, (n) => `n${' // 1 ** 1'.repeat(n)}`],
      ['repetition sum', 4000, (n) => `'a'${" ~ 'ab' * 3".repeat(n)}`],
      ['printf chain', 4000, (n) => `${"('%s' % ".repeat(Math.min(n, 60))}1${')'.repeat(Math.min(n, 60))}${' ~ n'.repeat(n)}`],
      ['format calls', 4000, (n) => `'x'${" ~ '{:>4}'.format(n)".repeat(n)}`],
      ['dict methods', 4000, (n) => `d${'.items()[0][1]'.repeat(1)}${' + d.keys() | length'.repeat(n)}`],
      ['bare test arguments', 8000, (n) => `n${' is divisibleby 3 and n'.repeat(n)}`],
    ];
    for (const [label, size, source] of families) expectLinear((n) => run(source(n)), size / 8, { maxN: size / 8, label });
  });
});
