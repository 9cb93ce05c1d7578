// A template's `#jinja2:` first line, as Ansible's templar reads it (githubixx's containerd.service.j2 starts
// with `#jinja2: trim_blocks:False` and relies on it for its [Service] lines): the line is not output, its
// settings win over the defaults, errors keep their line in the file, and unknown settings are refused.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { jinjaSyntaxProblem, renderJinja } from '../../../engine/jinja/index.ts';

const service = [
  '#jinja2: trim_blocks:False',
  '[Service]',
  '{%- for k in settings|sort %}',
  '{{ k }}={{ settings[k] }}',
  '{%- endfor %}',
  '',
  '[Install]',
  '',
].join('\n');

const failure = (fn: () => unknown): FleetError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected a FleetError');
};

describe('#jinja2: override line', () => {
  it('renders with trim_blocks off and leaves the line out, as Ansible does', () => {
    const out = renderJinja(service, { settings: { Type: 'notify', ExecStart: '/usr/local/bin/containerd' } }, 'containerd.service.j2');
    expect(out).toBe('[Service]\nExecStart=/usr/local/bin/containerd\nType=notify\n\n[Install]\n');
    // Without the line, Ansible's default trim_blocks joins the settings onto the [Service] line.
    const plain = renderJinja(service.split('\n').slice(1).join('\n'), { settings: { Type: 'notify' } }, 'x.j2');
    expect(plain).toBe('[Service]Type=notify\n[Install]\n');
  });

  it('overrides the options it is given (the template task arguments) and reads lstrip_blocks', () => {
    const text = '#jinja2: lstrip_blocks: True, trim_blocks: True\n  {% if on %}\nyes\n  {% endif %}\n';
    expect(renderJinja(text, { on: true }, 'x.j2', { lstripBlocks: false })).toBe('yes\n');
    expect(renderJinja('#jinja2:trim_blocks:False\n{% if on %}\nyes{% endif %}\n', { on: true }, 'x.j2', { trimBlocks: true })).toBe(
      '\nyes\n',
    );
  });

  it('reads the values as Python literals by their truth, as Jinja2 does with what Ansible sets', () => {
    // aisbergg's sysctl.conf.j2: `"true"` is a non-empty string, so true (as `"false"` would be).
    const text = '#jinja2: trim_blocks: "true", lstrip_blocks: "false"\n  {% if on %}\nyes\n  {% endif %}\n';
    expect(renderJinja(text, { on: true }, 'x.j2')).toBe('yes\n');
    expect(renderJinja('#jinja2: trim_blocks: 0\n{% if on %}\nyes{% endif %}\n', { on: true }, 'x.j2')).toBe('\nyes\n');
    expect(jinjaSyntaxProblem('#jinja2: trim_blocks: maybe\nx\n')).toMatchObject({
      line: 1,
      message: expect.stringMatching(/Python literal/),
    });
  });

  it('keeps the line numbers of the file in errors and syntax problems', () => {
    const err = failure(() => renderJinja('#jinja2: trim_blocks:False\nok\n{{ missing_var }}\n', {}, 't.j2'));
    expect(err.location).toMatchObject({ file: 't.j2', line: 3 });
    expect(err.excerpt).toContain('{{ missing_var }}');
    expect(jinjaSyntaxProblem('#jinja2: trim_blocks:False\nok\n{% if %}\n')).toMatchObject({ line: 3 });
    expect(jinjaSyntaxProblem('#jinja2: trim_blocks:False\n{% if x %}\n')?.line).toBe(2);
  });

  it('refuses a setting it does not apply, and a malformed pair, at the first line', () => {
    expect(failure(() => renderJinja('#jinja2: newline_sequence:"\\r"\nx\n', { x: 1 }, 't.j2')).message).toMatch(
      /'newline_sequence' is not supported/,
    );
    expect(failure(() => renderJinja('#jinja2: variable_start_string:[[\n[[ x ]]\n', { x: 1 }, 't.j2')).message).toMatch(
      /variable_start_string must be a quoted string/,
    );
    expect(jinjaSyntaxProblem('#jinja2: trim_blocks=False\nx\n')).toMatchObject({ line: 1, message: expect.stringMatching(/key:value/) });
  });
});
