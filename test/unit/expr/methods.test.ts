// Method calls on values: a fixed allowlist per type (str, dict, list) with Python's semantics; nothing else is callable.
import { afterEach, describe, expect, it } from 'vitest';
import { parseExpression } from '../../../engine/expr/index.ts';
import type { Vars } from '../../../engine/types.ts';
import { ev, failure } from './support.ts';

const v: Vars = {
  s: '  Hello World  ',
  csv: 'a,b,,c',
  words: 'one  two\tthree\n',
  d: { b: 2, a: 1, get: 'key named get' },
  l: [3, 1, 3, [1]],
  ver: '1.22.3',
};

describe('str methods', () => {
  it.each<[string, unknown]>([
    ["csv.split(',')", ['a', 'b', '', 'c']],
    ["csv.split(',', 1)", ['a', 'b,,c']],
    ["csv.split(sep=',', maxsplit=2)", ['a', 'b', ',c']],
    ['words.split()', ['one', 'two', 'three']],
    ['words.split(none, 1)', ['one', 'two\tthree\n']],
    ["csv.rsplit(',', 1)", ['a,b,', 'c']],
    ['words.rsplit(none, 1)', ['one  two', 'three']],
    ["ver.split('.')[0] | int", 1],
    ["'a b'.split(' ')", ['a', 'b']],
    ["ver.startswith('1.2')", true],
    ["ver.startswith(('0.', '1.'))", true],
    ["ver.startswith('22', 2)", true],
    ["ver.endswith('.3')", true],
    ["ver.endswith('x')", false],
    ['s.strip()', 'Hello World'],
    ['s.lstrip()', 'Hello World  '],
    ['s.rstrip()', '  Hello World'],
    ["'xxhixx'.strip('x')", 'hi'],
    ["'/etc/'.rstrip('/')", '/etc'],
    ['s.strip().lower()', 'hello world'],
    ['s.upper()', '  HELLO WORLD  '],
    ["ver.replace('.', '-')", '1-22-3'],
    ["ver.replace('.', '', 1)", '122.3'],
    ["'abc'.replace('', '-')", '-a-b-c-'],
    ["'{}-{}'.format('a', 1)", 'a-1'],
    ["'{1}{0}{1}'.format('a', 'b')", 'bab'],
    ["'{name}:{port:>6}'.format(name='web', port=80)", 'web:    80'],
    ["'{:.2f}|{:05d}|{:,}|{:x}|{:<4}|{:^7}'.format(3.14159, 42, 1234567, 255, 'ab', 'mid')", '3.14|00042|1,234,567|ff|ab  |  mid  '],
    ["'{0[b]} {0.a} {1[0]}'.format(d, l)", '2 1 3'],
    ["'{!r} {}'.format('q', none)", "'q' None"],
    ["'{{literal}} {}'.format(1)", '{literal} 1'],
    ["'{:g} {:g} {:e}'.format(0.00001, 1500.0, 12345.678)", '1e-05 1500 1.234568e+04'],
    ["'{:+d} {: d} {:.1%}'.format(5, 5, 0.25)", '+5  5 25.0%'],
    // Python rounds exact ties to even (JavaScript's toFixed rounds them up).
    ["'{:.0f} {:.0f} {:.2f} {:.2f} {:.2f}'.format(2.5, 3.5, 0.125, 0.375, 1.005)", '2 4 0.12 0.38 1.00'],
    ["'%.0f %.1f' % (0.5, 0.25)", '0 0.2'],
    ["', '.join(['a', 'b'])", 'a, b'],
    ["'-'.join('abc')", 'a-b-c'],
    ["'hello wORLD-foo 1st'.title()", 'Hello World-Foo 1St'],
    ["'hELLO'.capitalize()", 'Hello'],
    ["ver.find('22')", 2],
    ["ver.find('x')", -1],
    ["ver.rfind('.')", 4],
    ["ver.index('.')", 1],
    ["'banana'.count('a')", 3],
    ["'banana'.count('an', 2)", 1],
    ["'a\\nb\\r\\nc\\n'.splitlines()", ['a', 'b', 'c']],
    ["'a\\nb'.splitlines(true)", ['a\n', 'b']],
    ["'42'.isdigit()", true],
    ["'4a'.isdigit()", false],
    ["'abc'.islower()", true],
    ["'7'.zfill(3)", '007'],
    ["'ab'.center(5, '*')", '**ab*'],
    ["'ab'.ljust(4, '.')", 'ab..'],
  ])('%s', (source, expected) => {
    expect(ev(source, v)).toEqual(expected);
  });

  it.each([
    ["csv.split('')", 'empty separator'],
    ["ver.index('x')", 'substring not found'],
    ["','.join([1, 2])", 'sequence item 0: expected str instance, number found'],
    ['ver.split(1)', 'split: sep must be a string, not number'],
    ["ver.replace('a')", "replace() is missing required argument 'new'"],
    ['ver.lower(1)', 'lower() takes at most 0 arguments (1 given)'],
    ["ver.strip(bogus='x')", "strip() got an unexpected keyword argument 'bogus'"],
    ["'{} {}'.format(1)", 'Replacement index 1 out of range for positional args tuple'],
    ["'{0} {}'.format(1, 2)", 'cannot switch from manual field specification to automatic field numbering'],
    ["'{:d}'.format('x')", "Unknown format code 'd' for object of type 'string'"],
    ["'{x}'.format()", "format: no argument named 'x'"],
    ["'a}'.format()", "Single '}' encountered in format string"],
  ])('%s is an error', (source, message) => {
    expect(failure(() => ev(source, v)).message).toBe(message);
  });
});

describe('dict and list methods', () => {
  it.each<[string, unknown]>([
    ['d.keys()', ['b', 'a', 'get']],
    ['d.keys() | list | length', 3],
    ['d.values()', [2, 1, 'key named get']],
    [
      'd.items()',
      [
        ['b', 2],
        ['a', 1],
        ['get', 'key named get'],
      ],
    ],
    ["d.get('a')", 1],
    ["d.get('zz')", null],
    ["d.get('zz', 'dflt')", 'dflt'],
    ["d.get('zz', default=0)", 0],
    // A key that names a method: `d.get` reads the key, `d.get(...)` calls the method (as in Jinja).
    ['d.get', 'key named get'],
    ["d['get']", 'key named get'],
    ["'a' in d.keys()", true],
    ['l.index(1)', 1],
    ['l.index([1])', 3],
    ['l.count(3)', 2],
    ['l.count(9)', 0],
    ["'x'.upper().lower().startswith('x')", true],
    ["ver.split('.')[1:] | join('.')", '22.3'],
  ])('%s', (source, expected) => {
    expect(ev(source, v)).toEqual(expected);
  });

  it('refuses a method of another type, and on undefined values', () => {
    expect(failure(() => ev('l.keys()', v)).message).toBe("a list has no method 'keys'");
    expect(failure(() => ev("d.split(',')", v)).message).toBe("a mapping has no method 'split'");
    expect(failure(() => ev('(5).lower()', v)).message).toBe("a number has no method 'lower'");
    expect(failure(() => ev('l.index(9)', v)).message).toBe('list.index(x): x not in list');
    expect(failure(() => ev('missing.keys()', v)).message).toBe("'missing' is undefined");
  });
});

describe('nothing outside the allowlist is callable', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['s.toString()', "unknown method 'toString' at column 3", 2],
    ['s.constructor()', "access to 'constructor' is not allowed at column 3", 2],
    ['d.__class__()', "access to '__class__' is not allowed at column 3", 2],
    ["d.setdefault('polluted', 1)", "unknown method 'setdefault' at column 3", 2],
    ['l.sort()', "unknown method 'sort' at column 3", 2],
    ['s.valueOf()', "unknown method 'valueOf' at column 3", 2],
    ['l.pop()', "unknown method 'pop' at column 3", 2],
    ['fn()', 'function and method calls are not allowed at column 3', 2],
    ['eval("1")', 'function and method calls are not allowed at column 5', 4],
    ['d.keys()()', 'function and method calls are not allowed at column 9', 8],
    ["d['keys']()", 'function and method calls are not allowed at column 10', 9],
    ['(s.strip)()', 'function and method calls are not allowed at column 10', 9],
  ])('%s is refused when parsed', (source, message, offset) => {
    const err = failure(() => parseExpression(source));
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
  });

  it('never calls functions found in the data, even under a method name', () => {
    let called = false;
    const hostile: Vars = {
      o: Object.assign(Object.create(null) as object, {
        keys: () => {
          called = true;
          return ['pwned'];
        },
      }),
      f: { split: () => (called = true) },
    };
    expect(ev('o.keys()', hostile)).toEqual(['keys']);
    expect(failure(() => ev("f.split(',')", hostile)).message).toBe("a mapping has no method 'split'");
    expect(called).toBe(false);
  });
});

describe('changing lists and mappings the expression built (append, extend, insert, update)', () => {
  const keep = { keepOwned: true };

  it('changes its own lists and mappings in place and returns none', () => {
    expect(ev('[1, 2].append(3)')).toBeNull();
    // What one evaluation builds, a later one may change when the first kept it (a template's {% set %}).
    const scope: Vars = { hosts: ev('[]', {}, keep), conf: ev("{'a': 1}", {}, keep) };
    expect(ev("hosts.append('web1')", scope)).toBeNull();
    expect(ev("hosts.extend(['db1', 'db2'])", scope)).toBeNull();
    expect(ev("hosts.insert(0, 'lb')", scope)).toBeNull();
    expect(scope.hosts).toEqual(['lb', 'web1', 'db1', 'db2']);
    expect(ev("conf.update({'b': 2}, c=3)", scope)).toBeNull();
    expect(ev("conf.update([['d', 4]])", scope)).toBeNull();
    expect(scope.conf).toEqual({ a: 1, b: 2, c: 3, d: 4 });
    const fresh: Vars = {
      parts: ev("'a,b'.split(',')", {}, keep),
      keys: ev("{'k': 1}.keys()", {}, keep),
      r: ev('range(2)', {}, keep),
      sum: ev('[1] + [2]', {}, keep),
      sliced: ev('[1, 2][1:]', {}, keep),
    };
    for (const name of ['parts', 'keys', 'r', 'sum', 'sliced']) expect(ev(`${name}.append(9)`, fresh)).toBeNull();
    expect(fresh.parts).toEqual(['a', 'b', 9]);
  });

  it('releases results by default, so a value stored as a variable is never changed later', () => {
    const stored: Vars = { facts: ev("{'list': [1]}"), items: ev('[1]') };
    const message = 'can only change a list or mapping made by the expression or template itself, not a variable';
    expect(failure(() => ev('items.append(2)', stored)).message).toBe(`append() ${message}`);
    expect(failure(() => ev('facts.list.append(2)', stored)).message).toBe(`append() ${message}`);
    expect(failure(() => ev('facts.update(x=1)', stored)).message).toBe(`update() ${message}`);
    expect(stored).toEqual({ facts: { list: [1] }, items: [1] });
  });

  it('never changes variables, facts or registered results', () => {
    const data: Vars = { hosts: ['web1'], conf: { a: 1 }, r: { results: [1] } };
    const message = 'can only change a list or mapping made by the expression or template itself, not a variable';
    expect(failure(() => ev("hosts.append('x')", data)).message).toBe(`append() ${message}`);
    expect(failure(() => ev('conf.update(b=2)', data)).message).toBe(`update() ${message}`);
    expect(failure(() => ev('r.results.extend([2])', data)).message).toBe(`extend() ${message}`);
    expect(failure(() => ev("conf.get('zz', hosts).append(1)", data)).message).toBe(`append() ${message}`);
    expect(failure(() => ev('(hosts | default([])).append(1)', data)).message).toBe(`append() ${message}`);
    expect(data).toEqual({ hosts: ['web1'], conf: { a: 1 }, r: { results: [1] } });
  });

  it('keeps prototypes out of updated mappings', () => {
    const scope: Vars = { conf: ev('{}', {}, keep) };
    expect(failure(() => ev("conf.update({'k': 1}, __proto__=1)", scope)).message).toMatch(/cannot be used as a mapping key|not allowed/);
    expect(failure(() => ev("conf.update([['constructor', 1]])", scope)).message).toBe("'constructor' cannot be used as a mapping key");
    expect(({} as Record<string, unknown>).k).toBeUndefined();
  });
});
