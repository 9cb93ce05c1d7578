// Number filters (Python rounding, Ansible's seeded random), version comparison, and the filter names.
import { describe, expect, it } from 'vitest';
import { FILTERS, suggestFilter } from '../../../engine/expr/filters.ts';
import { errorOf, run } from './filters-support.ts';

describe('number filters', () => {
  it.each<[string, unknown]>([
    ['-3 | abs', 3],
    ['3.7 | abs', 3.7],
    // Python's round: exact halves to even, judged on the binary value (2.675 is just below 2.675).
    ['2.5 | round', 2],
    ['3.5 | round', 4],
    ['0.125 | round(2)', 0.12],
    ['0.375 | round(2)', 0.38],
    ['2.675 | round(2)', 2.67],
    ['-2.5 | round', -2],
    ['1234 | round(-2)', 1200],
    ["3.14159 | round(2, 'floor')", 3.14],
    ["3.14159 | round(1, 'ceil')", 3.2],
    ['2 | pow(10)', 1024],
    ['100 | log(10)', 2],
    ['27 | root(3)', 3],
    ['16 | root', 4],
    ['1024 | human_readable', '1.00 KB'],
    ['1536 | human_readable', '1.50 KB'],
    ['10 | human_readable', '10.00 Bytes'],
    ['0 | human_readable', '0.00 Bytes'],
    ['1048576 | human_readable(isbits=true)', '1.00 Mb'],
    ["1048576 | human_readable(unit='K')", '1024.00 KB'],
  ])('%s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('random with a seed picks what Ansible picks (Python random.Random)', () => {
    // Values from Ansible 2.14: `60 | random(seed='web1')` is 52, the classic cron-minute idiom.
    expect(run("60 | random(seed='web1')")).toBe(52);
    expect(run('60 | random(seed=host)', { host: 'web1' })).toBe(52);
    expect(run("['a', 'b', 'c'] | random(seed='x')")).toBe('c');
    expect(run('[3, 1, 2] | random(seed=5)')).toBe(2);
    expect(run("100 | random(start=10, step=5, seed='h')")).toBe(50);
    expect(run("2 | random(seed='abc')")).toBe(1);
    expect(run("'abc' | random(seed=7)")).toBe('b');
    expect(run("[1, 2, 3, 4, 5] | shuffle(seed='web1')")).toEqual([4, 1, 2, 5, 3]);
    expect(run("['a', 'b', 'c'] | shuffle(seed=3)")).toEqual(['b', 'c', 'a']);
  });

  it('random without a seed stays in range and varies', () => {
    const draws = new Set(Array.from({ length: 200 }, () => run('10 | random(start=5)')));
    expect([...draws].every((n) => typeof n === 'number' && n >= 5 && n < 10)).toBe(true);
    expect(draws.size).toBeGreaterThan(1);
    expect(errorOf('0 | random')).toMatch(/empty range/);
    expect(errorOf("'2048' | human_readable")).toBe('human_readable: expected a number, got string');
    expect(errorOf('[] | random')).toMatch(/empty sequence/);
    expect(errorOf("['a'] | random(start=1)")).toMatch(/only be used with integer values/);
  });

  it('compares versions with the same code as the version test', () => {
    expect(run("'1.10' | version('1.9', '>')")).toBe(true);
    expect(run("'1.10' | version('1.9', '<')")).toBe(false);
    expect(run("'1.0.0-rc1' | version('1.0.0', 'lt', version_type='semver')")).toBe(true);
    expect(run("['1.10', '1.9', '1.2.0'] | community.general.version_sort")).toEqual(['1.2.0', '1.9', '1.10']);
    expect(errorOf("'1' | version('2', '=>')")).toBe('invalid version operator "=>"');
  });
});

describe('filter names', () => {
  it('registers every filter under ansible.builtin. (and community.general. where Ansible content uses it)', () => {
    for (const name of ['combine', 'regex_replace', 'to_nice_yaml', 'password_hash', 'map', 'selectattr', 'default', 'd']) {
      expect(FILTERS.get(`ansible.builtin.${name}`)).toBe(FILTERS.get(name));
    }
    expect(FILTERS.get('community.general.dict')).toBe(FILTERS.get('dict'));
    expect(run("['a'] | ansible.builtin.union(['b']) | ansible.builtin.join(',')")).toBe('a,b');
  });

  it('suggests the closest filter for an unknown name', () => {
    expect(suggestFilter('regex_replce')).toBe('regex_replace');
    expect(suggestFilter('to_nice_yml')).toBe('to_nice_yaml');
    expect(suggestFilter('ansible.builtin.combin')).toBe('combine');
    expect(suggestFilter('xyzzy_plugh')).toBeUndefined();
    expect(errorOf("'a' | nope")).toMatch(/unknown filter 'nope'/);
  });
});
