// The `is` tests of #15 item 4, under their plain and `ansible.builtin.` names, with Jinja's bare-argument form.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTest, parseExpression } from '../../../engine/expr/index.ts';
import type { Vars } from '../../../engine/types.ts';
import { ev, failure } from './support.ts';

const v: Vars = {
  n: 6,
  f: 2.5,
  s: 'Hello',
  lower_s: 'abc-1',
  upper_s: 'ABC 2',
  nothing: null,
  yes: true,
  list: [1, 2, 3],
  nested: [[1], { a: 1 }],
  map: { a: 1, b: 2 },
  ok: { changed: false, failed: false, rc: 0 },
  bad: { changed: true, failed: true, rc: 1 },
  skipped_r: { changed: false, skipped: true },
  loop_r: { results: [{ changed: false }, { changed: true }] },
  unreach: { unreachable: true, changed: false },
  async_running: { started: 1, finished: 0 },
  version: '1.28.4',
};

describe('type tests', () => {
  it.each<[string, boolean]>([
    ['n is defined', true],
    ['missing is defined', false],
    ['missing.deeper is undefined', true],
    ['map.zz is undefined', true],
    ['nothing is none', true],
    ['s is string', true],
    ['n is string', false],
    ['n is number', true],
    ['f is number', true],
    ['n is integer', true],
    ['f is integer', false],
    ['f is float', true],
    ['yes is boolean', true],
    ["'true' is boolean", false],
    ['map is mapping', true],
    ['list is mapping', false],
    ['list is sequence', true],
    ['s is sequence', true],
    ['n is sequence', false],
    ['list is iterable', true],
    ['map is iterable', true],
    ['s is iterable', true],
    ['n is iterable', false],
    ['nothing is iterable', false],
  ])('%s', (source, expected) => {
    expect(ev(source, v)).toBe(expected);
  });
});

describe('value tests', () => {
  it.each<[string, boolean]>([
    ["s is match('He')", true],
    ["s is match('ell')", false],
    ["s is search('ell')", true],
    ["s is regex('^h', ignorecase=true)", true],
    ["version is version('1.28', '>=')", true],
    ["version is version('1.28.10', 'lt')", true],
    ["version is version('2.0.0', '<', version_type='semver')", true],
    ['2 is in(list)', true],
    ['5 is in list', false],
    ['list is contains(3)', true],
    ['list is contains 4', false],
    ["'ell' is in s", true],
    ['[1, 2] is subset(list)', true],
    ['[1, 9] is subset(list)', false],
    ['list is superset([3, 1])', true],
    ['list is superset([4])', false],
    ['[[1]] is subset(nested)', true],
    ['n is truthy', true],
    ["'' is truthy", false],
    ['[] is falsy', true],
    ["'no' is truthy", true],
    ["'no' is truthy(convert_bool=true)", false],
    ["'yes' is truthy(convert_bool=true)", true],
    ["'off' is falsy(convert_bool=true)", true],
    ['n is eq 6', true],
    ['n is equalto(6)', true],
    ['n is ne(6)', false],
    ['n is lt 7', true],
    ['n is lessthan(6)', false],
    ['n is le(6)', true],
    ['n is gt(5)', true],
    ['n is greaterthan 6', false],
    ['n is ge(6)', true],
    ['yes is sameas true', true],
    ['1 is sameas true', false],
    ['map is sameas(map)', true],
    ["map is sameas({'a': 1, 'b': 2})", false],
    ['n is even', true],
    ['n is odd', false],
    ['-3 is odd', true],
    ['n is divisibleby 3', true],
    ['n is divisibleby(4)', false],
    ['lower_s is lower', true],
    ['s is lower', false],
    ['upper_s is upper', true],
    ["'123' is upper", false],
    ['[1, 0] is any', true],
    ['[1, 0] is all', false],
  ])('%s', (source, expected) => {
    expect(ev(source, v)).toBe(expected);
  });

  it.each([
    ['f is even', "the 'even' test needs an integer, not number"],
    ['n is divisibleby(0)', 'divisibleby needs a non-zero number'],
    ['n is subset([1])', "the 'subset' test needs a list, not number"],
    ['n is in(5)', "'in' needs a list, string or mapping on the right, not number"],
  ])('%s is an error', (source, message) => {
    expect(failure(() => ev(source, v)).message).toBe(message);
  });
});

describe('result tests', () => {
  it.each<[string, boolean]>([
    ['ok is succeeded', true],
    ['ok is success', true],
    ['bad is succeeded', false],
    ['bad is failed', true],
    ['bad is failure', true],
    ['bad is changed', true],
    ['ok is change', false],
    ['loop_r is changed', true],
    ['skipped_r is skipped', true],
    ['ok is skip', false],
    ['unreach is unreachable', true],
    ['ok is reachable', true],
    ['async_running is started', true],
    ['async_running is finished', false],
    ['ok is finished', true],
  ])('%s', (source, expected) => {
    expect(ev(source, v)).toBe(expected);
  });
});

describe('path tests (controller side)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetplay-is-'));
  const file = join(dir, 'file.txt');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'sub'));
  symlinkSync(file, join(dir, 'good-link'));
  symlinkSync(join(dir, 'absent'), join(dir, 'dangling'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const paths: Vars = {
    file,
    sub: join(dir, 'sub'),
    good: join(dir, 'good-link'),
    dangling: join(dir, 'dangling'),
    absent: join(dir, 'absent'),
  };

  it.each<[string, boolean]>([
    ['file is file', true],
    ['file is directory', false],
    ['sub is directory', true],
    ['sub is file', false],
    ['file is exists', true],
    ['absent is exists', false],
    ['good is link', true],
    ['good is file', true],
    ['file is link', false],
    ['dangling is exists', false],
    ['dangling is link_exists', true],
    ['absent is link_exists', false],
    ['file is abs', true],
    ["'relative/path' is abs", false],
    ['good is same_file(file)', true],
    ['sub is same_file(file)', false],
    ["'/' is mount", true],
    ['sub is mount', false],
    ['file is ansible.builtin.file', true],
    ['sub is ansible.builtin.is_dir', true],
  ])('%s', (source, expected) => {
    expect(ev(source, paths)).toBe(expected);
  });

  it('needs a path string', () => {
    expect(failure(() => ev('5 is file')).message).toBe("the 'file' test needs a path string, not number");
  });
});

describe('qualified names and parsing', () => {
  it.each<[string, unknown]>([
    ['n is ansible.builtin.defined', true],
    ['missing is ansible.builtin.undefined', true],
    ["s is ansible.builtin.match('H')", true],
    ["version is ansible.builtin.version('1.30', '<')", true],
    ['ok is ansible.builtin.succeeded', true],
    ['n is not ansible.builtin.odd', true],
    ['s | ansible.builtin.lower', 'hello'],
    ["s | ansible.builtin.regex_replace('l+', 'L')", 'HeLo'],
  ])('%s', (source, expected) => {
    expect(ev(source, v)).toEqual(expected);
  });

  it('registers the symbol names select() and friends use, and every name under ansible.builtin.', () => {
    for (const name of ['==', '!=', '<', '<=', '>', '>=', 'ansible.builtin.in', 'ansible.builtin.contains', 'equalto']) {
      expect(findTest(name), name).toBeDefined();
    }
    expect(findTest('ansible.legacy.match')).toBe(findTest('match'));
    expect(findTest('community.general.nope')).toBeUndefined();
  });

  it('a bare test argument stops before and / or / else / if', () => {
    expect(ev('n is divisibleby 3 and n is even', v)).toBe(true);
    expect(ev("'x' if n is divisibleby 4 else 'y'", v)).toBe('y');
    expect(ev('n is eq 5 or n is eq 6', v)).toBe(true);
  });

  it('locates an unknown or misused test', () => {
    for (const [source, message, offset] of [
      ['n is ansible.builtin.nope', "unknown test 'ansible.builtin.nope' at column 6", 5],
      ['n is divisibleby', "test 'divisibleby' is missing required argument 'num' at column 6", 5],
      ['n is even 3', "test 'even' takes at most 0 arguments, got 1 at column 6", 5],
      ["s is match('(')", 'invalid regular expression "(": missing closing ) at column 12', 11],
      ["s is match '('", 'invalid regular expression "(": missing closing ) at column 12', 11],
      ["s is ansible.builtin.search('a(')", 'invalid regular expression "a(": missing closing ) at column 29', 28],
    ] as const) {
      const err = failure(() => parseExpression(source));
      expect(err.message).toBe(message);
      expect(err.offset).toBe(offset);
    }
  });
});
