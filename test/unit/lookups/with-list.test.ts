// with_list runs Ansible's list lookup: a list as it is, a mapping refused with its message, a scalar one item.
import { describe, expect, it } from 'vitest';
import { messages, play, project, runProject, statuses } from './harness.ts';

const task = (name: string, loop: string): string =>
  `    - name: ${name}\n      debug:\n        msg: "{{ item }}"\n      ${loop}\n      ignore_errors: true\n`;

describe('with_list', () => {
  it('loops over a list, takes a text as one item and refuses a mapping as Ansible does', async () => {
    const dir = project({
      'play.yml': play(
        task('l', 'with_list: "{{ xs }}"') + task('s', 'with_list: "{{ word }}"') + task('d', 'with_list: "{{ d }}"'),
        '{ xs: [a, [b, c]], word: hello, d: { key: value } }',
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'l')).toEqual(['a', '["b","c"]']);
    expect(messages(r, 's')).toEqual(['hello']);
    expect(statuses(r, 'd')).toEqual(['failed']);
    expect(messages(r, 'd')[0]).toMatch(/^with_list expects a list/);
  });
});
