// Lookups in every place a template is rendered, not only in task arguments: delegate_to, environment,
// include_role's when and loop (also with_<lookup>), a meta task's when, templated boolean keywords, and
// the play's serial.
import { describe, expect, it } from 'vitest';
import { messages, project, runProject, statuses } from './harness.ts';

describe('lookups outside task arguments', () => {
  it('delegate_to, environment, ignore_errors and a meta when may call lookup()', async () => {
    process.env.FP_PLACES_DELEGATE = 'localhost';
    process.env.FP_PLACES_VALUE = 'from-lookup';
    process.env.FP_PLACES_YES = 'yes';
    const dir = project({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: delegated
      command: echo delegated
      delegate_to: "{{ lookup('env', 'FP_PLACES_DELEGATE') }}"
    - name: env
      shell: echo "$FP_X"
      environment:
        FP_X: "{{ lookup('env', 'FP_PLACES_VALUE') }}"
    - name: soft
      command: "false"
      ignore_errors: "{{ lookup('env', 'FP_PLACES_YES') }}"
    - meta: end_host
      when: lookup('env', 'FP_PLACES_YES') == 'yes'
    - name: after the end
      debug: { msg: never }
`,
    });
    const r = await runProject(dir);
    expect(r.results.find((x) => x.task === 'delegated')?.delegatedTo).toBe('localhost');
    expect(messages(r, 'env')).toEqual(['from-lookup']);
    expect(statuses(r, 'soft')).toEqual(['failed']);
    expect(r.results.find((x) => x.task === 'soft')?.ignored).toBe(true);
    expect(statuses(r, 'after the end')).toEqual([]);
  });

  it('include_role: when and a with_items loop may call lookup()', async () => {
    process.env.FP_PLACES_ROLES = 'a,b';
    const dir = project({
      'roles/greet/tasks/main.yml': '- name: greet\n  debug: { msg: "hello {{ who }}" }\n',
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - include_role: { name: greet }
      vars: { who: "{{ item }}" }
      with_items: "{{ lookup('env', 'FP_PLACES_ROLES').split(',') }}"
      when: lookup('env', 'FP_PLACES_ROLES') != ''
`,
    });
    const r = await runProject(dir);
    expect(messages(r, 'greet')).toEqual(['hello a', 'hello b']);
  });

  it("serial may call lookup(): the play's batches follow it", async () => {
    process.env.FP_PLACES_SERIAL = '1';
    const dir = project(
      {
        'play.yml': `- hosts: all
  gather_facts: false
  serial: "{{ lookup('env', 'FP_PLACES_SERIAL') }}"
  tasks:
    - name: one
      debug: { msg: x }
`,
      },
      ['h1', 'h2'],
    );
    const r = await runProject(dir);
    expect(r.results.filter((x) => x.task === 'one').map((x) => x.batch)).toEqual([1, 2]);
  });
});
