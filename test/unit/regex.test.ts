// The shared regex compiler: Python `re` syntax translated onto RE2 (linear time), refusals, Python's match rules.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { compilePythonRegex, MAX_REGEX_WORK, parseTemplate, RegexError } from '../../engine/regex/index.ts';
import { translatePattern } from '../../engine/regex/translate.ts';

const refusal = (pattern: string): RegexError => {
  try {
    compilePythonRegex(pattern);
  } catch (err) {
    if (err instanceof RegexError) return err;
    throw err;
  }
  throw new Error(`no error for ${pattern}`);
};
const all = (pattern: string, text: string): string[] =>
  compilePythonRegex(pattern)
    .findAll(text)
    .map((m) => m.groups[0] ?? '');

describe('backtracking patterns run in linear time', () => {
  it("answers '^(a+)+$' on 36 a's and a b at once", { timeout: 10_000 }, () => {
    const re = compilePythonRegex('^(a+)+$');
    expect(re.test(`${'a'.repeat(35)}b`)).toBe(false);
    expect(re.match('a'.repeat(36))?.groups[1]).toBe('a'.repeat(36));
  });

  it('answers nested alternations over long text at once', { timeout: 10_000 }, () => {
    const text = `${'ab'.repeat(20_000)}!`;
    expect(compilePythonRegex('^(a|b|ab|ba)*$').test(text)).toBe(false);
    expect(compilePythonRegex('(\\w+\\s?)+$').search(`${'word '.repeat(10_000)}!`)).toBeNull();
    expect(compilePythonRegex('(\\w+\\s?)+$').search(`${'word '.repeat(10_000)}end`)?.start).toBe(0);
  });

  it('refuses an operation whose compiled size times text length is over the budget', () => {
    const re = compilePythonRegex('(?:[ab]?){999}[ab]{999}x');
    expect(() => re.test('ab'.repeat(40_000))).toThrow(/too costly/);
    expect(MAX_REGEX_WORK).toBe(25_000_000);
    const nested = compilePythonRegex(`${'('.repeat(185)}a${')'.repeat(185)}`);
    expect(nested.search('a'.repeat(30_000))?.end).toBe(1);
    expect(() => nested.findAll('a'.repeat(30_000))).toThrow(/too costly/);
    expect(re.test('x')).toBe(false);
  });
});

describe('Python syntax', () => {
  it('keeps named groups and translates \\Z, \\A, {,n}, octal and \\u escapes', () => {
    const m = compilePythonRegex('(?P<k>\\w+)=(?P<v>\\d+)\\Z').search('x key=42');
    expect(m?.named).toEqual(Object.assign(Object.create(null), { k: 'key', v: '42' }));
    expect(compilePythonRegex('a\\Z').test('a\n')).toBe(false);
    expect(compilePythonRegex('\\Aa').test('ba')).toBe(false);
    expect(compilePythonRegex('^a{,2}$').test('aa')).toBe(true);
    expect(compilePythonRegex('^a{,2}$').test('aaa')).toBe(false);
    expect(compilePythonRegex('\\101\\x42\\u0043\\0').test('ABC\0')).toBe(true);
    expect(compilePythonRegex('[\\b]').test('\b')).toBe(true);
    expect(compilePythonRegex('a{').test('a{')).toBe(true);
  });

  it('reads \\d, \\w and \\s as Unicode, as Python 3 does for str patterns', () => {
    expect(compilePythonRegex('^\\d+$').test('١٢٣')).toBe(true);
    expect(compilePythonRegex('^\\w+$').test('çé_9')).toBe(true);
    expect(compilePythonRegex('^\\s+$').test('\u00a0\v\u2003')).toBe(true);
    expect(compilePythonRegex('^[\\w-]+$').test('naïve-x')).toBe(true);
    expect(compilePythonRegex('\\W').test('é')).toBe(false);
  });

  it('takes leading inline flags, scoped flags, comments and verbose patterns', () => {
    expect(compilePythonRegex('(?i)abc').test('ABC')).toBe(true);
    expect(compilePythonRegex('(?s)a.b').test('a\nb')).toBe(true);
    expect(compilePythonRegex('(?m)^b$').test('a\nb\nc')).toBe(true);
    expect(compilePythonRegex('a(?i:b)c').test('aBc')).toBe(true);
    expect(compilePythonRegex('a(?i:b)c').test('aBC')).toBe(false);
    expect(compilePythonRegex('a(?#note)b').test('ab')).toBe(true);
    const verbose = compilePythonRegex('(?x) ^ (\\d+)  # the number\n  \\ [#] $');
    expect(verbose.match('12 #')?.groups[1]).toBe('12');
  });

  it('refuses what neither RE2 nor the backtracking fallback can do, naming the feature and the reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['(?>a)', /atomic group/],
      ['a*+', /possessive quantifier/],
      ['a{2}+', /possessive quantifier/],
      ['(?(1)a|b)', /conditional group/],
      ['\\N{EM DASH}', /named character/],
      ['a(?i)b', /must be at the start/],
      ['(?L)a', /locale flag/],
      ['(a)(?i:b)\\1', /scoped case flag/],
      ['\\1(a)', /group that does not exist before it/],
      ['(a\\1)', /group that is still open/],
      ['(?P<x>a)(?P=y)', /names no group defined before it/],
    ];
    for (const [pattern, message] of cases) {
      const err = refusal(pattern);
      expect(err).toBeInstanceOf(FleetError);
      expect(err.kind).toBe('expression');
      expect(err.message).toMatch(message);
    }
    expect(refusal('(?>a)').message).toMatch(/neither RE2 nor the backtracking engine/);
  });

  it('reports invalid patterns as Python would, without echoing a whole long pattern', () => {
    expect(refusal('\\q').message).toMatch(/the escape \\q is not valid/);
    expect(refusal('[ab').message).toMatch(/character class .* not closed/);
    expect(refusal('(ab').message).toMatch(/^invalid regular expression "\(ab": missing closing \)/);
    const long = refusal(`(${'a'.repeat(500)}`);
    expect(long.message.length).toBeLessThan(200);
    expect(refusal('x'.repeat(5000)).message).toMatch(/longer than 4096/);
    expect(compilePythonRegex.bind(null, '(a', { kind: 'arguments' })).toThrow(expect.objectContaining({ kind: 'arguments' }));
  });

  it('spells the translation in RE2 syntax', () => {
    expect(translatePattern('(?i)(?P<n>x)\\Z')).toEqual({
      source: '(?P<n>x)\\z',
      flags: { ignorecase: true, multiline: false, dotall: false },
      groupCount: 1,
      names: [['n', 1]],
    });
    expect(translatePattern('[^]a]').source).toBe('[^\\]a]');
  });
});

describe("Python's match rules", () => {
  it('finds empty matches like re.findall in Python 3.7+', () => {
    expect(all('x*', 'abxd')).toEqual(['', '', 'x', '', '']);
    expect(all('a|', 'ab')).toEqual(['a', '', '']);
    expect(all('', '😀')).toEqual(['', '']);
    expect(all('(?m)^', 'a\nb\n')).toEqual(['', '', '']);
  });

  it('substitutes with a count', () => {
    const re = compilePythonRegex('\\d');
    expect(re.sub('a1b2c3', parseTemplate('<\\g<0>>'), 2)).toEqual({ text: 'a<1>b<2>c3', count: 2 });
    expect(compilePythonRegex('x*').sub('abxd', ['-'])).toEqual({ text: '-a-b--d-', count: 5 });
    const growth = compilePythonRegex('a').sub.bind(compilePythonRegex('a'), 'a'.repeat(1000), parseTemplate('\\g<0>'.repeat(20_000)));
    expect(growth).toThrow(/grow the text by more than 16777216/);
  });

  it('anchors match at the start and fullMatch at both ends', () => {
    const re = compilePythonRegex('a|ab');
    expect(re.match('ab')?.groups[0]).toBe('a');
    expect(re.fullMatch('ab')).toBe(true);
    expect(re.match('cab')).toBeNull();
  });

  it('gives offsets in UTF-16 code units, like JS strings', () => {
    const m = compilePythonRegex('b').search('😀b');
    expect([m?.start, m?.end]).toEqual([2, 3]);
  });
});
