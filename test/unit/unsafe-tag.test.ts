// YAML's `!unsafe` text is data, never a template, as Ansible's AnsibleUnsafeText: as a variable, a module
// argument, and with an endraw tag inside.
import { describe, expect, it } from 'vitest';
import { isRawLiteral, unsafeLiteral } from '../../engine/yaml/unsafeTag.ts';
import { messages, project, runProject } from './lookups/harness.ts';

describe('!unsafe', () => {
  it('keeps the text as it is where templates render', async () => {
    const dir = project({
      'play.yml': [
        '- hosts: all',
        '  gather_facts: false',
        '  vars:',
        '    v: 1',
        "    u: !unsafe 'foo{{ v }}'",
        '  tasks:',
        '    - name: var',
        "      debug: { msg: \"{{ u }}|{{ u | length }}|{{ u == 'foo' ~ '{{ v }}' }}\" }",
        '    - name: arg',
        "      debug: { msg: !unsafe '{{ nope }} {% if %}' }",
        '    - name: endraw',
        "      debug: { msg: !unsafe 'a {% endraw %} {{ v }}' }",
        '',
      ].join('\n'),
    });
    const r = await runProject(dir);
    expect(messages(r, 'var')).toEqual(['foo{{ v }}|10|True']);
    expect(messages(r, 'arg')).toEqual(['{{ nope }} {% if %}']);
    expect(messages(r, 'endraw')).toEqual(['a {% endraw %} {{ v }}']);
  });

  it('leaves text without template markers alone and recognizes its raw form', () => {
    expect(unsafeLiteral('plain {text}')).toBe('plain {text}');
    expect(isRawLiteral(unsafeLiteral('{{ x }}'))).toBe(true);
    expect(isRawLiteral('{% raw %}a{% endraw %}b{% endraw %}')).toBe(false);
  });
});
