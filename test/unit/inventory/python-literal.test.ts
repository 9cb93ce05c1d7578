import { describe, expect, it } from 'vitest';
import { iniValue, parsePythonLiteral } from '../../../engine/inventory/python-literal.ts';

describe('iniValue (Ansible types INI values with ast.literal_eval)', () => {
  it.each<[string, unknown]>([
    ['42', 42],
    ['-7', -7],
    ['+3', 3],
    ['1_000', 1000],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['00', 0],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['2.', 2],
    ['1e3', 1000],
    ['1.10', 1.1],
    ['True', true],
    ['False', false],
    ['None', null],
    ["'text'", 'text'],
    ['"text"', 'text'],
    ["'a' 'b'", 'ab'],
    ["'tab\\there'", 'tab\there'],
    ["r'raw\\n'", 'raw\\n'],
    ["b'bytes'", 'bytes'],
    ["'''triple'''", 'triple'],
    ["'\\x41\\u00e9'", 'Aé'],
    ['[1, "two", [3]]', [1, 'two', [3]]],
    ['(1, 2)', [1, 2]],
    ['1, 2,', [1, 2]],
    ['()', []],
    ['(5)', 5],
    ['{"a": 1, 2: [True]}', { a: 1, '2': [true] }],
    ['{}', {}],
    ['{1, 2, 1}', [1, 2]],
    ['7 # comment', 7],
  ])('%s is the literal %j', (text, value) => {
    expect(iniValue(text)).toEqual(value);
  });

  it.each([
    'yes',
    'true',
    'FALSE',
    'none',
    '',
    '007',
    '08',
    '10-5',
    '1.2.3',
    '10.0.0.1',
    '1abc',
    '5j',
    '...',
    "f'x'",
    "'unterminated",
    '[1, 2',
    'foo # comment',
    'http://example.com',
    '12345678901234567890',
    '--5',
  ])('%j stays the raw string', (text) => {
    expect(iniValue(text)).toBe(text);
  });

  it('reports failure without throwing', () => {
    expect(parsePythonLiteral('not a literal')).toEqual({ ok: false });
    expect(parsePythonLiteral('[None]')).toEqual({ ok: true, value: [null] });
  });
});
