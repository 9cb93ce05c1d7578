// Loop behaviours of Ansible's TaskExecutor that ansible-core's loops target asserts: a templated loop_var,
// an undefined loop value under a false `when` (skipped, not failed), ansible_search_path, and hostvars
// carrying what include_vars loaded.
import { describe, expect, it } from 'vitest';
import { messages, play, project, runProject, statuses } from './harness.ts';

describe('loop semantics', () => {
  it('renders a templated loop_var, for a task and for include_tasks', async () => {
    const dir = project({
      'play.yml': play(
        [
          '    - name: t',
          '      debug: { msg: "{{ fruit }}-{{ ansible_loop_var }}" }',
          '      loop: [apple, pear]',
          '      loop_control: { loop_var: "{{ name }}" }',
          '    - include_tasks: inc.yml',
          '      loop: [value]',
          '      loop_control: { loop_var: "{{ name }}" }',
          '',
        ].join('\n'),
        '{ name: fruit }',
      ),
      'inc.yml': '- name: i\n  debug: { msg: "included {{ fruit }}" }\n',
    });
    const r = await runProject(dir);
    expect(messages(r, 't')).toEqual(['apple-fruit', 'pear-fruit']);
    expect(messages(r, 'i')).toEqual(['included value']);
  });

  it('skips a task whose loop reads an undefined variable when its `when` is false, and fails it when true', async () => {
    const dir = project({
      'play.yml': play(
        [
          '    - name: skip',
          '      debug: { msg: x }',
          '      when: false',
          '      with_list: "{{ nope }}"',
          '    - name: run',
          '      debug: { msg: x }',
          '      when: true',
          '      loop: "{{ nope }}"',
          '      ignore_errors: true',
          '',
        ].join('\n'),
      ),
    });
    const r = await runProject(dir);
    expect(statuses(r, 'skip')).toEqual(['skipped']);
    expect(statuses(r, 'run')).toEqual(['failed']);
    expect(messages(r, 'run')[0]).toMatch(/'nope' is undefined/);
  });

  it('sets ansible_search_path to the task file folder, and hostvars has include_vars values', async () => {
    const dir = project({
      'play.yml': play(
        [
          '    - include_vars: v.yml',
          '    - name: p',
          '      debug: { msg: "{{ ansible_search_path }}" }',
          '    - name: h',
          '      debug: { msg: "{{ hostvars[inventory_hostname].loaded }}" }',
          '',
        ].join('\n'),
      ),
      'v.yml': 'loaded: 42\n',
    });
    const r = await runProject(dir);
    expect(messages(r, 'p')).toEqual([JSON.stringify([dir])]);
    expect(messages(r, 'h')).toEqual(['42']);
  });
});
