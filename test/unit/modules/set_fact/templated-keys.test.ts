// set_fact templates its variable names as Ansible's set_fact action does (`"{{ item.key }}": value`,
// `"{{ k }}={{ v }}"`); a name that renders to something other than an identifier fails the task.
import { describe, expect, it } from 'vitest';
import { messages, play, project, runProject, statuses } from '../../lookups/harness.ts';

describe('set_fact with templated names', () => {
  it('sets the rendered names, in the mapping and the key=value forms', async () => {
    const dir = project({
      'play.yml': play(
        [
          '    - set_fact: "{{ item.key }}={{ item.value }}"',
          '      with_dict: { alpha: 1, beta: two }',
          '    - set_fact:',
          '        "{{ prefix }}_x": "{{ [1, 2] }}"',
          '    - name: show',
          '      debug:',
          '        msg: "{{ alpha }} {{ beta }} {{ pre_x | length }}"',
          '    - name: bad',
          '      set_fact:',
          '        "{{ \'not ok\' }}": 1',
          '      ignore_errors: true',
          '',
        ].join('\n'),
        '{ prefix: pre }',
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'show')).toEqual(['1 two 2']);
    expect(statuses(r, 'bad')).toEqual(['failed']);
    expect(messages(r, 'bad')[0]).toMatch(/'not ok' is not a valid name/);
  });
});
