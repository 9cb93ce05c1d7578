// Tests for the expression language behind when / changed_when / failed_when / until / assert.that.
import { afterEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import {
  ExpressionError,
  MAX_REGEX_INPUT,
  MAX_SOURCE_LENGTH,
  evaluate,
  evaluateCondition,
  parseExpression,
  referencedNames,
  type Expr,
} from '../../engine/expr/index.ts';
import type { Vars } from '../../engine/types.ts';

/** A registered result of a command task, as modules produce it. */
function commandResult(overrides: Vars = {}): Vars {
  return { changed: true, failed: false, rc: 0, stdout: 'hello world', stderr: '', stdout_lines: ['hello world'], ...overrides };
}

function vars(): Vars {
  return {
    a: true,
    b: false,
    c: true,
    n: 5,
    zero: 0,
    s: 'Hello',
    empty: '',
    nothing: null,
    items: [1, 2, 3],
    names: ['web1', 'db1'],
    conf: { port: 8080, tls: { enabled: true } },
    r: commandResult({ stat: { exists: true, mode: '0644' } }),
    hostvars: { web1: { ansible_host: '10.0.0.1', role: 'web' } },
  };
}

/** Parses and evaluates `source` against `v` (default: the shared fixture). */
function ev(source: string, v: Vars = vars()): unknown {
  return evaluate(parseExpression(source), v);
}

/** Runs `fn`, which must throw an ExpressionError, and returns that error. */
function failure(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return err as ExpressionError;
  }
  throw new Error('expected an ExpressionError, but nothing was thrown');
}

describe('literals', () => {
  it.each<[string, unknown]>([
    ['42', 42],
    ['3.25', 3.25],
    ['-7', -7],
    ['1e3', 1000],
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["'it\\'s'", "it's"],
    ["'tab\\there'", 'tab\there'],
    ["'\\d+\\.'", '\\d+\\.'],
    ["'\\x41\\u00e9'", 'Aé'],
    ['true', true],
    ['True', true],
    ['false', false],
    ['False', false],
    ['none', null],
    ['None', null],
    ['null', null],
    ["[1, 'a', s]", [1, 'a', 'Hello']],
    ['[1, 2,]', [1, 2]],
    ['[]', []],
    ["{'a': 1, 'b': [n]}", { a: 1, b: [5] }],
    ['(1, 2)', [1, 2]],
    ['()', []],
  ])('%s', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });
});

describe('access into variables and registered results', () => {
  it.each<[string, unknown]>([
    ['r.rc', 0],
    ['r.rc == 0', true],
    ['r.stat.exists', true],
    ["r['stat']['mode']", '0644'],
    ["'world' in r.stdout", true],
    ["hostvars['web1'].ansible_host", '10.0.0.1'],
    ['items[0]', 1],
    ['items[-1]', 3],
    ['items.1', 2],
    ['items[9]', undefined],
    ['s[0]', 'H'],
    ['conf.tls.enabled', true],
    ['r.missing', undefined],
    ['n.anything', undefined],
  ])('%s', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it('names an undefined top-level variable', () => {
    const err = failure(() => ev('foo == 1'));
    expect(err.message).toBe("'foo' is undefined");
    expect(err.offset).toBe(0);
    expect(err.kind).toBe('expression');
    expect(err).toBeInstanceOf(FleetError);
  });

  it('names the undefined path when going through a missing attribute', () => {
    const err = failure(() => ev('n > 1 and r.missing.deeper'));
    expect(err.message).toBe("'r.missing' is undefined");
    expect(err.offset).toBe(10);
  });

  it('refuses an undefined value in ordering and arithmetic', () => {
    expect(failure(() => ev('r.nope < 1')).message).toBe("'r.nope' is undefined");
    expect(failure(() => ev('r.nope + 1')).message).toBe("'r.nope' is undefined");
    expect(failure(() => ev('x[r.nope]', { x: {}, r: {} })).message).toBe("'r.nope' is undefined");
  });

  it('reads variables layered with Object.create but nothing from Object.prototype', () => {
    const layered: Vars = Object.create({ inherited: 7 }) as Vars;
    layered.own = 1;
    expect(ev('own + inherited', layered)).toBe(8);
    expect(failure(() => ev('toString', layered)).message).toBe("'toString' is undefined");
    expect(failure(() => ev('hasOwnProperty', {})).message).toBe("'hasOwnProperty' is undefined");
  });
});

describe('operators', () => {
  it.each<[string, unknown]>([
    ['n == 5', true],
    ['n != 5', false],
    ['n < 6', true],
    ['n <= 5', true],
    ['n > 5', false],
    ['n >= 6', false],
    ["'abc' < 'abd'", true],
    ["s == 'Hello'", true],
    ['[1, [2]] == [1, [2]]', true],
    ["{'a': 1} == {'a': 1}", true],
    ["{'a': 1} != {'a': 2}", true],
    ['true == 1', false],
    ["n == '5'", false],
    ['r.missing == 1', false],
    ['r.missing != none', true],
    ['a and b', false],
    ['a and c', true],
    ['b or c', true],
    ['b or zero', 0],
    ["zero or 'fallback'", 'fallback'],
    ['not b', true],
    ['not items', false],
    ['2 in items', true],
    ['7 not in items', true],
    ["'ell' in s", true],
    ["'port' in conf", true],
    ["'nope' not in conf", true],
    ['[1] in [[1], [2]]', true],
    ['1 + 2', 3],
    ['10 - 4', 6],
    ['3 * 4', 12],
    ['7 / 2', 3.5],
    ['7 % 3', 1],
    ['-7 % 3', 2],
    ["'ab' + 'cd'", 'abcd'],
    ['[1] + [2, 3]', [1, 2, 3]],
    ["s ~ '-' ~ n ~ none ~ true", 'Hello-5NoneTrue'],
    ['-n', -5],
    ['+n', 5],
    ['--n', 5],
  ])('%s', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it.each([
    ["n < 'a'", "unsupported operand types for '<': number and string"],
    ["n + 'a'", "unsupported operand types for '+': number and string"],
    ['[1] - [1]', "unsupported operand types for '-': list and list"],
    ['true > false', "unsupported operand types for '>': boolean and boolean"],
    ['n / 0', 'division by zero'],
    ['n % 0', 'modulo by zero'],
    ['1 in s', "'in <string>' requires a string on the left, not number"],
    ['1 in n', "'in' needs a list, string or mapping on the right, not number"],
    ["-'a'", 'bad operand type for unary -: string'],
  ])('%s is a type error', (source, message) => {
    expect(failure(() => ev(source)).message).toBe(message);
  });

  it('short-circuits and / or', () => {
    expect(ev('b and missing_var')).toBe(false);
    expect(ev('a or missing_var')).toBe(true);
    expect(failure(() => ev('a and missing_var')).message).toBe("'missing_var' is undefined");
  });
});

describe('precedence', () => {
  it.each<[string, Vars, unknown]>([
    ['not a == b', { a: 1, b: 1 }, false],
    ['not a == b', { a: 1, b: 2 }, true],
    ['a or b and c', { a: true, b: true, c: false }, true],
    ['a or b and c', { a: false, b: true, c: false }, false],
    ['(a or b) and c', { a: true, b: true, c: false }, false],
    ['not a and b', { a: false, b: true }, true],
    ['1 + 2 * 3', {}, 7],
    ['(1 + 2) * 3', {}, 9],
    ['10 - 2 - 3', {}, 5],
    ['-x | string', { x: 3 }, '-3'],
    ['x | length > 2', { x: [1, 2, 3] }, true],
    ['x is defined and x > 1', { x: 2 }, true],
    ['not x is defined', {}, true],
    ["a == 1 or 'q' in s", { a: 0, s: 'quiet' }, true],
  ])('%s with %j', (source, v, expected) => {
    expect(ev(source, v)).toEqual(expected);
  });

  it('binds ~ tighter than +, as Jinja does', () => {
    // 1 + (2 ~ 'x') is 1 + '2x': a type error, not '3x'.
    expect(failure(() => ev("1 + 2 ~ 'x'")).message).toBe("unsupported operand types for '+': number and string");
    expect(ev("2 * 3 ~ 'x'")).toBe('6x');
  });
});

describe('tests (is ...)', () => {
  it.each<[string, boolean]>([
    ['n is defined', true],
    ['undefined_thing is defined', false],
    ['undefined_thing is not defined', true],
    ['undefined_thing is undefined', true],
    ['n is undefined', false],
    ['r.missing is defined', false],
    ['r.stat.exists is defined', true],
    ['x.y.z is defined', false],
    ['x.y.z is not defined', true],
    ['r.missing.deeper[0] is undefined', true],
    ["hostvars['nohost'].x is defined", false],
    ['nothing is none', true],
    ['n is not none', true],
    ['a is true', true],
    ['n is true', false],
    ['b is false', true],
    ['zero is false', false],
    ['s is string', true],
    ['n is string', false],
    ['n is number', true],
    ["'5' is number", false],
    ['conf is mapping', true],
    ['items is mapping', false],
    ['items is sequence', true],
    ['n is sequence', false],
    ['n is not number', false],
  ])('%s', (source, expected) => {
    expect(ev(source)).toBe(expected);
  });

  it.each<[string, Vars, boolean]>([
    ['r is succeeded', { r: { failed: false } }, true],
    ['r is success', { r: {} }, true],
    ['r is succeeded', { r: { failed: true } }, false],
    ['r is failed', { r: { failed: true, rc: 2 } }, true],
    ['r is failure', { r: { rc: 2 } }, false],
    ['r is not failed', { r: { failed: false } }, true],
    ['r is changed', { r: { changed: true } }, true],
    ['r is change', { r: { changed: false } }, false],
    ['r is changed', { r: { results: [{ changed: false }, { changed: true }] } }, true],
    ['r is not changed', { r: {} }, true],
    ['r is skipped', { r: { skipped: true } }, true],
    ['r is skip', { r: { changed: false } }, false],
  ])('%s with %j', (source, v, expected) => {
    expect(ev(source, v)).toBe(expected);
  });

  it('requires a mapping for the result tests', () => {
    expect(failure(() => ev('n is failed')).message).toBe("the 'failed' test expects a registered result (a mapping)");
    expect(failure(() => ev('nope is changed')).message).toBe("'nope' is undefined");
  });

  it.each<[string, boolean]>([
    ["'hello world' is match('hel+o')", true],
    ["'say hello' is match('hello')", false],
    ["'say hello' is search('hel+o')", true],
    ["'say hello' is not search('bye')", true],
    ["'HELLO' is match('hello', ignorecase=true)", true],
    ["'a\\nb' is search('^b$', multiline=true)", true],
    ["'a\\nb' is search('^b$')", false],
    ["'v1.2' is match('v(?P<major>\\d+)\\.')", true],
    ["'ABC' is match('(?i)abc')", true],
    ["'1.10.2' is version('1.7.0', '>=')", true],
    ["'1.10.2' is version('1.7.0', 'lt')", false],
    ["'2.0' is version('2.0')", true],
    ["'2.0' is version('2.0.1', '<')", true],
    ["'1.0.0-rc.1' is version('1.0.0', '<', version_type='semver')", true],
    ["'1.0.0-alpha.2' is version('1.0.0-alpha.10', '<', version_type='semver')", true],
    ["'22.04' is version('20.04', '>') and '7' is version('10', '<')", true],
  ])('%s', (source, expected) => {
    expect(ev(source)).toBe(expected);
  });

  it('rejects bad regexes and version operators', () => {
    expect(failure(() => ev("s is match('(')")).message).toMatch(/^invalid regular expression "\("/);
    expect(failure(() => ev("'1' is version('2', '=>')")).message).toBe('invalid version operator "=>"');
  });
});

describe('filters', () => {
  it.each<[string, unknown]>([
    ['items | length', 3],
    ['s | length', 5],
    ['conf | length', 2],
    ['items | count', 3],
    ["'42' | int", 42],
    ["'4.7' | int", 4],
    ["'junk' | int", 0],
    ["'junk' | int(-1)", -1],
    ["'ff' | int(base=16)", 255],
    ['3.9 | int', 3],
    ['true | int', 1],
    ["'2.5' | float", 2.5],
    ["'x' | float", 0],
    ['2 | float', 2],
    ["'yes' | bool", true],
    ["'On' | bool", true],
    ["'1' | bool", true],
    ["'true' | bool", true],
    ["'no' | bool", false],
    ["'false' | bool", false],
    ['1 | bool', true],
    ['2 | bool', false],
    ['none | bool', false],
    ['n | string', '5'],
    ['none | string', 'None'],
    ["[1, 'a'] | string", "[1, 'a']"],
    ['s | lower', 'hello'],
    ['s | upper', 'HELLO'],
    ["'  pad \\n' | trim", 'pad'],
    ["'xxhixx' | trim('x')", 'hi'],
    ["missing | default('d')", 'd'],
    ["missing | d('d')", 'd'],
    ["missing.deep.er | default('d')", 'd'],
    ['r.missing | default(n)', 5],
    ['missing | default', ''],
    ["s | default('d')", 'Hello'],
    ["empty | default('d')", ''],
    ["empty | default('d', true)", 'd'],
    ["empty | default('d', boolean=true)", 'd'],
    ["names | join(', ')", 'web1, db1'],
    ['items | join', '123'],
    ['items | first', 1],
    ['items | last', 3],
    ['s | first', 'H'],
    ['[] | first', undefined],
    ['s | list', ['H', 'e', 'l', 'l', 'o']],
    ['conf | list', ['port', 'tls']],
    ["r.stdout | regex_search('w\\w+')", 'world'],
    ["r.stdout | regex_search('(\\w+) (?P<second>\\w+)', '\\\\1', '\\\\g<second>')", ['hello', 'world']],
    ["r.stdout | regex_search('^nothing')", null],
    ["'HELLO' | regex_search('hel', ignorecase=true)", 'HEL'],
    ['s | lower | upper | length', 5],
  ])('%s', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it.each<[string, string, number]>([
    ['s | nope', "unknown filter 'nope' at column 5", 4],
    ["s | join(',', 'x')", "filter 'join' takes at most 1 argument, got 2 at column 5", 4],
    ['s | regex_search', "filter 'regex_search' is missing required argument 'regex' at column 5", 4],
    ['s | int(bogus=1)', "filter 'int' has no parameter 'bogus' at column 5", 4],
    ['s | constructor', "unknown filter 'constructor' at column 5", 4],
    ['s is nope', "unknown test 'nope' at column 6", 5],
    ['s is toString', "unknown test 'toString' at column 6", 5],
  ])('%s fails at parse time', (source, message, offset) => {
    const err = failure(() => parseExpression(source));
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
  });

  it('errors on filters applied to unsuitable values', () => {
    expect(failure(() => ev('n | length')).message).toBe("object of type 'number' has no length");
    expect(failure(() => ev('missing | length')).message).toBe("'missing' is undefined");
    expect(failure(() => ev('n | first')).message).toBe("first: 'number' is not iterable");
  });
});

describe('regular expressions (Python syntax on RE2, linear time)', () => {
  it("evaluates `banner is match('^(a+)+$')` on a 36-character banner at once", { timeout: 10_000 }, () => {
    const banner = `${'a'.repeat(35)}b`;
    expect(evaluateCondition("banner is match('^(a+)+$')", { banner })).toBe(false);
    expect(evaluateCondition("banner is match('^(a+)+$')", { banner: 'a'.repeat(36) })).toBe(true);
  });

  it.each<[string, unknown]>([
    ["'ab' is regex('a|ab', match_type='fullmatch')", true],
    ["'xab' is regex('ab')", true],
    ["'xab' is regex('ab', match_type='match')", false],
    ["'a-1 b-22' | regex_replace('(\\w)-(?P<n>\\d+)', '\\g<n>=\\1')", '1=a 22=b'],
    ["'aaa' | regex_replace('a', 'b', count=2)", 'bba'],
    ["'abxd' | regex_replace('x*', '-')", '-a-b--d-'],
    ["'A1 a2' | regex_replace('a', '', ignorecase=true)", '1 2'],
    ["'price $5' | regex_replace('\\$(\\d)', '$\\1.00')", 'price $5.00'],
    ["'k1=v1 k2=v2' | regex_findall('\\w+=\\w+')", ['k1=v1', 'k2=v2']],
    [
      "'k1=v1 k2=' | regex_findall('(\\w+)=(\\w*)')",
      [
        ['k1', 'v1'],
        ['k2', ''],
      ],
    ],
    ["'a1b22' | regex_findall('\\d(\\d)?')", ['', '2']],
    ["'A\\nb' | regex_findall('^[a-z]$', multiline=true, ignorecase=true)", ['A', 'b']],
    ["'٣' is match('\\d')", true],
  ])('%s', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it('refuses Python features neither engine can run, as located expression errors', () => {
    // A literal pattern is checked when the expression is parsed (so at load and by validate), at its offset.
    const early = failure(() => parseExpression("s is search('(?>a)')"));
    expect(early).toBeInstanceOf(ExpressionError);
    expect(early.message).toMatch(/atomic group \(\?>\.\.\.\) is not supported: neither RE2 nor the backtracking engine.* at column 13$/);
    expect(early.offset).toBe(12);
    expect(failure(() => parseExpression("s | regex_search('a*+')")).message).toMatch(/possessive/);
    expect(failure(() => parseExpression("s | regex_replace('x', '\\2')")).message).toBe(
      'invalid group reference 2 in replacement at column 24',
    );
    expect(failure(() => parseExpression("s | regex_replace(replacement='\\q', pattern='x')")).offset).toBe(30);
    // A pattern from a variable is checked when it is used, at the test or filter.
    const late = failure(() => ev('s is search(p)', { s: 'a', p: '(?>a)' }));
    expect(late.message).toMatch(/atomic group/);
    expect(late.offset).toBe(5);
    expect(failure(() => ev("s | regex_replace('l', 'L', mandatory_count=1)")).message).toMatch(/should match 1 times, but matches 2/);
    expect(failure(() => ev("s | regex_search('(x)', '\\\\2')")).message).toMatch(/no group 2/);
    expect(failure(() => ev("s is regex('x', match_type='nope')")).message).toMatch(/match_type/);
  });
});

describe('syntax errors', () => {
  it.each<[string, string, number]>([
    ['(a + b', "expected ')' at column 7", 6],
    ['a b', "unexpected 'b' at column 3", 2],
    ['1 +', 'unexpected end of expression at column 4', 3],
    ['1 +   ', 'unexpected end of expression at column 4', 3],
    ['', 'unexpected end of expression at column 1', 0],
    ["'abc", 'unterminated string at column 1', 0],
    ['x.', "expected an attribute name after '.' at column 3", 2],
    ['[1, 2', "expected ',' or ']' at column 6", 5],
    ["{'a' 1}", "expected ':' at column 6", 5],
    ['x[]', 'expected an index or a slice at column 3', 2],
    ['a ! b', 'unexpected character "!" at column 3', 2],
    ['x | int(base=2, 3)', 'positional argument after a named argument at column 17', 16],
    ['12abc', 'invalid number at column 1', 0],
    ['a and\n(b', "expected ')' at line 2, column 3", 8],
    ['x is', "expected a test name after 'is' at column 5", 4],
    ['and', "unexpected 'and' at column 1", 0],
    ['x.__proto__', "access to '__proto__' is not allowed at column 3", 2],
    ["x['constructor']", "access to 'constructor' is not allowed at column 3", 2],
    ['x.prototype.y', "access to 'prototype' is not allowed at column 3", 2],
  ])('%j', (source, message, offset) => {
    const err = failure(() => parseExpression(source));
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
    expect(err.excerpt).toContain('^');
  });
});

describe('evaluateCondition', () => {
  it.each<[Parameters<typeof evaluateCondition>[0], boolean]>([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['a', true],
    ['b', false],
    ['s', true],
    ['empty', false],
    ['items', true],
    ['nothing', false],
    ['zero', false],
    ['conf', true],
    ['{{ n == 5 }}', true],
    ['  {{ b }}  ', false],
    ['r.rc == 0', true],
    ["r.rc != 0 and 'already' not in r.stderr", false],
    [['a', 'n > 1', '{{ r is changed }}'], true],
    [['a', 'b'], false],
    [[], true],
    ['', true],
  ])('%j', (cond, expected) => {
    expect(evaluateCondition(cond, vars())).toBe(expected);
  });

  it('implements failed_when on a command result', () => {
    const cond = "r.rc != 0 and 'already' not in r.stderr";
    expect(evaluateCondition(cond, { r: commandResult({ rc: 1, stderr: 'boom' }) })).toBe(true);
    expect(evaluateCondition(cond, { r: commandResult({ rc: 1, stderr: 'user already exists' }) })).toBe(false);
    expect(evaluateCondition("'created' in r.stdout", { r: commandResult({ stdout: 'user created' }) })).toBe(true);
  });

  it('keeps offsets of the original string when stripping {{ }}', () => {
    const err = failure(() => evaluateCondition('{{ (n }}', vars()));
    expect(err.offset).toBe(5);
    expect(err.message).toBe("expected ')' at column 6");
    expect(failure(() => evaluateCondition('{{ n | nope }}', vars())).offset).toBe(7);
  });

  it('explains partially templated conditions', () => {
    expect(failure(() => evaluateCondition('{{ a }} and {{ b }}', vars())).message).toContain('do not put {{ }}');
  });

  it('names a missing variable, also for a bare name and a missing attribute', () => {
    expect(failure(() => evaluateCondition('foo', {})).message).toBe("'foo' is undefined");
    expect(failure(() => evaluateCondition(['a', 'bar.baz'], vars())).message).toBe("'bar' is undefined");
    expect(failure(() => evaluateCondition('r.chagned', vars())).message).toBe("'r.chagned' is undefined");
  });

  it('rejects a condition of the wrong type', () => {
    const bogus = null as unknown as string;
    expect(failure(() => evaluateCondition(bogus, {})).message).toBe('a condition must be a string, boolean, number or list, not null');
  });
});

describe('referencedNames', () => {
  it.each<[string, string[]]>([
    ['a and b.c', ['a', 'b']],
    ["x['k'] + y[z] | default(w)", ['x', 'y', 'z', 'w']],
    ['hostvars[inventory_hostname].role is defined', ['hostvars', 'inventory_hostname']],
    ['a or a or true or none', ['a']],
    ["[p, {'k': q}] | length", ['p', 'q']],
    ['1 + 2', []],
  ])('%s', (source, expected) => {
    expect(referencedNames(parseExpression(source))).toEqual(expected);
  });
});

describe('hostile input', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each([
    "constructor.constructor('return process')()",
    'x.__proto__',
    "x['__proto__']['polluted']",
    "x['constructor']",
    '[].constructor',
    '"".constructor.name',
    'x.prototype',
    'x.__defineGetter__',
    'process.exit(1)',
    "require('fs')",
    'this',
    'globalThis',
    'process',
    '(() => 1)()',
    '`${process.exit(1)}`',
    'x; process.exit(1)',
    'x | default(process.exit(1))',
    'new Function("return 1")',
    's.toString()',
    "{'__proto__': {'polluted': 1}}",
    "{'constructor': 1}",
    "x[k]['polluted']",
    '(x | list)[0]',
  ])('%s', (source) => {
    const v: Vars = { x: { a: 1 }, s: 'str', k: '__proto__' };
    let value: unknown;
    try {
      value = ev(source, v);
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      return;
    }
    // Anything that evaluates must be inert data, never a function or a prototype.
    expect(typeof value).not.toBe('function');
    expect(value === Object.prototype || value === Array.prototype || value === String.prototype).toBe(false);
  });

  it('reads a dynamic __proto__ / constructor key as undefined', () => {
    expect(ev('x[k] is defined', { x: {}, k: '__proto__' })).toBe(false);
    expect(ev('x[k] is defined', { x: {}, k: 'constructor' })).toBe(false);
    expect(ev('items[k] is defined', { items: [1], k: 'constructor' })).toBe(false);
    expect(ev('s[k] is defined', { s: 'abc', k: 'length' })).toBe(false);
    expect(ev("'__proto__' in x", { x: JSON.parse('{"__proto__": {"polluted": 1}}') as unknown })).toBe(false);
    expect(ev('x | list', { x: JSON.parse('{"__proto__": 1, "ok": 2}') as unknown })).toEqual(['ok']);
  });

  it('never runs getters or calls functions found in variables', () => {
    let touched = false;
    const v: Vars = {
      fn: () => {
        touched = true;
      },
      obj: Object.defineProperty({}, 'boom', { get: () => (touched = true), enumerable: true }),
      date: new Date(0),
    };
    Object.defineProperty(v, 'lazy', { get: () => (touched = true), enumerable: true });
    expect(ev('obj.boom is defined', v)).toBe(false);
    expect(ev('lazy is defined', v)).toBe(false);
    expect(ev('date.getTime is defined', v)).toBe(false);
    expect(ev('date is mapping', v)).toBe(false);
    expect(failure(() => ev('fn()', v)).message).toBe('function and method calls are not allowed at column 3');
    expect(ev('fn is defined', v)).toBe(true);
    expect(touched).toBe(false);
  });

  it('builds mapping literals without touching prototypes', () => {
    const made = ev("{'a': 1, 'polluted': 2}") as Record<string, unknown>;
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(made).toEqual({ a: 1, polluted: 2 });
    expect(failure(() => ev('{k: 1}', { k: '__proto__' })).message).toBe("'__proto__' cannot be used as a mapping key");
  });

  it('refuses very long and deeply nested input', () => {
    const long = failure(() => parseExpression('a'.repeat(MAX_SOURCE_LENGTH + 1)));
    expect(long.message).toMatch(/^expression is too long/);
    const longString = failure(() => parseExpression(`'${'x'.repeat(10_000_000)}'`));
    expect(longString.message).toMatch(/^expression is too long/);
    expect(failure(() => parseExpression('('.repeat(5000) + '1' + ')'.repeat(5000))).message).toMatch(/nested too deeply/);
    expect(failure(() => parseExpression('not '.repeat(5000) + 'a')).message).toMatch(/nested too deeply/);
    expect(failure(() => parseExpression('-'.repeat(5000) + '1')).message).toMatch(/nested too deeply/);
    expect(failure(() => parseExpression('['.repeat(5000))).message).toMatch(/nested too deeply/);
    expect(failure(() => parseExpression(Array(2000).fill('a').join(' or '))).message).toMatch(/too complex/);
  });

  it('still accepts reasonably large expressions', () => {
    const list = `x in [${Array.from({ length: 2000 }, (_, i) => i).join(', ')}]`;
    expect(ev(list, { x: 1999 })).toBe(true);
    expect(ev(Array(100).fill('a').join(' and '), { a: 1 })).toBe(1);
  });

  it('refuses values that would grow past the limits instead of spinning or crashing', { timeout: 10_000 }, () => {
    // Shared sub-lists: 2^40 leaves behind a few dozen objects.
    const dag = (): unknown => {
      let v: unknown = 'x';
      for (let i = 0; i < 40; i++) v = [v, v];
      return v;
    };
    const shared = { a: dag(), b: dag() };
    expect(failure(() => ev('a | string', shared)).message).toMatch(/too large to convert to a string/);
    expect(failure(() => ev("'p' ~ a", shared)).message).toMatch(/too large to convert to a string/);
    expect(failure(() => ev('a == b', shared)).message).toMatch(/too large to compare/);
    expect(failure(() => ev('b in [a]', shared)).message).toMatch(/too large to compare/);
    const big = { s: 'a'.repeat(9 * 1024 * 1024), l: new Array<number>(9 * 1024 * 1024).fill(0) };
    expect(failure(() => ev('s ~ s', big)).message).toMatch(/string would be longer than 16777216/);
    expect(failure(() => ev('s + s', big)).message).toMatch(/string would be longer/);
    expect(failure(() => ev('l + l', big)).message).toMatch(/list would be longer/);
    expect(failure(() => ev('[s, s] | join', big)).message).toMatch(/join: the result would be longer/);
    const subject = { s: 'a'.repeat(1000), r: '\\g<0>'.repeat(20_000) };
    expect(failure(() => ev("s | regex_replace('a', r)", subject)).message).toMatch(/grow the text/);
  });

  it('caps the input of regular expressions', () => {
    const big = 'a'.repeat(MAX_REGEX_INPUT + 1);
    expect(failure(() => ev("big is search('b')", { big })).message).toMatch(/limit is 1048576/);
    expect(ev("big is search('b')", { big: big.slice(1) })).toBe(false);
  });
});

describe('the tree', () => {
  it('is a plain tagged union with offsets', () => {
    const expr: Expr = parseExpression('r.rc == 0');
    expect(expr).toEqual({
      kind: 'binary',
      op: '==',
      at: 5,
      left: { kind: 'attribute', name: 'rc', at: 1, object: { kind: 'name', name: 'r', at: 0 } },
      right: { kind: 'literal', value: 0, at: 8 },
    });
  });
});
