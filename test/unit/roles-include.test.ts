// import_role (static) and include_role (dynamic): *_from files, apply, loops, templated names,
// their ansible.builtin. names, and the mistakes validate reports.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { moduleRegistry } from '../../modules/index.ts';
import { fixture, messages, rows, runFixture } from './support/roleFixture.ts';

const PLAY = (tasks: string) => `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}\n`;

const ROLE = {
  'roles/r/tasks/main.yml': '- debug: { msg: "main {{ who }}" }\n',
  'roles/r/tasks/other.yml': '- debug: { msg: "other {{ who }}" }\n  changed_when: true\n  notify: alt handler\n',
  'roles/r/defaults/main.yml': 'who: default-main\n',
  'roles/r/defaults/alt.yml': 'who: default-alt\n',
  'roles/r/vars/special.yml': 'who: vars-special\n',
  'roles/r/handlers/main.yml': '- name: main handler\n  debug: { msg: main handler }\n',
  'roles/r/handlers/alt.yml': '- name: alt handler\n  debug: { msg: alt handler }\n',
};

function problemsOf(dir: string): string {
  try {
    loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    return '';
  } catch (err) {
    return (err as { format(): string }).format();
  }
}

describe('import_role and include_role', () => {
  it('uses tasks_from, defaults_from, vars_from and handlers_from', async () => {
    const dir = fixture({
      ...ROLE,
      // Two plays: a statically imported role's vars/ are seen by the whole play, as in Ansible.
      'play.yml': `${PLAY(`    - import_role: { name: r }
    - include_role: { name: r, tasks_from: other, defaults_from: alt, handlers_from: alt }`)}${PLAY(
        '    - ansible.builtin.import_role: { name: r, tasks_from: other.yml, vars_from: special, handlers_from: alt }',
      )}`,
    });
    const r = await runFixture(dir);
    expect(messages(r)).toEqual(['main default-main', 'other default-alt', 'alt handler', 'other vars-special', 'alt handler']);
  });

  it('applies an import_role when to each task, and an include_role when once to the include', async () => {
    const dir = fixture({
      'play.yml': PLAY(`    - import_role: { name: flip }
      when: not (flipped | default(false))
    - set_fact: { flipped: false }
    - include_role: { name: flip }
      when: not flipped`),
      'roles/flip/tasks/main.yml': '- set_fact: { flipped: true }\n- debug: { msg: after flip }\n',
    });
    const r = await runFixture(dir);
    // Imported: the second task re-evaluates the when and is skipped; included: both tasks run.
    expect(rows(r)).toEqual(['set_fact:ok', 'debug:skipped', 'set_fact:ok', 'include_role : flip:ok', 'set_fact:ok', 'debug:ok']);
  });

  it('loops an include_role with a templated name, per host, and passes the item to the role', async () => {
    const dir = fixture(
      {
        'play.yml': PLAY(`    - include_role: { name: "{{ item }}" }
      loop: "{{ wanted }}"`),
        inv: '',
        'roles/a/tasks/main.yml': '- debug: { msg: "a on {{ inventory_hostname }} item {{ item }}" }\n',
        'roles/b/tasks/main.yml': '- debug: { msg: "b on {{ inventory_hostname }}" }\n',
      },
      ['h1', 'h2'],
    );
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      path.join(dir, 'inv'),
      `[all]\nh1 ansible_connection=local wanted='["a","b"]'\nh2 ansible_connection=local wanted='["b"]'\n`,
    );
    const r = await runFixture(dir);
    expect(messages(r, 'h1')).toEqual(['a on h1 item a', 'b on h1']);
    expect(messages(r, 'h2')).toEqual(['b on h2']);
  });

  it("gives include_role's apply keywords to the role's tasks, and not its own tags", async () => {
    const dir = fixture({
      'play.yml': PLAY(`    - include_role:
        name: t
        apply: { tags: [deploy] }
      tags: [deploy]
    - include_role: { name: u }
      tags: [deploy]`),
      'roles/t/tasks/main.yml': '- debug: { msg: t runs }\n',
      'roles/u/tasks/main.yml': '- debug: { msg: u runs }\n',
    });
    const r = await runFixture(dir, { tags: { only: ['deploy'], skip: [] } });
    // As in Ansible, the include's own tags select the include, not the tasks of the role.
    expect(messages(r)).toEqual(['t runs']);
  });

  it('takes the key=value form and the ansible.builtin.include_role name', async () => {
    const dir = fixture({
      ...ROLE,
      'play.yml': PLAY(`    - ansible.builtin.include_role: name=r tasks_from=other handlers_from=alt
      vars: { who: task-vars }`),
    });
    expect(messages(await runFixture(dir))).toEqual(['other task-vars', 'alt handler']);
  });

  it("ranks include_role's vars as include params (over set_fact) and import_role's as block vars (under it)", async () => {
    const dir = fixture({
      'play.yml': PLAY(`    - include_role: { name: sf }
      vars: { x: include-vars }
    - include_role: { name: "{{ 'sf' }}" }
      vars: { x: templated-include-vars }
    - import_role: { name: sf }
      vars: { x: import-vars }`),
      'roles/sf/tasks/main.yml': '- set_fact: { x: set_fact }\n- debug: { msg: "{{ x }}" }\n',
    });
    expect(messages(await runFixture(dir))).toEqual(['include-vars', 'templated-include-vars', 'set_fact']);
  });

  it("gives a role imported or included from a role's tasks the parent's vars and params, and its name", async () => {
    const dir = fixture({
      'play.yml': '- hosts: all\n  gather_facts: false\n  roles:\n    - { role: outer, p: param }\n',
      'roles/outer/vars/main.yml': 'outer_var: outer-vars\n',
      'roles/outer/tasks/main.yml': '- import_role: { name: inner }\n- include_role: { name: "{{ \'inner\' }}" }\n',
      'roles/inner/tasks/main.yml': [
        '- debug: { msg: "{{ outer_var }} {{ p }}" }',
        '- debug: { msg: parent named }',
        "  when: ansible_parent_role_names == ['outer']",
      ].join('\n'),
    });
    expect(messages(await runFixture(dir))).toEqual(['outer-vars param', 'parent named', 'outer-vars param', 'parent named']);
  });

  it('runs an include_role again unless allow_duplicates is false', async () => {
    const dir = fixture({
      'play.yml': PLAY(`    - include_role: { name: once }
    - include_role: { name: once }
    - include_role: { name: once, allow_duplicates: false }`),
      'roles/once/tasks/main.yml': '- debug: { msg: ran }\n',
    });
    const r = await runFixture(dir);
    expect(messages(r)).toEqual(['ran', 'ran']);
    expect(r.results.filter((x) => x.module === 'include_role').map((x) => x.msg)).toEqual([
      'included role once',
      'included role once',
      'role once already ran',
    ]);
  });

  it('carries become and become_user of an import_role to its tasks, and of include_role through apply', () => {
    const dir = fixture({
      'play.yml': PLAY(`    - import_role: { name: r }
      become: true
      become_user: postgres
    - include_role:
        name: r
        apply: { become: yes, become_user: app }`),
      'roles/r/tasks/main.yml': '- debug: { msg: x }\n',
    });
    const [imported, included] = loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry).plays[0]!.tasks;
    expect(imported).toMatchObject({ kind: 'block', become: true, becomeUser: 'postgres' });
    expect(included?.kind === 'include' && included.role?.loaded?.block).toMatchObject({ become: true, becomeUser: 'app' });
  });

  it('fails at run time, at the include, for a templated role name that is not found', async () => {
    const dir = fixture({ 'play.yml': PLAY('    - include_role: { name: "{{ missing_role }}" }\n      vars: { missing_role: nowhere }') });
    const r = await runFixture(dir);
    expect(r.results[0]?.status).toBe('failed');
    expect(r.results[0]?.msg).toContain(`play.yml:4:7: the role 'nowhere' was not found in ${path.join(dir, 'roles')}`);
  });

  it('reports a missing *_from file, a loop on import_role, unknown arguments and a templated import_role', () => {
    const dir = fixture({
      ...ROLE,
      'play.yml': PLAY(`    - import_role: { name: r, tasks_from: nope }
    - import_role: { name: r }
      loop: [1, 2]
    - include_role: { name: r, task_from: other }
    - import_role: { name: "{{ x }}" }
    - include_role: { name: "{{ x + }}" }`),
    });
    const message = problemsOf(dir);
    expect(message).toContain(`play.yml:4:28: role 'r': could not find tasks/nope in the role (${path.join(dir, 'roles/r/tasks')})`);
    expect(message).toContain("play.yml:6:7: 'loop' is not a keyword of import_role (import_role cannot loop; use include_role)");
    expect(message).toContain("play.yml:7:32: unknown argument 'task_from' for include_role (did you mean 'tasks_from'?)");
    expect(message).toMatch(/play\.yml:9:\d+: .*(syntax|expected|unexpected)/i);
    // A templated import_role name is rendered at load time (as Ansible does); x is not known then.
    expect(message).toMatch(/play\.yml:8:\d+: the role name of an import_role is rendered when the playbook loads.*'x' is undefined/);
  });

  it('checks a role named by a literal include_role at validate time', () => {
    const dir = fixture({ 'play.yml': PLAY('    - include_role: { name: absent }'), 'roles/present/tasks/main.yml': '- debug: {}\n' });
    expect(problemsOf(dir)).toContain("play.yml:4:29: the role 'absent' was not found");
  });
});
