// Ansible's template variables: template_destpath is the task's dest, when the template module renders.
import { describe, expect, it } from 'vitest';
import { renderJinja } from '../../../engine/jinja/index.ts';

describe('template variables', () => {
  it('gives template_destpath when a dest is known, and leaves it undefined otherwise', () => {
    expect(renderJinja('{{ template_destpath }}\n', {}, 't.j2', { destPath: '/etc/x.conf' })).toBe('/etc/x.conf\n');
    expect(renderJinja('{{ template_destpath is defined }}\n', {}, 't.j2')).toBe('False\n');
  });
});
