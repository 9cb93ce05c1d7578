// The YAML loader: PyYAML's scalar typing, alias and duplicate-key checks, encoding, and linear parse time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadYamlFile, parseYaml } from '../../engine/yaml/load.ts';
import { expectLinear } from '../support/scaling.ts';
import { thrown, writeTree } from './inventory/tree.ts';

// Expected values produced once with PyYAML 6.0.3 (`yaml.safe_load('v: ' + text)['v']`, as Ansible loads);
// a date is the text itself, which is what Ansible renders for `{{ d }}`.
const PYYAML: Array<[string, unknown]> = [
  ['.', '.'],
  ['..', '..'],
  ['.inf', Infinity],
  ['-.inf', -Infinity],
  ['+.inf', Infinity],
  ['.Inf', Infinity],
  ['.INF', Infinity],
  ['.nan', NaN],
  ['.NaN', NaN],
  ['.NAN', NaN],
  ['-.nan', '-.nan'],
  ['1e3', '1e3'],
  ['1E3', '1E3'],
  ['1.0e+3', 1000.0],
  ['1.0e3', '1.0e3'],
  ['1.0E-3', 0.001],
  ['1.5', 1.5],
  ['-1.5', -1.5],
  ['+1.5', 1.5],
  ['1.', 1.0],
  ['.5', 0.5],
  ['+.5', '+.5'],
  ['-.5', '-.5'],
  ['1_000', 1000],
  ['1_000.5', 1000.5],
  ['0o17', '0o17'],
  ['0x1F', 31],
  ['0x1f', 31],
  ['-0x1F', -31],
  ['0b101', 5],
  ['017', 15],
  ['08', '08'],
  ['0', 0],
  ['-0', 0],
  ['+12', 12],
  ['12', 12],
  ['1:30', 90],
  ['1:30.5', 90.5],
  ['190:20:30', 685230],
  ['1:60', '1:60'],
  ['0.1.2', '0.1.2'],
  ['1,000', '1,000'],
  ['2024-01-15', '2024-01-15'],
  ['yes', true],
  ['no', false],
  ['y', 'y'],
  ['n', 'n'],
  ['on', true],
  ['Off', false],
  ['TRUE', true],
  ['tRUE', 'tRUE'],
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['~', null],
  ['nUll', 'nUll'],
  ['', null],
  ['0x', '0x'],
  ['0b', '0b'],
  ['1_', 1],
  ['_1', '_1'],
  ['1__2', 12],
  ['inf', 'inf'],
  ['nan', 'nan'],
  ['Infinity', 'Infinity'],
  ['1e+3', '1e+3'],
  ['1.0e+', '1.0e+'],
  ['12e03', '12e03'],
  ['0.5e-3', 0.0005],
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: the YAML text is this literal, not pi
  ['3.14159', 3.14159],
  ['6.8523015e+5', 685230.15],
  ['685.230_15e+03', 685230.15],
  ['685_230.15', 685230.15],
  ['-.INF', -Infinity],
  ['0.', 0.0],
  ['00', 0],
  ['0_7', 7],
  ['0xG', '0xG'],
  ['1:2:3', 3723],
  ['-1:30', -90],
  ['+1:30', 90],
  ['0644', 420],
  ['"0644"', '0644'],
  ["'yes'", 'yes'],
];

function located(fn: () => unknown): FleetError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(FleetError);
  const e = err as FleetError;
  expect(e.location).toBeDefined();
  return e;
}

const at = (e: FleetError) => `${e.location?.line}:${e.location?.column}`;

describe('scalars typed as PyYAML (YAML 1.1) types them', () => {
  it.each(PYYAML)('v: %s', (text, expected) => {
    expect(parseYaml(text === '' ? 'v:' : `v: ${text}`, 'f.yml', 'playbook').value).toEqual({ v: expected });
  });

  it('keeps a date as its text instead of a JavaScript Date', () => {
    const value = parseYaml('d: 2024-01-15\nt: 2001-12-14 21:59:43.10 -5\n', 'f.yml', 'playbook').value;
    expect(value).toEqual({ d: '2024-01-15', t: '2001-12-14 21:59:43.10 -5' });
  });
});

describe('aliases', () => {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [prev, name] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
    ['e', 'f'],
    ['f', 'g'],
  ]) {
    laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }

  it('refuses a billion-laughs document at the alias that crosses the limit', () => {
    const e = located(() => parseYaml(laughs.join('\n') + '\n', 'f.yml', 'playbook'));
    expect(e.message).toMatch(/aliases expand to more than 100000 nodes/);
    expect(at(e)).toBe('6:8');
  });

  it('refuses an unresolved alias at the alias, in a playbook and in a YAML inventory', () => {
    const e = located(() => parseYaml('vars: {a: *nope}\n', 'f.yml', 'playbook'));
    expect(e.message).toBe('YAML error: alias *nope has no anchor &nope before it');
    expect(at(e)).toBe('1:11');
    const inv = join(writeTree({ 'inv.yml': 'all:\n  vars: {a: *nope}\n' }), 'inv.yml');
    const ie = located(() => loadInventory(inv));
    expect(ie.kind).toBe('inventory');
    expect(`${ie.location?.file}:${at(ie)}`).toBe(`${inv}:2:13`);
  });

  it('refuses an alias inside its own anchor', () => {
    const e = located(() => parseYaml('a: &a [1, *a]\n', 'f.yml', 'playbook'));
    expect(e.message).toMatch(/alias \*a refers to its own anchor/);
    expect(at(e)).toBe('1:11');
  });

  it('accepts more than 1,000 aliases of a small node, as PyYAML does', () => {
    const text = 'x: &x {k: 1}\nl:\n' + '  - *x\n'.repeat(1500);
    const value = parseYaml(text, 'f.yml', 'playbook').value as { l: unknown[] };
    expect(value.l).toHaveLength(1500);
    expect(value.l[1499]).toEqual({ k: 1 });
  });
});

describe('duplicate keys and parse time', () => {
  it('still refuses a duplicate key at its second occurrence', () => {
    const e = located(() => parseYaml('a: 1\nb: {x: 1, x: 2}\n', 'f.yml', 'playbook'));
    expect(e.message).toMatch(/Map keys must be unique/);
    expect(at(e)).toBe('2:11');
    // 1 and "1" are different keys, as in PyYAML.
    expect(parseYaml('1: a\n"1": b\n', 'f.yml', 'playbook').value).toEqual({ 1: 'b' });
  });

  it('parses 40,000 keys in linear time (was 10 s with a quadratic duplicate check)', { timeout: 120_000 }, () => {
    const texts = new Map<number, string>();
    const keys = (n: number) => texts.get(n) ?? texts.set(n, Array.from({ length: n }, (_, i) => `key${i}: ${i}\n`).join('')).get(n)!;
    expectLinear((n) => parseYaml(keys(n), 'f.yml', 'playbook'), 2500, { maxN: 2500, label: 'keys' });
    const value = parseYaml(keys(40_000), 'f.yml', 'playbook').value as Record<string, number>;
    expect(value['key39999']).toBe(39999);
  });
});

describe('file encoding', () => {
  it('drops a UTF-8 byte-order mark (a playbook starting with one failed at 1:4)', () => {
    const dir = writeTree({});
    const file = join(dir, 'bom.yml');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('- hosts: all\n  tasks: []\n')]));
    expect(loadYamlFile(file, 'playbook').value).toEqual([{ hosts: 'all', tasks: [] }]);
    expect(parseYaml('\uFEFF- a\n', 'f.yml', 'playbook').value).toEqual(['a']);
  });

  it('drops a byte-order mark before an INI inventory', () => {
    const dir = writeTree({});
    writeFileSync(join(dir, 'hosts'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[web]\nweb1\n')]));
    expect(loadInventory(join(dir, 'hosts')).groups.get('web')?.hosts).toEqual(['web1']);
  });

  it('refuses Latin-1 bytes at the line and column of the first bad byte', () => {
    const dir = writeTree({});
    const file = join(dir, 'latin1.yml');
    writeFileSync(file, Buffer.concat([Buffer.from('a: 1\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const e = located(() => loadYamlFile(file, 'playbook'));
    expect(e.message).toMatch(/invalid UTF-8: byte 0xe9/);
    expect(`${e.location?.file}:${at(e)}`).toBe(`${file}:2:10`);
  });

  it('refuses invalid UTF-8 in an INI inventory and in group_vars too', () => {
    const dir = writeTree({ hosts: '[web]\nweb1\n' });
    writeFileSync(join(dir, 'hosts'), Buffer.concat([Buffer.from('[web]\nwe'), Buffer.from([0xff]), Buffer.from('b1\n')]));
    expect(`${at(located(() => loadInventory(join(dir, 'hosts'))))}`).toBe('2:3');
    const ok = writeTree({ hosts: '[web]\nweb1\n', 'group_vars/web.yml': 'x: 1\n' });
    writeFileSync(join(ok, 'group_vars/web.yml'), Buffer.from([0x78, 0x3a, 0x20, 0xc3, 0x28, 0x0a]));
    const e = located(() => loadInventory(join(ok, 'hosts')));
    expect(`${e.location?.file}:${at(e)}`).toBe(`${join(ok, 'group_vars/web.yml')}:1:4`);
  });
});

describe('inputs the fuzz suite found', () => {
  it('refuses a mapping or list as a key, like PyYAML, instead of stringifying it in quadratic time', { timeout: 120_000 }, () => {
    expectLinear((n) => located(() => parseYaml('? '.repeat(n), 'f.yml', 'playbook')), 300, { maxN: 300, label: 'nested ? keys' });
    const e = located(() => parseYaml('? '.repeat(200), 'f.yml', 'playbook'));
    expect(e.message).toBe('YAML error: a mapping or list cannot be a key (found unhashable key)');
    expect(at(located(() => parseYaml('a: &l [1]\n? *l\n: 2\n', 'f.yml', 'playbook')))).toBe('2:3');
  });

  it('reports a stack overflow of the yaml parser as a located error', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `      k${i}: ${i}`)
      .join('\n')
      .trimStart();
    const e = located(() => parseYaml(`- hosts: all\n  vars:\n    x: ${keys}\n  tasks: []\n`, 'f.yml', 'playbook'));
    expect(e.message).toBe('YAML error: the document is nested too deeply to parse');
    expect(e.location?.line).toBeGreaterThan(1);
  });

  it('says "nested too deeply", not the engine\'s stack message, for 20,000 nested flow lists', () => {
    const e = located(() => parseYaml(`- debug: {msg: ${'['.repeat(20_000)}${']'.repeat(20_000)}}\n`, 'f.yml', 'playbook'));
    expect(e.message).toBe('YAML error: the document is nested too deeply to parse (more than 256 levels)');
    // At the bracket that goes past the limit, before the parser recursed at all.
    expect(e.location).toMatchObject({ line: 1, column: 271 }); // `{` is level 1, so the 256th `[` is the 257th level
  });

  it('refuses nesting past 256 levels before parsing: V8 aborted the process on a deep `[[[…` (#13 CI run)', () => {
    // Repeated parses of 6,000 nested flow lists made V8 abort ("RegExpCompiler Allocation failed") in the
    // yaml package's recursion. Now each is a located error at once, and deep-but-sane documents still parse.
    for (let i = 0; i < 20; i++)
      expect(located(() => parseYaml(`${'['.repeat(6000)}1${']'.repeat(6000)}`, 'f.yml', 'playbook')).message).toMatch(
        /more than 256 levels/,
      );
    expect(located(() => parseYaml(`${'- '.repeat(300)}x`, 'f.yml', 'playbook')).message).toMatch(/more than 256 levels/);
    expect(
      parseYaml(
        `x: ${'['.repeat(200)}1${']'.repeat(200)}
y: "[[[[[[" # [[[[
z: '{{{'
`,
        'f.yml',
        'playbook',
      ).value,
    ).toMatchObject({ y: '[[[[[[', z: '{{{' });
  });
});
