// Jinja2's tag delimiters set by a template task (variable_start_string, …) or a `#jinja2:` override line:
// the other delimiters are plain text, whitespace control and raw blocks follow the new ones.
import { describe, expect, it } from 'vitest';
import { jinjaSyntaxProblem, renderJinja } from '../../../engine/jinja/index.ts';

const render = (text: string, vars: Record<string, unknown>, delimiters: Record<string, string>, more = {}) =>
  renderJinja(text, vars, 't.j2', { delimiters, ...more });

describe('custom delimiters', () => {
  it('reads << >> as output and leaves {{ }} as text', () => {
    expect(render('a << x >> {{ x }}\n', { x: 1 }, { variableStart: '<<', variableEnd: '>>' })).toBe('a 1 {{ x }}\n');
  });

  it('changes comment delimiters: [# #] is dropped, {# #} stays (Ansible template target custom_comment_string)', () => {
    expect(render('Before\n[# Test comment_start_string #]\nAfter\n{# kept #}\n', {}, { commentStart: '[#', commentEnd: '#]' })).toBe(
      'Before\nAfter\n{# kept #}\n',
    );
  });

  it('changes block delimiters, with whitespace control, trim_blocks and raw blocks', () => {
    const d = { blockStart: '<%', blockEnd: '%>' };
    expect(render('<% for i in xs -%>\n[<< i >>]\n<%- endfor %>\n', { xs: [1, 2] }, { ...d, variableStart: '<<', variableEnd: '>>' })).toBe(
      '[1][2]\n',
    );
    expect(render('<% if true %>\nyes\n<% endif %>\n{% if %}\n', {}, d)).toBe('yes\n{% if %}\n');
    expect(render('<% raw %><% x %><% endraw %>\n', {}, d)).toBe('<% x %>\n');
  });

  it('prefers the longest delimiter starting at the same place, as Jinja2 does', () => {
    const d = { variableStart: '<<', variableEnd: '>>', blockStart: '<<<', blockEnd: '>>>' };
    expect(render('<<< if y >>>[<< y >>]<<< endif >>>\n', { y: 2 }, d)).toBe('[2]\n');
  });

  it('takes the delimiters of an override line, over the task options', () => {
    const text = "#jinja2:variable_start_string:'<<' , variable_end_string:'>>'\nv: << v >> {{ v }}\n";
    expect(renderJinja(text, { v: 'x' }, 't.j2')).toBe('v: x {{ v }}\n');
    expect(jinjaSyntaxProblem('<% if x %>\n', { delimiters: { blockStart: '<%', blockEnd: '%>' } })?.message).toMatch(
      /endif|never closed|end of template/i,
    );
    expect(jinjaSyntaxProblem('{% if x %}\n', { delimiters: { blockStart: '<%', blockEnd: '%>' } })).toBeUndefined();
  });

  it('refuses an empty delimiter', () => {
    expect(() => render('x\n', {}, { variableStart: '' })).toThrow(/variable_start_string must not be empty/);
  });
});

describe('line statements', () => {
  it('reads prefixed lines as statements from an override line (Ansible template target override_colon_value)', () => {
    expect(renderJinja('#jinja2: line_statement_prefix:":"\n: if true\nfoo\n: endif\n', {}, 't.j2')).toBe('foo\n');
    expect(renderJinja('#jinja2: line_statement_prefix:"%%"\n  %% for i in xs\n[{{ i }}]\n  %% endfor\n', { xs: [1, 2] }, 't.j2')).toBe(
      '[1]\n[2]\n',
    );
  });

  it('keeps line numbers for errors after a line statement', () => {
    expect(jinjaSyntaxProblem('#jinja2: line_statement_prefix:":"\n: if true\nx\n{% if %}\n: endif\n')?.line).toBe(4);
  });
});
