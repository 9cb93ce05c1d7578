// The backtracking fallback: Python patterns with backreferences or lookaround run on JavaScript's RegExp in a
// worker thread, with Python's semantics and a time budget that stops a catastrophic pattern.
import { afterEach, describe, expect, it } from 'vitest';
import { compilePythonRegex, parseTemplate, RegexError, setBacktrackBudget, BACKTRACK_BUDGET_MS } from '../../engine/regex/index.ts';
import { translatePattern } from '../../engine/regex/translate.ts';

const re = compilePythonRegex;
const all = (pattern: string, text: string): string[] =>
  re(pattern)
    .findAll(text)
    .map((m) => m.groups[0] ?? '');

afterEach(() => {
  setBacktrackBudget(BACKTRACK_BUDGET_MS);
});

describe('patterns RE2 refuses only for backreferences or lookaround', () => {
  it('run on the backtracking engine; the others stay on RE2', () => {
    expect(re('^(REF) .* \\1$').backtracking).toBe(true);
    expect(re('a(?=b)').backtracking).toBe(true);
    expect(re('^(a+)b$').backtracking).toBe(false);
    expect(re('^(REF) .* \\1$').test('REF this is a line for backrefs REF')).toBe(true);
    expect(re('^(REF) .* \\1$').test('REF this is a line for backrefs REG')).toBe(false);
  });

  it('take numbered and named backreferences, with a digit after the reference kept literal', () => {
    expect(re('(?P<w>\\w+) (?P=w)').search('say hello hello')?.named).toEqual(Object.assign(Object.create(null), { w: 'hello' }));
    expect(re('^(a)\\1(?:)0$').test('aa0')).toBe(true);
    const twelve = `${'(x)'.repeat(12)}\\12`;
    expect(re(twelve).test('x'.repeat(13))).toBe(true);
    expect(re('(a)(b)\\2\\1').search('zabba')?.spans).toEqual([
      [1, 5],
      [1, 2],
      [2, 3],
    ]);
  });

  it('take lookahead and lookbehind, positive and negative', () => {
    expect(all('\\w+(?=!)', 'hi! there!')).toEqual(['hi', 'there']);
    expect(all('(?<!-)\\b\\d+', '-1 2 -3 4')).toEqual(['2', '4']);
    expect(all('(?<=\\$)\\d+', 'a $5 and 6')).toEqual(['5']);
    expect(re('^(?!#).*=').test('# a=b')).toBe(false);
  });

  it("keep Python's meaning of ., ^, $, \\A, \\Z, \\b, \\d and \\w, which JavaScript spells differently", () => {
    expect(re('(?=a)a.b').test('a\rb')).toBe(true);
    expect(re('(?=a)a.b').test('a\nb')).toBe(false);
    expect(re('(?s)(?=a)a.b').test('a\nb')).toBe(true);
    expect(re('(?=a)a$').test('a\n')).toBe(true);
    expect(re('(?=a)a$').test('a\r')).toBe(false);
    expect(re('(?=a)a\\Z').test('a\n')).toBe(false);
    expect(all('(?=.)^\\w', 'ab\ncd')).toEqual(['a']);
    expect(all('(?m)(?=.)^\\w', 'ab\ncd\r\nef')).toEqual(['a', 'c', 'e']);
    expect(all('(?=.)^\\w', 'x')).toEqual(['x']);
    expect(compilePythonRegex('(?=.)^\\w$', { multiline: true }).findAll('a\nb\n').length).toBe(2);
    expect(re('(?=\\w)\\bé\\b').test('café é')).toBe(true);
    expect(re('(?=.)^\\d+$').test('١٢٣')).toBe(true);
    expect(re('(?i)(?=A)abc').test('ABC')).toBe(true);
    expect(compilePythonRegex('(?=a)abc', { ignorecase: true }).test('ABC')).toBe(true);
    expect(re('(?=a)a(?s:.)(?m:$)b').test('a\n\nb')).toBe(false);
    expect(re('(?=a)a(?s:.).').test('a\nb')).toBe(true);
    expect(re('(?=a)a(?s:.).').test('a\n\n')).toBe(false);
  });

  it('escape what JavaScript refuses literally: a lone ] or }, escaped punctuation, control characters', () => {
    expect(re('(?=a)a]}').test('a]}')).toBe(true);
    expect(re('(?=a)a\\#\\ \\@\\"').test('a# @"')).toBe(true);
    expect(re('(?=a)a\\a[\\b]').test('a\x07\b')).toBe(true);
    // What regex_escape writes: `\-`, `\ `, `\#` outside a class, and `\-` inside one.
    expect(re('^(?=a)a\\-b\\ c\\#[\\-x]$').test('a-b c#-')).toBe(true);
    expect(translatePattern('(a)\\1.', 'js').source).toBe('(a)\\1(?:)[^\\n]');
  });

  it('match, fullmatch, search from a position and substitute as Python does', () => {
    const p = re('(\\w)\\1');
    expect(p.match('xaab')).toBeNull();
    expect(p.match('aab')?.groups).toEqual(['aa', 'a']);
    expect(p.fullMatch('aa')).toBe(true);
    expect(re('(a)\\1|(a)\\2b').fullMatch('aab')).toBe(true);
    expect(p.search('aabb', 1)?.start).toBe(2);
    expect(re('(?=b)^b').search('ab', 1)).toBeNull();
    expect(p.sub('aabbc', parseTemplate('<\\1>'))).toEqual({ text: '<a><b>c', count: 2 });
    expect(all('(?=x)x*', 'abxd')).toEqual(['x']);
    expect(all('(?!z)x*', 'abxd')).toEqual(['', '', 'x', '', '']);
    expect(re('(?<=a)b').testEach(['ab', 'cb', 'b'])).toEqual([true, false, false]);
  });

  it('take repetition counts over RE2s limit of 1000', () => {
    expect(re('^a{1001}$').backtracking).toBe(true);
    expect(re('^a{1001}$').test('a'.repeat(1001))).toBe(true);
  });

  it('report an invalid pattern in Python terms without echoing JavaScript', () => {
    const err = (() => {
      try {
        re('(?=a)(b');
      } catch (e) {
        return e as RegexError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(RegexError);
    expect(err.message).toMatch(/^invalid regular expression "\(\?=a\)\(b": /);
    expect(err.message).not.toMatch(/\/u/);
    expect(() => compilePythonRegex('(?=a)(', { kind: 'arguments' })).toThrow(expect.objectContaining({ kind: 'arguments' }));
  });
});

describe('the two engines agree', () => {
  // A zero-width `(?=)` sends a pattern to the backtracking engine without changing what it matches.
  const patterns = [
    'a+',
    '^\\w+',
    '\\d{2,3}',
    '(a|ab)(c|bcd)(d*)',
    '[^\\s=]+=\\S*',
    '(?i)hello',
    '(?m)^\\s*#.*$',
    '(?s)a.*b',
    'a.c',
    '[\\w.-]+@[\\w.-]+',
    '(?P<k>\\w+)\\s*[:=]\\s*(?P<v>[^#\\n]*)',
    'x*',
    '\\Aab|c\\Z',
    '[]a]',
    '[^]a]+',
    '\\x41\\u0042',
    '(?x) a b # c\n c',
    '[\\d\\s]+',
    '\\W+',
    '(a)|(b)',
    '\\$\\{(\\w+)\\}',
    '[a-c\\]]+',
    '.{2,}?',
    'a{,2}',
    '\\.\\*\\+\\?',
    '[\\-\\.]',
    '(?:ab)+?c',
    'é+',
    'ça|\\w+',
  ];
  const texts = [
    'aaab abcd acbcdd',
    'hello HELLO world',
    '# comment\n  #x\nkey = value # c\nfoo=bar',
    'a\nb',
    'foo.bar@ex.com foo',
    '${HOME} ${x}',
    'AB abc a]b ]]a',
    'ab\tc\nd',
    'a-b.c',
    'çava é',
    '',
    'aacab',
  ];
  const backtracking = (p: string): string => (/^\(\?[a-z]+\)/.test(p) ? p.replace(/^(\(\?[a-z]+\))/, '$1(?=)') : `(?=)${p}`);
  const shape = (r: ReturnType<typeof re>, t: string): string =>
    JSON.stringify([
      r.findAll(t).map((m) => [m.spans, m.named]),
      r.match(t)?.spans,
      r.fullMatch(t),
      r.search(t, Math.min(1, t.length))?.spans,
    ]);

  it.each(patterns)('on %j, for texts without a final newline or non-ASCII word boundaries', (pattern) => {
    const [linear, fallback] = [re(pattern), re(backtracking(pattern))];
    expect([linear.backtracking, fallback.backtracking]).toEqual([false, true]);
    for (const text of texts) expect(shape(fallback, text), text).toBe(shape(linear, text));
  });
});

describe('the time budget', () => {
  it('stops a catastrophic pattern, names it, and the next operation runs on a fresh worker', { timeout: 20_000 }, () => {
    setBacktrackBudget(300);
    const evil = compilePythonRegex('^(?=a)(a+)+$', { kind: 'arguments' });
    const started = Date.now();
    let caught: unknown;
    try {
      evil.test(`${'a'.repeat(40)}b`);
    } catch (e) {
      caught = e;
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(caught).toBeInstanceOf(RegexError);
    expect((caught as RegexError).kind).toBe('arguments');
    expect((caught as RegexError).message).toMatch(
      /^regular expression "\^\(\?=a\)\(a\+\)\+\$" was stopped after 0.3 s on 41 characters of text: its backreferences or lookaround/,
    );
    expect(evil.test('aaaa')).toBe(true);
    expect(re('(a)\\1').test('xaa')).toBe(true);
  });

  it('does not run a pattern again once it was stopped three times (hosts would each wait a budget)', { timeout: 20_000 }, () => {
    setBacktrackBudget(100);
    const evil = compilePythonRegex('^(?=b)(b+)+$');
    for (let i = 0; i < 3; i++) expect(() => evil.test(`${'b'.repeat(40)}c`)).toThrow(/was stopped after 0.1 s/);
    const started = Date.now();
    expect(() => evil.test('bbb')).toThrow(/was stopped at its time budget 3 times already; it is not run again/);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('covers a whole batch of lines in one operation', { timeout: 20_000 }, () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${i % 7 === 0 ? 'dup dup' : 'one two'}`);
    const found = re('(\\w+) \\1').testEach(lines);
    expect(found.filter(Boolean).length).toBe(715);
  });
});
