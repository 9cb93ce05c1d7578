// select, reject, selectattr, rejectattr and map: tests and filters applied to every item.
import { describe, expect, it } from 'vitest';
import { errorOf, run } from './filters-support.ts';

const vars = {
  users: [
    { name: 'ann', shell: '/bin/bash', groups: ['wheel'], uid: 1001 },
    { name: 'bob', shell: '/bin/sh', uid: 1002 },
    { name: 'cid', shell: '/usr/bin/zsh', groups: [], uid: '1003' },
  ],
  nested: [{ a: { b: 1 } }, { a: { b: 2 } }],
};

describe('select and reject', () => {
  it.each<[string, unknown]>([
    ["[0, 1, '', 'a', none, [], [0]] | select", [1, 'a', [0]]],
    ["[0, 1, '', 'a', none] | reject", [0, '', null]],
    ["[1, 'a', 2.5, none] | select('number')", [1, 2.5]],
    ["[1, 'a', 2.5, none] | reject('number')", ['a', null]],
    ["['web1', 'db1', 'web2'] | select('match', 'web')", ['web1', 'web2']],
    ["['web1', 'db1', 'web2'] | reject('match', 'web')", ['db1']],
    ["['1.2', '1.10', '0.9'] | select('version', '1.2', '>=')", ['1.2', '1.10']],
    ["['a', 'B'] | select('ansible.builtin.string')", ['a', 'B']],
    ["users | selectattr('groups', 'defined') | map(attribute='name') | list", ['ann', 'cid']],
    ["users | rejectattr('groups', 'defined') | map(attribute='name') | list", ['bob']],
    ["users | selectattr('shell', 'match', '/bin/') | map(attribute='name')", ['ann', 'bob']],
    ["users | selectattr('uid', 'number') | map(attribute='name')", ['ann', 'bob']],
    ["users | selectattr('groups', 'defined') | selectattr('groups') | map(attribute='name')", ['ann']],
    ["nested | selectattr('a.b', 'version', '2', '==') | list", [{ a: { b: 2 } }]],
    // Keyword arguments go on to the test, as in Jinja.
    ["['Web1', 'db'] | select('match', 'web', ignorecase=true)", ['Web1']],
    ["['Web1', 'db'] | select('match', 'web')", []],
    ["users | selectattr('name', 'search', 'ANN', ignorecase=true) | map(attribute='uid')", [1001]],
  ])('%s', (source, expected) => {
    expect(run(source, vars)).toEqual(expected);
  });

  it('fails, as Ansible does, on a missing attribute tested for anything but being defined', () => {
    expect(errorOf("users | selectattr('groups')", vars)).toBe("'dict object' has no attribute 'groups'");
    expect(errorOf("users | selectattr('groups', 'string')", vars)).toBe("'dict object' has no attribute 'groups'");
    expect(errorOf("[1] | select('nope')")).toBe("no test named 'nope'");
    expect(errorOf("['a'] | select('match')")).toBe("test 'match' is missing required argument 'pattern'");
  });
});

describe('map', () => {
  it.each<[string, unknown]>([
    ["users | map(attribute='name') | list", ['ann', 'bob', 'cid']],
    ["users | map(attribute='groups', default=['none'])", [['wheel'], ['none'], []]],
    ["nested | map(attribute='a.b')", [1, 2]],
    ["['1', '2', 'x'] | map('int')", [1, 2, 0]],
    ["['ff', '10'] | map('int', 0, 16)", [255, 16]],
    ["['a-b', 'c'] | map('regex_replace', '-', '_')", ['a_b', 'c']],
    ["['A', 'B'] | map('lower') | join(',')", 'a,b'],
    ["[' x', 'y '] | map('ansible.builtin.trim')", ['x', 'y']],
    ["[[1, [2]], [3]] | map('flatten')", [[1, 2], [3]]],
    ["['a', 'b'] | map('default', 'z')", ['a', 'b']],
    // Keyword arguments go on to the filter, as in Jinja.
    ["['ff', 'x'] | map('int', base=16)", [255, 0]],
    ["['a', ''] | map('default', 'z', boolean=true)", ['a', 'z']],
  ])('%s', (source, expected) => {
    expect(run(source, vars)).toEqual(expected);
  });

  it('fails on a missing attribute without default, and on unknown filters', () => {
    expect(errorOf("users | map(attribute='groups') | list", vars)).toBe("'dict object' has no attribute 'groups'");
    expect(errorOf("[1] | map('nope')")).toBe("map: no filter named 'nope'");
    expect(errorOf("[1] | map('join', ',', 'x')")).toBe("filter 'join' takes at most 1 argument, got 2");
    expect(errorOf('[1] | map')).toBe('map: expected a filter name or attribute=');
    expect(errorOf("[{'a': 1}] | map(attribute='a', base=2)")).toBe("map: unexpected keyword argument 'base'");
    expect(errorOf("[1] | map('int', nope=1)")).toBe("filter 'map' has no parameter 'nope' at column 7");
    expect(errorOf("['1'] | map('lower', base=2)")).toBe("filter 'lower' has no parameter 'base'");
  });
});
