// The Jinja expression syntax Ansible roles write inside {{ }}: inline if, ~, arithmetic, chained comparisons,
// literals, subscripts and slices, attribute-or-key access, global functions.
import { describe, expect, it } from 'vitest';
import { parseExpression, referencedNames } from '../../../engine/expr/index.ts';
import type { Vars } from '../../../engine/types.ts';
import { ev, failure } from './support.ts';

const facts: Vars = {
  ansible_facts: { distribution: 'Ubuntu', distribution_major_version: '22', os_family: 'Debian', 'odd key': 1 },
  n: 7,
  s: 'Hello',
  items: [10, 20, 30, 40, 50],
  flag: true,
  off: false,
};

describe('inline if (a if c else b)', () => {
  it.each<[string, unknown]>([
    ["'yes' if flag else 'no'", 'yes'],
    ["'yes' if off else 'no'", 'no'],
    ["'deb' if ansible_facts.os_family == 'Debian' else 'rpm'", 'deb'],
    // The else branch is itself a conditional: chains read left to right.
    ["'a' if off else 'b' if flag else 'c'", 'b'],
    ["'a' if off else 'b' if off else 'c'", 'c'],
    // Looser than `or`, and usable inside lists, arguments and parentheses.
    ['1 if off or flag else 2', 1],
    ["['x' if flag else 'y', 'z']", ['x', 'z']],
    ['(n if flag else 0) + 1', 8],
    ["missing | default('d' if flag else 'e')", 'd'],
  ])('%s', (source, expected) => {
    expect(ev(source, facts)).toEqual(expected);
  });

  it('without else, a false condition is undefined (Jinja renders it as nothing)', () => {
    expect(ev("'x' if off", facts)).toBeUndefined();
    expect(ev("'x' if flag", facts)).toBe('x');
    expect(ev("('x' if off) | default('fallback')", facts)).toBe('fallback');
  });

  it('evaluates only the branch it takes', () => {
    expect(ev('missing_var if off else 1', facts)).toBe(1);
    expect(failure(() => ev('missing_var if flag else 1', facts)).message).toBe("'missing_var' is undefined");
  });
});

describe('~ and arithmetic with Python semantics', () => {
  it.each<[string, unknown]>([
    ["'v' ~ n ~ '-' ~ flag ~ none", 'v7-TrueNone'],
    ["ansible_facts.distribution ~ '-' ~ ansible_facts.distribution_major_version", 'Ubuntu-22'],
    ['7 // 2', 3],
    ['-7 // 2', -4],
    ['7.5 // 2', 3],
    ['2 ** 10', 1024],
    ['2 ** -1', 0.5],
    // Jinja's ** is left-associative and binds looser than unary minus.
    ['2 ** 3 ** 2', 64],
    ['-2 ** 2', 4],
    ['1 + 2 * 3 ** 2', 19],
    ['-7 % 3', 2],
    ['7 % -3', -2],
    ["'ab' * 3", 'ababab'],
    ["3 * 'ab'", 'ababab'],
    ["'ab' * 0", ''],
    ["'ab' * -2", ''],
    ['[1, 2] * 2', [1, 2, 1, 2]],
    ['[1] + [2] + []', [1, 2]],
    ["'%s-%s' % ('a', 1)", 'a-1'],
    ["'%05.1f|%-4d|%x' % (3.14159, 7, 255)", '003.1|7   |ff'],
    ["'%(name)s is %(age)d' % {'name': 'x', 'age': 3}", 'x is 3'],
    ["'%s' % 'one'", 'one'],
    ["'100%%' % ()", '100%'],
    ["'%s' % [1, 2]", '[1, 2]'],
    ['10 / 4', 2.5],
    ['0x1F + 0o10 + 0b11', 31 + 8 + 3],
    ['1_000 * 2', 2000],
  ])('%s', (source, expected) => {
    expect(ev(source, facts)).toEqual(expected);
  });

  it.each([
    ['7 // 0', 'integer division or modulo by zero'],
    ["'a' - 'b'", "unsupported operand types for '-': string and string"],
    ["'a' * 1.5", "can't multiply sequence by non-int of type 'float'"],
    ["'a' * 'b'", "unsupported operand types for '*': string and string"],
    ['0 ** -1', '0.0 cannot be raised to a negative power'],
    ["'%s %s' % ('a',)", 'not enough arguments for format string'],
    ["'%s %s' % ('a', 'b', 'c')", 'not all arguments converted during string formatting'],
    ["'%d' % 'x'", '%d format: a number is required, not string'],
  ])('%s is an error', (source, message) => {
    expect(failure(() => ev(source, facts)).message).toBe(message);
  });

  it('bounds what one evaluation builds in all, not only each value', { timeout: 10_000 }, () => {
    const many = Array(8).fill("('a' * 9000000)[0:1]").join(' ~ ');
    expect(failure(() => ev(many)).message).toBe('the expression builds more than 67108864 characters or items in all');
    // Each evaluation has its own budget.
    expect(ev("('a' * 9000000)[-2:] ~ ('b' * 9000000)[:1]")).toBe('aab');
    expect(ev("('a' * 9000000)[-2:] ~ ('b' * 9000000)[:1]")).toBe('aab');
  });

  it('refuses repetitions past the value limit before building them', () => {
    expect(failure(() => ev("'abcd' * 10000000")).message).toMatch(/would be longer than 16777216/);
    expect(failure(() => ev('[1, 2] * 10000000')).message).toMatch(/would be longer than 16777216/);
  });
});

describe('comparisons', () => {
  it.each<[string, unknown]>([
    // Python and Jinja chain comparisons: a < b < c is a < b and b < c.
    ['1 < n < 10', true],
    ['1 < n < 5', false],
    ['10 > n > 1 == 1', true],
    ['1 == 1 == 2', false],
    ["'a' < 'b' <= 'b'", true],
    ['[1, 2] < [1, 3]', true],
    ['[1, 2] < [1, 2, 0]', true],
    ['[2] > [1, 9]', true],
    ["'Ubuntu' in ansible_facts.distribution", true],
    ["'os_family' in ansible_facts", true],
    ["'RedHat' not in ['Debian', 'Ubuntu']", true],
    ['30 in items[1:3]', true],
  ])('%s', (source, expected) => {
    expect(ev(source, facts)).toBe(expected);
  });

  it('stops a chain at the first false link, without evaluating the rest', () => {
    expect(ev('5 < 1 < missing', facts)).toBe(false);
    expect(failure(() => ev('1 < 5 < missing', facts)).message).toBe("'missing' is undefined");
  });

  it('locates a type error at the operator of the failing link', () => {
    const err = failure(() => ev("1 < 2 < 'x'"));
    expect(err.message).toBe("unsupported operand types for '<': number and string");
    expect(err.offset).toBe(6);
  });

  it('keeps a single comparison a binary node and a chain a compare node', () => {
    expect(parseExpression('a < b').kind).toBe('binary');
    const chain = parseExpression('a < b <= c');
    expect(chain.kind).toBe('compare');
    expect(referencedNames(chain)).toEqual(['a', 'b', 'c']);
  });
});

describe('literals', () => {
  it.each<[string, unknown]>([
    ['none', null],
    ['None', null],
    ['True and true', true],
    ['False or false', false],
    ["'tab\\there'", 'tab\there'],
    ["'\\x41\\u00e9\\n'", 'Aé\n'],
    ['"it\'s"', "it's"],
    ["'a' 'b' \"c\"", 'abc'],
    ['(1, 2)', [1, 2]],
    ['(1,)', [1]],
    ['()', []],
    ["{'a': [1, {'b': none}], 'c': (n,)}", { a: [1, { b: null }], c: [7] }],
    ['[1, 2,]', [1, 2]],
  ])('%s', (source, expected) => {
    expect(ev(source, facts)).toEqual(expected);
  });
});

describe('subscripts, slices and attribute-or-key access', () => {
  it.each<[string, unknown]>([
    ['items[0]', 10],
    ['items[-1]', 50],
    ['items[-5]', 10],
    ['items[5]', undefined],
    ['items[1:3]', [20, 30]],
    ['items[:2]', [10, 20]],
    ['items[3:]', [40, 50]],
    ['items[-2:]', [40, 50]],
    ['items[::2]', [10, 30, 50]],
    ['items[::-1]', [50, 40, 30, 20, 10]],
    ['items[3:0:-1]', [40, 30, 20]],
    ['items[-1:-4:-2]', [50, 30]],
    ['items[10:]', []],
    ['items[:]', [10, 20, 30, 40, 50]],
    ['s[1:4]', 'ell'],
    ['s[::-1]', 'olleH'],
    ['s[-1]', 'o'],
    ["'héllo😀x'[::-1]", 'x😀olléh'],
    ["'a😀b'[1:2]", '😀'],
    ['ansible_facts.distribution', 'Ubuntu'],
    ["ansible_facts['distribution']", 'Ubuntu'],
    ["ansible_facts['odd key']", 1],
    ['ansible_facts.missing', undefined],
    ['items.1', 20],
    ['(items | list)[1:2]', [20]],
    ['[[1, 2], [3]][0][1]', 2],
  ])('%s', (source, expected) => {
    expect(ev(source, facts)).toEqual(expected);
  });

  it.each([
    ['items[::0]', 'slice step cannot be zero'],
    ["items['a':]", 'slice indices must be integers or none, not string'],
    ['n[1:]', 'a number cannot be sliced'],
  ])('%s is an error', (source, message) => {
    expect(failure(() => ev(source, facts)).message).toBe(message);
  });
});

describe('global functions', () => {
  it.each<[string, unknown]>([
    ['range(3)', [0, 1, 2]],
    ['range(1, 7, 2)', [1, 3, 5]],
    ['range(5, 0, -2)', [5, 3, 1]],
    ["dict(a=1, b='x')", { a: 1, b: 'x' }],
    ["dict([['k', 1]], j=2)", { k: 1, j: 2 }],
    ['range(3)[-1]', 2],
  ])('%s', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it('runs lookup(), query() and q() through the caller-provided hook', () => {
    const calls: unknown[] = [];
    const context = {
      lookup: (name: string, terms: readonly unknown[], options: ReadonlyMap<string, unknown>, wantList: boolean) => {
        calls.push([name, terms, Object.fromEntries(options), wantList]);
        return wantList ? ['v'] : 'v';
      },
    };
    expect(ev("lookup('env', 'HOME', default='x')", {}, context)).toBe('v');
    expect(ev("query('fileglob', '*.txt')", {}, context)).toEqual(['v']);
    expect(ev("q('items', [1])", {}, context)).toEqual(['v']);
    expect(ev("lookup('env', 'A', wantlist=true)", {}, context)).toEqual(['v']);
    expect(calls).toEqual([
      ['env', ['HOME'], { default: 'x' }, false],
      ['fileglob', ['*.txt'], {}, true],
      ['items', [[1]], {}, true],
      ['env', ['A'], {}, true],
    ]);
    expect(failure(() => ev("lookup('env', 'HOME')")).message).toBe("lookup plugins are not available here (lookup 'env')");
  });

  it('bounds range() and checks its arguments', () => {
    expect(failure(() => ev('range(1000000)')).message).toBe('range() is limited to 100000 items');
    expect(failure(() => parseExpression('range()')).message).toBe('range() takes 1 to 3 arguments at column 1');
    expect(failure(() => ev('range(0, 3, 0)')).message).toBe('range() arg 3 must not be zero');
  });
});
