// to_json, to_nice_json, from_json, to_yaml, to_nice_yaml, from_yaml: byte for byte what Ansible 2.14 writes.
import { describe, expect, it } from 'vitest';
import { errorOf, run } from './filters-support.ts';

describe('JSON (Python json.dumps)', () => {
  it.each<[string, unknown]>([
    ["{'a': 1, 'l': [1, 'é', none, true]} | to_json", '{"a": 1, "l": [1, "\\u00e9", null, true]}'],
    ["{'b': 'é'} | to_json(ensure_ascii=false)", '{"b": "é"}'],
    ["{'b': 1, 'a': 2} | to_json(sort_keys=true)", '{"a": 2, "b": 1}'],
    ["{'d': 'x\"y\\\\z', 'e': 'tab\\there'} | to_json", '{"d": "x\\"y\\\\z", "e": "tab\\there"}'],
    ['0.00001 | to_json', '1e-05'],
    ['[] | to_json', '[]'],
    ["{'b': 1, 'a': []} | to_nice_json", '{\n    "a": [],\n    "b": 1\n}'],
    ['[1, [2]] | to_nice_json(indent=2)', '[\n  1,\n  [\n    2\n  ]\n]'],
    ["{'b': 1, 'a': 2} | to_nice_json(sort_keys=false)", '{\n    "b": 1,\n    "a": 2\n}'],
    ['\'{"a": [1, 2.5, null, true]}\' | from_json', { a: [1, 2.5, null, true] }],
    ["{'x': [1, {'y': 'z'}]} | to_json | from_json", { x: [1, { y: 'z' }] }],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('reports bad JSON as an expression error', () => {
    expect(errorOf("'{nope' | from_json")).toMatch(/^from_json: /);
  });

  it('never lets a parsed __proto__ key reach a prototype', () => {
    const value = run('\'{"__proto__": {"polluted": 1}, "a": 1}\' | from_json') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(run('(\'{"__proto__": {"p": 1}, "a": 1}\' | from_json) | list')).toEqual(['a']);
  });
});

describe('YAML (PyYAML yaml.dump as Ansible calls it)', () => {
  const long = `${'x'.repeat(100)} y z`;
  const words = 'word '.repeat(30);
  it.each<[string, unknown]>([
    ["{'a': [1, 2], 'b': {'c': 'x'}} | to_yaml", 'a: [1, 2]\nb: {c: x}\n'],
    ["{'b': 1, 'a': 'yes'} | to_yaml", "{a: 'yes', b: 1}\n"],
    ["'a' | to_yaml", 'a\n'],
    ['none | to_yaml', 'null\n'],
    ['[[1, 2], [3]] | to_yaml', '- [1, 2]\n- [3]\n'],
    ['[[1, 2], [3]] | to_nice_yaml', '-   - 1\n    - 2\n-   - 3\n'],
    [
      "[{'n': 1, 'v': [1, 2], 'y': 'yes', 'z': '1.0', 'w': '0644', 'q': 'a: b', 'e': '', 'nul': none, 't': true}] | to_nice_yaml",
      "-   e: ''\n    n: 1\n    nul: null\n    q: 'a: b'\n    t: true\n    v:\n    - 1\n    - 2\n    w: '0644'\n    y: 'yes'\n    z: '1.0'\n",
    ],
    ["{'a': {'b': [{'c': 1}]}} | to_nice_yaml(indent=2)", 'a:\n  b:\n  - c: 1\n'],
    ["{'a': 'line1\\nline2'} | to_yaml", "{a: 'line1\n\n    line2'}\n"],
    ["{'a': 'line1\\nline2'} | to_nice_yaml", "a: 'line1\n\n    line2'\n"],
    ['{"k": long} | to_yaml', `{k: ${'x'.repeat(100)}\n    y z}\n`],
    ['{"k": long} | to_nice_yaml', `k: ${'x'.repeat(100)}\n    y z\n`],
    ["{'t': 'a\\tb', 'u': 'é😀', 'e': [], 'd': {}} | to_yaml", 'd: {}\ne: []\nt: "a\\tb"\nu: "é\\U0001F600"\n'],
    [
      "{'f': 0.00001, 'h': 0.5, 'x': '- a', 'y': 'a: b', 'z': '#c', 'w': ' lead', 'q': \"it's\"} | to_yaml",
      "{f: 1.0e-05, h: 0.5, q: it's, w: ' lead', x: '- a', y: 'a: b', z: '#c'}\n",
    ],
    ["{'long': [words]} | to_nice_yaml", `long:\n- '${'word '.repeat(16).trimEnd()}\n    ${'word '.repeat(14)}'\n`],
    ["{'b': 1, 'a': 2} | to_nice_yaml(sort_keys=false)", 'b: 1\na: 2\n'],
  ])('%s', (source, expected) => {
    expect(run(source, { long, words })).toBe(expected);
  });

  it.each<[string, unknown]>([
    // PyYAML's YAML 1.1 types, as Ansible reads them: yes is true, 0644 octal, 1:30 sexagesimal.
    ["'a: [1, 2]\\nb: yes\\nc: 0644\\nd: 1:30\\ne: ~\\nf: !!str 3' | from_yaml", { a: [1, 2], b: true, c: 420, d: 90, e: null, f: '3' }],
    ["'base: &b {x: 1}\\nother:\\n  <<: *b\\n  y: 2' | from_yaml", { base: { x: 1 }, other: { x: 1, y: 2 } }],
    ["'- a\\n---\\n- b' | from_yaml_all", [['a'], ['b']]],
    ["'' | from_yaml", null],
    ["{'a': 1} | from_yaml", { a: 1 }],
    ["{'a': [1, 'yes', '0644']} | to_yaml | from_yaml", { a: [1, 'yes', '0644'] }],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('refuses custom tags, several documents for from_yaml, and alias bombs', () => {
    expect(errorOf("'a: !python/object:os.system x' | from_yaml")).toMatch(/^from_yaml: /);
    expect(errorOf("'- a\\n---\\n- b' | from_yaml")).toMatch(/from_yaml_all/);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => `${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(errorOf('text | from_yaml', { text: bomb })).toMatch(/^from_yaml: /);
  });
});

describe('values that share parts (2^40 leaves from 40 small levels)', () => {
  const shared = (): Record<string, unknown> => {
    let list: unknown = ['x'];
    let mapping: unknown = { x: 1 };
    for (let i = 0; i < 40; i++) {
      list = [list, list];
      mapping = { a: mapping, b: mapping };
    }
    return { list, mapping };
  };

  it.each([
    ['list | to_json', 'convert to a string'],
    ['list | to_nice_json', 'convert to a string'],
    ['list | to_yaml', 'convert to a string'],
    ['mapping | to_nice_yaml', 'convert to a string'],
    ['list | flatten', 'flatten'],
    ['mapping | combine(mapping, recursive=true)', 'combine'],
  ])('%s fails fast instead of walking every leaf', { timeout: 10_000 }, (source, what) => {
    expect(errorOf(source, shared())).toBe(`value is too large to ${what} (over 250000 items)`);
  });

  it('compares a shared part with itself without walking it', { timeout: 10_000 }, () => {
    const { list } = shared();
    expect(run('[list, list] | max', { list })).toBe(list);
    expect(run('[list, list] | unique | length', { list })).toBe(1);
  });
});
