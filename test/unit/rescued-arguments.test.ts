// A task under a block's rescue is written to fail too: a bad argument (or a template that does not parse)
// fails it at run time, for the rescue to catch, as in Ansible; outside such a block it is still refused.
import { describe, expect, it } from 'vitest';
import { messages, play, project, runProject, statuses } from './lookups/harness.ts';

describe('bad arguments under a rescue', () => {
  it('fails the task at run time and runs the rescue', async () => {
    const dir = project({
      'play.yml': play(
        [
          '    - block:',
          '        - name: bad',
          '          debug: { msg: x, nope: 1 }',
          '      rescue:',
          '        - name: caught',
          '          debug: { msg: "{{ ansible_failed_result.msg }}" }',
          '',
        ].join('\n'),
      ),
    });
    const r = await runProject(dir);
    expect(statuses(r, 'bad')).toEqual(['failed']);
    expect(messages(r, 'caught')[0]).toMatch(/unknown argument 'nope'/);
  });

  it('is still refused when loading a block without a rescue', async () => {
    const dir = project({ 'play.yml': play(['    - block:', '        - debug: { msg: x, nope: 1 }', ''].join('\n')) });
    await expect(runProject(dir)).rejects.toThrow(/unknown argument 'nope'/);
  });
});
