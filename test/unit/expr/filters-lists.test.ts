// List, set and mapping filters, with the results Ansible 2.14 / Jinja 3.1 give.
import { describe, expect, it } from 'vitest';
import { errorOf, run } from './filters-support.ts';

describe('list filters', () => {
  it.each<[string, unknown]>([
    ['[3, 4] | first', 3],
    ['[3, 4] | last', 4],
    ["'abc' | last", 'c'],
    ['[1, 2, 3] | length', 3],
    ["{'a': 1} | count", 1],
    ["[1, [2, none, 'None', 'null', [3, [4]]]] | flatten", [1, 2, 3, 4]],
    ['[1, [2, [3, [4]]]] | flatten(levels=1)', [1, 2, [3, [4]]]],
    ['[1, [2, [3, [4]]]] | flatten(2)', [1, 2, 3, [4]]],
    ['[1, [none]] | flatten(skip_nulls=false)', [1, null]],
    [
      "[1, 2, 3] | zip(['a', 'b'])",
      [
        [1, 'a'],
        [2, 'b'],
      ],
    ],
    [
      "[1, 2] | zip(['a', 'b'], [true, false])",
      [
        [1, 'a', true],
        [2, 'b', false],
      ],
    ],
    [
      "[1, 2] | zip_longest(['a'])",
      [
        [1, 'a'],
        [2, null],
      ],
    ],
    [
      "[1, 2] | zip_longest(['a'], fillvalue='-')",
      [
        [1, 'a'],
        [2, '-'],
      ],
    ],
    [
      "[1, 2] | product(['a', 'b'])",
      [
        [1, 'a'],
        [1, 'b'],
        [2, 'a'],
        [2, 'b'],
      ],
    ],
    [
      '[1, 2, 3] | combinations(2)',
      [
        [1, 2],
        [1, 3],
        [2, 3],
      ],
    ],
    [
      '[1, 2, 3] | permutations(2)',
      [
        [1, 2],
        [1, 3],
        [2, 1],
        [2, 3],
        [3, 1],
        [3, 2],
      ],
    ],
    [
      '[1, 2] | permutations',
      [
        [1, 2],
        [2, 1],
      ],
    ],
    ['[1, 2] | combinations(3)', []],
    ["['b', 'A', 'c'] | min", 'A'],
    ["['b', 'A', 'c'] | max", 'c'],
    ["['b', 'A', 'c'] | min(case_sensitive=true)", 'A'],
    ["['b', 'a', 'B'] | max(case_sensitive=true)", 'b'],
    ["[{'n': 3}, {'n': 10}] | max(attribute='n')", { n: 10 }],
    ['[1, 2.5, true] | sum', 4.5],
    ["[{'n': 3}, {'n': 10}] | sum(attribute='n')", 13],
    ['[[1], [2, 3]] | sum(start=[])', [1, 2, 3]],
    ["['b', 'A', 'c'] | sort", ['A', 'b', 'c']],
    ["['b', 'A', 'c'] | sort(case_sensitive=true)", ['A', 'b', 'c']],
    ["['b', 'a', 'C'] | sort(case_sensitive=true)", ['C', 'a', 'b']],
    ['[3, 1, 2] | sort(reverse=true)', [3, 2, 1]],
    ["[{'n': 'b', 'v': 2}, {'n': 'a', 'v': 2}, {'n': 'c', 'v': 1}] | sort(attribute='v,n') | map(attribute='n') | list", ['c', 'a', 'b']],
    ["[{'p': {'q': 2}}, {'p': {'q': 1}}] | sort(attribute='p.q') | map(attribute='p.q')", [1, 2]],
    [
      "[[2, 'a'], [1, 'b'], [1, 'a']] | sort",
      [
        [1, 'a'],
        [1, 'b'],
        [2, 'a'],
      ],
    ],
    ["'abc' | reverse", 'cba'],
    ['[1, 2, 3] | reverse', [3, 2, 1]],
    [
      "[1, 2, 3, 4, 5] | batch(2, 'x')",
      [
        [1, 2],
        [3, 4],
        [5, 'x'],
      ],
    ],
    ['[1, 2, 3, 4, 5] | batch(2)', [[1, 2], [3, 4], [5]]],
    [
      '[1, 2, 3, 4, 5] | slice(2)',
      [
        [1, 2, 3],
        [4, 5],
      ],
    ],
    [
      '[1, 2, 3, 4] | slice(3, 0)',
      [
        [1, 2],
        [3, 0],
        [4, 0],
      ],
    ],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('refuses what Python cannot order or add, and empty aggregates', () => {
    expect(errorOf("[1, 'a'] | sort")).toBe("'<' not supported between instances of 'string' and 'number'");
    expect(errorOf('[] | max')).toBe('No aggregated item, sequence was empty.');
    expect(errorOf("['a'] | sum")).toMatch(/unsupported operand/);
    expect(errorOf("[{'a': 1}] | sort(attribute='b')")).toBe("item has no attribute 'b'");
  });
});

describe('unique and set filters', () => {
  it.each<[string, unknown]>([
    // Jinja's unique, as Ansible calls it, ignores case by default; the set filters do not.
    ["['a', 'A', 'b', 'a'] | unique", ['a', 'b']],
    ["['a', 'A'] | unique(case_sensitive=true)", ['a', 'A']],
    ["'abca' | unique", ['a', 'b', 'c']],
    ["[[1], [1], {'a': 1}, {'a': 1}] | unique", [[1], { a: 1 }]],
    ["[{'n': 1, 'x': 'a'}, {'n': 1, 'x': 'b'}] | unique(attribute='n')", [{ n: 1, x: 'a' }]],
    ['[1, true, 2] | unique', [1, 2]],
    ["['a', 'B'] | union(['A', 'b', 'a'])", ['a', 'B', 'A', 'b']],
    ["['a', 'B', 'a'] | intersect(['A', 'a', 'B'])", ['a', 'B']],
    ["['a', 'B', 'b', 'a'] | difference(['b'])", ['a', 'B']],
    ["['a', 'B'] | symmetric_difference(['A', 'c', 'B'])", ['a', 'A', 'c']],
    ['[[1, 2], [3]] | difference([[3]])', [[1, 2]]],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('needs lists', () => {
    expect(errorOf("'ab' | union(['a'])")).toBe('union: expected a list, got string');
  });
});

describe('mapping filters', () => {
  const vars = {
    low: { a: { x: 1, l: [1, 2] }, keep: 'low' },
    high: { a: { y: 2, l: [2, 3] }, add: 'high' },
  };
  it.each<[string, unknown]>([
    ['low | combine(high)', { a: { y: 2, l: [2, 3] }, keep: 'low', add: 'high' }],
    ['low | combine(high, recursive=true)', { a: { x: 1, y: 2, l: [2, 3] }, keep: 'low', add: 'high' }],
    ["low | combine(high, recursive=true, list_merge='append')", { a: { x: 1, y: 2, l: [1, 2, 2, 3] }, keep: 'low', add: 'high' }],
    ["low | combine(high, recursive=true, list_merge='prepend')", { a: { x: 1, y: 2, l: [2, 3, 1, 2] }, keep: 'low', add: 'high' }],
    ["low | combine(high, recursive=true, list_merge='append_rp')", { a: { x: 1, y: 2, l: [1, 2, 3] }, keep: 'low', add: 'high' }],
    ["low | combine(high, recursive=true, list_merge='prepend_rp')", { a: { x: 1, y: 2, l: [2, 3, 1] }, keep: 'low', add: 'high' }],
    ["low | combine(high, recursive=true, list_merge='keep')", { a: { x: 1, y: 2, l: [1, 2] }, keep: 'low', add: 'high' }],
    ["[{'a': 1}, {'a': 2, 'b': 3}] | combine", { a: 2, b: 3 }],
    ["{'a': 1} | combine({'a': 2}, {'a': 3})", { a: 3 }],
    ["{'a': 1} | combine([{'b': 2}, {'a': 0}])", { a: 0, b: 2 }],
    ['[] | combine', {}],
    [
      "{'a': 1, 'b': 2} | dict2items",
      [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ],
    ],
    ["{'a': 1} | dict2items(key_name='k', value_name='v')", [{ k: 'a', v: 1 }]],
    ["[{'key': 'a', 'value': 1}] | items2dict", { a: 1 }],
    ["[{'n': 'a', 'v': 1}, {'n': 'a', 'v': 2}] | items2dict(key_name='n', value_name='v')", { a: 2 }],
    ["[['a', 1], ['b', 2]] | dict", { a: 1, b: 2 }],
    ["['a', 'b'] | zip([1, 2]) | community.general.dict", { a: 1, b: 2 }],
    [
      "{'b': 1, 'A': 2, 'c': 0} | dictsort",
      [
        ['A', 2],
        ['b', 1],
        ['c', 0],
      ],
    ],
    [
      "{'b': 1, 'A': 2, 'c': 0} | dictsort(by='value', reverse=true)",
      [
        ['A', 2],
        ['b', 1],
        ['c', 0],
      ],
    ],
    [
      "{'b': 1, 'a': 2} | items",
      [
        ['b', 1],
        ['a', 2],
      ],
    ],
    ["'web1' | extract(hv, 'ip')", '10.0.0.1'],
    [
      "[{'n': 'b', 'g': 'X'}, {'n': 'a', 'g': 'x'}, {'n': 'c', 'g': 'Y'}] | groupby('g')",
      [
        [
          'X',
          [
            { n: 'b', g: 'X' },
            { n: 'a', g: 'x' },
          ],
        ],
        ['Y', [{ n: 'c', g: 'Y' }]],
      ],
    ],
    [
      "[{'n': 'b', 'g': 'X'}, {'n': 'a', 'g': 'x'}] | groupby('g', case_sensitive=true)",
      [
        ['X', [{ n: 'b', g: 'X' }]],
        ['x', [{ n: 'a', g: 'x' }]],
      ],
    ],
    ["[{'n': 1}, {'n': 2, 'g': 'a'}] | groupby('g', default='-') | map('first')", ['-', 'a']],
    ["'v' | community.general.dict_kv('k')", { k: 'v' }],
    [
      "[{'n': 'a', 'l': [1, 2]}, {'n': 'b', 'l': [3]}, {'n': 'c'}] | subelements('l', skip_missing=true)",
      [
        [{ n: 'a', l: [1, 2] }, 1],
        [{ n: 'a', l: [1, 2] }, 2],
        [{ n: 'b', l: [3] }, 3],
      ],
    ],
    ["{'x': {'d': {'k': ['p']}}} | subelements('d.k')", [[{ d: { k: ['p'] } }, 'p']]],
    ["['web1', 'web2'] | map('extract', hv, ['net', 'if']) | list", ['eth0', 'eth1']],
  ])('%s', (source, expected) => {
    const hv = { web1: { ip: '10.0.0.1', net: { if: 'eth0' } }, web2: { ip: '10.0.0.2', net: { if: 'eth1' } } };
    expect(run(source, { ...vars, hv })).toEqual(expected);
  });

  it('keeps the inputs unchanged and refuses what Ansible refuses', () => {
    const data = { low: { a: { x: 1 } }, high: { a: { y: 2 } } };
    run('low | combine(high, recursive=true)', data);
    expect(data).toEqual({ low: { a: { x: 1 } }, high: { a: { y: 2 } } });
    expect(errorOf("{'a': 1} | combine([1])")).toMatch(/expected dicts but got a 'number'/);
    expect(errorOf("{'a': 1} | combine({}, list_merge='merge')")).toMatch(/list_merge/);
    expect(errorOf('[1] | dict2items')).toBe('dict2items requires a dictionary, got list instead.');
    expect(errorOf("[{'key': 'a'}] | items2dict")).toMatch(/no 'value' key/);
    expect(errorOf("[['__proto__', 1]] | dict")).toMatch(/cannot be used as a mapping key/);
    expect(errorOf("[{'n': 'c'}] | subelements('l')")).toMatch(/could not find 'l' key/);
    // A missing key is undefined, as in Ansible: an error when used, unless defaulted.
    expect(run("'x' | extract({}) | default('none')")).toBe('none');
    expect(errorOf("'x' | extract({}) | upper")).toMatch(/undefined/);
  });
});
