// Jinja statements and comments in playbook strings ({% if %} in a command, {% for %} in a var), rendered as
// Ansible's templar renders them: the string is one template with trim_blocks, its trailing newlines kept.
// iamenr0s's k8s role builds its `kubeadm init` command line this way.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { expressionStringProblem } from '../../engine/template/expressionString.ts';
import { isTemplated, renderString, renderValue } from '../../engine/template/render.ts';

const where = { file: 'play.yml', line: 12, column: 7 };
const failure = (fn: () => unknown): FleetError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected a FleetError');
};

describe('Jinja statements in playbook strings', () => {
  it('renders if, for and set with the expressions and filters of {{ }}, and drops comments', () => {
    const vars = { cidr: '10.244.0.0/16', use: true, extra: '', ports: [80, 443] };
    // The folded (>-) string of the role: one line, spaces where the newlines were.
    const kubeadm =
      "kubeadm init {% if use %} --pod-network-cidr={{ cidr }}{% endif %} {{ extra | default('') }}{% if nope | default('') %} --ignore={{ nope }}{% endif %}";
    expect(renderString(kubeadm, vars, where)).toBe('kubeadm init  --pod-network-cidr=10.244.0.0/16 ');
    expect(renderValue('{% for p in ports %}{{ p }}{% if not loop.last %},{% endif %}{% endfor %}', vars, where)).toBe('80,443');
    expect(renderValue('{% set n = ports | length %}{# how many #}{{ n * 2 }} ports', vars, where)).toBe('4 ports');
    expect(renderValue('{# only a comment #}text', vars, where)).toBe('text');
    // Values in a mapping or list render too.
    expect(renderValue({ args: ['{% if use %}on{% else %}off{% endif %}'] }, vars, where)).toEqual({ args: ['on'] });
  });

  it('keeps trailing newlines and drops the newline after a block tag (trim_blocks), as Ansible does', () => {
    // Jinja2 drops the last newline and trim_blocks the one after endfor; Ansible adds back up to the two written.
    const text = '{% for p in ports %}\nport {{ p }}\n{% endfor %}\n\n';
    expect(renderValue(text, { ports: [1, 2] }, where)).toBe('port 1\nport 2\n\n');
    expect(renderValue('{% if on %}yes{% endif %}\n', { on: true }, where)).toBe('yes\n');
  });

  it('counts a string with only a statement or a comment as templated', () => {
    expect(isTemplated('{% if x %}a{% endif %}')).toBe(true);
    expect(isTemplated('{# note #}')).toBe(true);
    expect(isTemplated('plain {x} text %')).toBe(false);
  });

  it('reports syntax problems at their offset in the string, for validate', () => {
    expect(expressionStringProblem('a {% if x %}b')).toMatchObject({ message: expect.stringMatching(/endif|end of/i) });
    expect(expressionStringProblem('{% if x %}{{ y | }}{% endif %}')?.offset).toBeGreaterThan(9);
    expect(expressionStringProblem('{% if x %}{{ y }}{% endif %}')).toBeUndefined();
  });

  it('fails at the string with the line in it, for an undefined variable or an include', () => {
    const err = failure(() => renderValue('line one\n{% if missing_var %}x{% endif %}', {}, where));
    expect(err.message).toMatch(/missing_var/);
    expect(err.message).toMatch(/\(template line 2, column \d+\)$/);
    expect(err.location).toEqual(where);
    // A playbook string has no template file beside it to include.
    const include = failure(() => renderValue("{% include 'no-such-file.j2' %}", {}, where));
    expect(include.message).toMatch(/no-such-file\.j2/);
    expect(include.location).toEqual(where);
  });
});
