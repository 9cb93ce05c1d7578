// String, conversion and regex filters, with the results Ansible 2.14 / Jinja 3.1 give.
import { describe, expect, it } from 'vitest';
import { errorOf, run } from './filters-support.ts';

describe('conversion filters', () => {
  it.each<[string, unknown]>([
    ["missing | default('x')", 'x'],
    ["missing | d('x')", 'x'],
    ["'' | default('x')", ''],
    ["'' | default('x', true)", 'x'],
    ["0 | default('x', boolean=true)", 'x'],
    ["none | default('x')", null],
    ["'Yes' | bool", true],
    ["'off' | bool", false],
    ["' yes' | bool", false],
    ['1.0 | bool', true],
    ["'0x1A' | int(base=16)", 26],
    ["'-0x1A' | int(base=16)", -26],
    ["'7.9' | int(base=16)", 7],
    ["'1A' | int(base=16)", 26],
    ["'7.9' | int", 7],
    ["'nope' | float(1.5)", 1.5],
    ['[1, none] | string', '[1, None]'],
    ["'ab' | list", ['a', 'b']],
    ["3 | ternary('y', 'n')", 'y'],
    ["0 | ternary('y', 'n')", 'n'],
    ["none | ternary('y', 'n', 'z')", 'z'],
    ["none | ternary('y', 'n')", 'n'],
    ["'x' | type_debug", 'str'],
    ['1 | type_debug', 'int'],
    ['1.5 | type_debug', 'float'],
    ['none | type_debug', 'NoneType'],
    ['{} | type_debug', 'dict'],
    ['[] | type_debug', 'list'],
    ['true | type_debug', 'bool'],
    ["'v' | mandatory", 'v'],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('mandatory fails on an undefined value, with its own message when given', () => {
    expect(errorOf('missing | mandatory')).toBe('Mandatory variable not defined.');
    expect(errorOf("missing | mandatory('set missing first')")).toBe('set missing first');
    expect(errorOf('x.y | mandatory', { x: {} })).toBe('Mandatory variable not defined.');
  });
});

describe('string filters', () => {
  it.each<[string, unknown]>([
    ["'aBC dEF' | lower", 'abc def'],
    ["'aBC dEF' | upper", 'ABC DEF'],
    ["'hELLO wORLD' | capitalize", 'Hello world'],
    ["'hello wORLD-foo (bar' | title", 'Hello World-Foo (Bar'],
    ["'  x  ' | trim", 'x'],
    ["'--x-+' | trim('-+')", 'x'],
    ["'aaa' | replace('a', 'b')", 'bbb'],
    ["'aaa' | replace('a', 'b', 2)", 'bba'],
    ["'ab' | replace('', '-')", '-a-b-'],
    ["' a  b\\tc ' | split", ['a', 'b', 'c']],
    ["'a,b,,c' | split(',')", ['a', 'b', '', 'c']],
    ["'a,b,c' | split(',', 1)", ['a', 'b,c']],
    ["' a b  c ' | split(none, 1)", ['a', 'b  c ']],
    ["'' | split", []],
    ["'' | split(',')", ['']],
    ["[1, 'a'] | join('-')", '1-a'],
    ["[{'n': 'x'}, {'n': 'y'}] | join(',', attribute='n')", 'x,y'],
    ["'a\\nb\\n\\nc' | indent(2)", 'a\n  b\n\n  c'],
    ["'a\\nb\\n\\nc' | indent(2, blank=true)", 'a\n  b\n  \n  c'],
    ["'a\\nb' | indent(2, first=true)", '  a\n  b'],
    ["'a\\nb' | indent('> ')", 'a\n> b'],
    ["'a\\n' | indent(2)", 'a\n'],
    ["'ab' | center(7)", '   ab  '],
    ["'ab' | center(6)", '  ab  '],
    ["'abc' | center(6)", ' abc  '],
    ["'abc' | center(2)", 'abc'],
    ["'one two_2, três!' | wordcount", 3],
    ["'plain-word_1' | quote", 'plain-word_1'],
    ['"it\'s" | quote', "'it'\\''s'"],
    ["'' | quote", "''"],
    ['none | quote', "''"],
    ["'a b; rm -rf /' | quote", "'a b; rm -rf /'"],
    ["'Managed by Ansible\\nline2' | comment", '#\n# Managed by Ansible\n# line2\n#'],
    ["'%s-%d' | format('a', 3)", 'a-3'],
    ["'%05.1f%%' | format(3.14159)", '003.1%'],
    ["'%s' | format([1, 2])", '[1, 2]'],
    ["'hello world foo' | truncate(9, leeway=0)", 'hello...'],
    ["'hello world foo' | truncate(9, true, leeway=0)", 'hello ...'],
    ["'hello world foo' | truncate(11)", 'hello world foo'],
    ["'<b>' | safe", '<b>'],
    ["'a' | comment('c')", '//\n// a\n//'],
    ["'a\\n\\nb' | comment('cblock')", '/*\n *\n * a\n *\n * b\n *\n */'],
    ["'a' | comment('xml')", '<!--\n -\n - a\n -\n-->'],
    ["'a' | comment(decoration='; ', prefix_count=2)", ';\n;\n; a\n;'],
    ["'a' | comment('erlang', postfix_count=0)", '%\n% a'],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('refuses what Python refuses', () => {
    expect(errorOf("'a' | split('')")).toBe('split: empty separator');
  });
});

describe('regex filters', () => {
  it.each<[string, unknown]>([
    ["'ab12cd3' | regex_findall('\\\\d+')", ['12', '3']],
    ["'ab12' | regex_search('(?P<n>\\\\d+)', '\\\\g<n>')", ['12']],
    ["'ab12' | regex_replace('(\\\\d)', '<\\\\1>')", 'ab<1><2>'],
    ["'a.b*c' | regex_escape", 'a\\.b\\*c'],
    ["'a b-c' | regex_escape", 'a\\ b\\-c'],
    ["'a.b[c]' | regex_escape('posix_basic')", 'a\\.b\\[c\\]'],
    ["'1.2.3' | regex_replace('1.2.3' | regex_escape, 'x')", 'x'],
    ["'1x2x3' | regex_replace('1.2.3' | regex_escape, 'x')", '1x2x3'],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('refuses unknown regex types as Ansible does', () => {
    expect(errorOf("'a' | regex_escape('posix_extended')")).toMatch(/not yet implemented/);
    expect(errorOf("'a' | regex_escape('perl')")).toMatch(/invalid regex type \(perl\)/);
  });
});
