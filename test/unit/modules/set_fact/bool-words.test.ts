// set_fact turns the texts true/false/yes/no (any case, after templating) into booleans, as Ansible's
// set_fact action does without DEFAULT_JINJA2_NATIVE; other texts and nested values stay as they are.
import { describe, expect, it } from 'vitest';
import { messages, play, project, runProject } from '../../lookups/harness.ts';

describe('set_fact boolean words', () => {
  it('converts top-level yes/no/true/false texts and nothing else', async () => {
    const dir = project({
      'play.yml': play(
        [
          '    - set_fact:',
          '        a: "yes"',
          '        b: "{{ word }}"',
          '        c: "TRUE"',
          '        d: "False"',
          '        e: "yess"',
          '        f: ["no"]',
          '        g: "{% set t = word %}{{ t }}"',
          '    - name: show',
          '      debug:',
          "        msg: \"{{ [a, b, c, d, e, f, g] | map('type_debug') | join(',') }} {{ e }} {{ f[0] }}\"",
          '',
        ].join('\n'),
        '{ word: "no" }',
      ),
    });
    expect(messages(await runProject(dir), 'show')).toEqual(['bool,bool,bool,bool,str,list,bool yess no']);
  });
});
