// Random use of the new syntax (methods with random arguments, format and printf templates, slices,
// conditionals): every outcome is a value or an ExpressionError, and no prototype changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluate, parseExpression } from '../../../engine/expr/index.ts';
import type { Vars } from '../../../engine/types.ts';

const PROTOTYPES = [Object.prototype, Array.prototype, String.prototype, Function.prototype];
const protoKeys = (): string[][] => PROTOTYPES.map((p) => Reflect.ownKeys(p).map(String).sort());
const baseline = protoKeys();
const quote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const vars = (): Vars => ({ s: 'a,b c', n: -3, f: 2.5, l: [1, 'x', [2]], d: { k: 'v', n: 1 }, t: true, z: null });
const VALUES = ['s', 'n', 'f', 'l', 'd', 't', 'z', 'nope', "''", '0', '-1', '1.5', '[]', '{}', "'{}'", "'%s'", '(1, 2)', 'none'];
const METHODS = [
  'split',
  'rsplit',
  'strip',
  'replace',
  'format',
  'join',
  'find',
  'count',
  'index',
  'startswith',
  'splitlines',
  'center',
  'zfill',
  'keys',
  'items',
  'get',
  'append',
  'update',
  'extend',
  'insert',
  'title',
];

const value = fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 10 }).map(quote), fc.integer({ min: -40, max: 40 }).map(String));
const args = fc.array(value, { maxLength: 3 }).map((a) => a.join(', '));
const expression = fc.oneof(
  fc.tuple(value, fc.constantFrom(...METHODS), args).map(([v, m, a]) => `${v}.${m}(${a})`),
  fc.tuple(fc.string({ maxLength: 16 }).map(quote), args).map(([t, a]) => `${t}.format(${a})`),
  fc.tuple(fc.stringMatching(/^[%s d()a-z.0-9+#-]{0,14}$/).map(quote), value).map(([t, v]) => `${t} % ${v}`),
  fc.tuple(fc.stringMatching(/^[{}:<>^0-9.,dfxsgre!%=+ -]{0,12}$/).map(quote), args).map(([t, a]) => `${t}.format(${a})`),
  fc
    .tuple(value, fc.array(fc.option(value), { minLength: 1, maxLength: 3 }))
    .map(([v, parts]) => `${v}[${parts.map((p) => p ?? '').join(':')}]`),
  fc.tuple(value, value, value).map(([a, c, b]) => `${a} if ${c} else ${b}`),
  fc
    .tuple(value, fc.constantFrom(' ** ', ' // ', ' * ', ' % ', ' < ', ' ~ '), value, fc.constantFrom(' < ', ' == '), value)
    .map((p) => p.join('')),
);

describe('hostile and random use of the new syntax', () => {
  it('ends in a value or an ExpressionError, leaving prototypes alone', () => {
    fc.assert(
      fc.property(expression, (source) => {
        try {
          evaluate(parseExpression(source), vars(), { keepOwned: true });
        } catch (err) {
          if (!(err instanceof ExpressionError)) throw new Error(`${String(err)} for ${source}`, { cause: err });
        }
        expect(protoKeys()).toEqual(baseline);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261206), numRuns: 4000 },
    );
  });
});
