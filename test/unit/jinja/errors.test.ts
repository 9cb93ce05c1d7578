// Jinja2 templates: errors name what went wrong and where (file, line, column), as Ansible's StrictUndefined
// does for undefined values; syntax errors are found by jinjaSyntaxProblem without rendering.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { jinjaSyntaxProblem, renderJinja } from '../../../engine/jinja/index.ts';

const FILE = '/srv/play/templates/app.conf.j2';
const VARS = { xs: ['a', 'b'], d: { k: 1 }, num: 3, pairs: [[1, 2, 3]] };

/** The error rendering `template` throws, as message and line:column. */
function failure(template: string): { message: string; at: string } {
  try {
    renderJinja(template, VARS, FILE);
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    expect(err.kind).toBe('template');
    expect(err.location?.file).toBe(FILE);
    return { message: err.message, at: `${err.location?.line}:${err.location?.column}` };
  }
  throw new Error(`rendered without an error: ${template}`);
}

describe('undefined values (StrictUndefined)', () => {
  it.each([
    ['a variable in {{ }}', 'a\nb\n  {{ missing }}', "'missing' is undefined", '3:6'],
    ['a missing attribute', 'x {{ d.nope }}', "'d.nope' is undefined", '1:6'],
    ['an attribute of a list', '{{ xs.map }}', "'xs.map' is undefined", '1:4'],
    ['an if condition', 'x\n{% if nope %}{% endif %}', "'nope' is undefined", '2:7'],
    ['a missing attribute in an if condition', '{% if d.nope %}{% endif %}', "'d.nope' is undefined", '1:7'],
    ['a loop', '{% for x in nope %}{% endfor %}', "'nope' is undefined", '1:13'],
    ['a loop filter', '{% for x in xs if x.nope %}{% endfor %}', "'x.nope' is undefined", '1:19'],
    ['a macro parameter not passed', '{% macro m(a) %}{{ a }}{% endmacro %}{{ m() }}', "'a' is undefined", '1:20'],
    ['a name on Object.prototype', '{{ toString }}', "'toString' is undefined", '1:4'],
  ])('%s', (_what, template, message, at) => {
    expect(failure(template)).toEqual({ message, at });
  });

  it('lets is defined, default and an unused undefined set pass', () => {
    expect(renderJinja('{% set u = d.nope %}{{ nope is defined }} {{ d.nope | default("dflt") }}', VARS, FILE)).toBe('False dflt');
  });
});

describe('syntax errors', () => {
  it.each([
    ['an incomplete expression', '{{ 1 + }}', 'unexpected end of expression', '1:7'],
    ['an unknown filter', 'line\n{{ xs | nofilter }}', "unknown filter 'nofilter'", '2:9'],
    ['an unclosed block', 'x\n{% if 1 %}x', "the 'if' tag is never closed (expected 'endif')", '2:1'],
    ['a stray end tag', 'ok\n  {% endfor %}', "unexpected 'endfor'", '2:3'],
    ['an unclosed tag', 'ab {{ x', "the tag is never closed (expected '}}')", '1:4'],
    ['an unclosed comment', '{# open', 'the comment is never closed (expected #})', '1:1'],
    ['an unclosed raw block', '{% raw %} open', 'the raw block is never closed (expected {% endraw %})', '1:1'],
    ['a bracket never closed', '{{ (1 }}', "unexpected '}' (the '(' is not closed)", '1:7'],
    ['a closing bracket never opened', '{{ 1) }}', "unexpected ')'", '1:5'],
    ['an unknown tag', '{% foo %}', "unknown tag 'foo'", '1:1'],
    ['a tag this engine does not have', "{% extends 'base.j2' %}", "the 'extends' tag is not supported", '1:1'],
    ['elif after else', '{% if 1 %}{% else %}{% elif 2 %}{% endif %}', "unexpected 'elif' after 'else'", '1:21'],
    ['elif in a for', '{% for x in xs %}{% elif %}{% endfor %}', "unexpected 'elif'", '1:18'],
    ['an empty output tag', '{{ }}', 'expected an expression', '1:1'],
    ['a loop filter with no condition', '{% for x in xs if %}{% endfor %}', 'expected an expression', '1:18'],
    ['a for without a target', '{% for in xs %}{% endfor %}', 'expected a variable name', '1:1'],
    ['a recursive loop', '{% for x in xs recursive %}{% endfor %}', 'recursive loops are not supported', '1:1'],
  ])('%s', (_what, template, message, at) => {
    expect(failure(template)).toEqual({ message, at });
    // validate finds the same problem without rendering.
    const [line, column] = at.split(':').map(Number);
    expect(jinjaSyntaxProblem(template)).toEqual({ message, line, column });
  });

  it('finds nothing wrong in a good template, undefined variables included (they are known only at run time)', () => {
    expect(jinjaSyntaxProblem('{% for x in whatever %}{{ x | upper }}{% endfor %}')).toBeUndefined();
  });
});

describe('rendering errors', () => {
  it.each([
    ['a loop over a number', '{% for x in num %}{% endfor %}', 'cannot loop over a number', '1:13'],
    ['an unpacking of the wrong size', '{% for a, b in pairs %}{% endfor %}', 'expected 2 values to unpack, got 3', '1:1'],
    ['loop.cycle outside a loop', '{{ loop.cycle(1) }}', 'loop.cycle() is only available inside a for loop', '1:4'],
    ['loop.changed outside a loop', 'x {{ loop.changed(1) }}', 'loop.changed() is only available inside a for loop', '1:6'],
    ['too many macro arguments', '{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}', "macro 'm' takes at most 1 argument(s), 2 given", '1:34'],
    ['an unknown macro parameter', '{% macro m(a) %}{% endmacro %}{{ m(b=2) }}', "macro 'm' has no parameter 'b'", '1:34'],
    ['an include of a number', '{% include 5 %}', 'include takes a template name (a string) or a list of names', '1:12'],
  ])('%s', (_what, template, message, at) => {
    expect(failure(template)).toEqual({ message, at });
  });
});
