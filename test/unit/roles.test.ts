// Roles as Ansible has them: the layout of a role, dependencies, Ansible's dedup, handlers, and the
// role's own templates/ and files/ searched first. Real runs on the local connection.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { moduleRegistry } from '../../modules/index.ts';
import { fixture, messages, rows, runFixture } from './support/roleFixture.ts';

const PLAY = (roles: string, tasks = '') =>
  `- hosts: all\n  gather_facts: false\n  roles:\n${roles}\n${tasks ? `  tasks:\n${tasks}\n` : ''}`;

describe('role layout', () => {
  it('runs tasks/main.yml with defaults/, vars/, templates/, files/ and handlers/ of the role', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - web'),
      'roles/web/defaults/main.yml': 'port: 80\ngreeting: hi\n',
      'roles/web/vars/main.yml': 'greeting: hello\n',
      'roles/web/tasks/main.yml': [
        '- debug: { msg: "{{ greeting }} {{ port }}" }',
        '- template: { src: site.conf.j2, dest: DIR/site.conf }',
        '  notify: reload web',
        '- copy: { src: index.html, dest: DIR/index.html }',
      ].join('\n'),
      'roles/web/templates/site.conf.j2': 'listen {{ port }}\n',
      'roles/web/files/index.html': '<p>role file</p>\n',
      'roles/web/handlers/main.yml': '- name: reload web\n  debug: { msg: "reloaded from {{ role_name }}" }\n',
    });
    const r = await runFixture(dir);
    expect(messages(r)).toEqual(['hello 80', 'reloaded from web']);
    expect(readFileSync(path.join(dir, 'site.conf'), 'utf8')).toBe('listen 80\n');
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe('<p>role file</p>\n');
    expect(rows(r)).toEqual(['debug:ok', 'template:changed', 'copy:changed', 'reload web:ok']);
  });

  it('predicts a role in --check without changing anything, then applies it', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - web'),
      'roles/web/tasks/main.yml': '- template: { src: t.j2, dest: DIR/out }\n  notify: h\n',
      'roles/web/templates/t.j2': 'x\n',
      'roles/web/handlers/main.yml': '- name: h\n  debug: { msg: handled }\n',
    });
    const check = await runFixture(dir, { check: true });
    expect(rows(check)).toEqual(['template:changed', 'h:ok']);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
    expect(rows(await runFixture(dir))).toEqual(['template:changed', 'h:ok']);
    expect(rows(await runFixture(dir, { check: true }))).toEqual(['template:ok']);
  });

  it('finds main.yaml, a bare main, and reads a main/ folder of vars files merged in sorted order', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - a\n    - b'),
      'roles/a/tasks/main.yaml': '- debug: { msg: "a {{ one }} {{ two }}" }\n',
      'roles/a/vars/main/10-first.yml': 'one: 1\ntwo: first\n',
      'roles/a/vars/main/20-second.yml': 'two: second\n',
      'roles/b/tasks/main': '- debug: { msg: "b {{ bee }}" }\n',
      'roles/b/defaults/main.json': '{"bee": "json"}',
    });
    expect(messages(await runFixture(dir))).toEqual(['a 1 second', 'b json']);
  });

  it('runs roles after pre_tasks (and their handlers), before tasks, as Ansible orders a play', async () => {
    const dir = fixture({
      'play.yml': `- hosts: all
  gather_facts: false
  pre_tasks:
    - debug: { msg: pre }
  roles: [r]
  tasks:
    - debug: { msg: task }
  post_tasks:
    - debug: { msg: post }
`,
      'roles/r/tasks/main.yml': '- debug: { msg: role }\n',
    });
    expect(messages(await runFixture(dir))).toEqual(['pre', 'role', 'task', 'post']);
  });

  it('applies when, tags and become of a roles: entry to every task of the role', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - { role: r, when: run_it | default(false), tags: [web] }\n    - { role: s, tags: db }'),
      'roles/r/tasks/main.yml': '- debug: { msg: r1 }\n- debug: { msg: r2 }\n',
      'roles/s/tasks/main.yml': '- debug: { msg: s1 }\n',
    });
    expect(rows(await runFixture(dir))).toEqual(['debug:skipped', 'debug:skipped', 'debug:ok']);
    expect(messages(await runFixture(dir, { extraVars: { run_it: true } }))).toEqual(['r1', 'r2', 's1']);
    expect(messages(await runFixture(dir, { extraVars: { run_it: true }, tags: { only: ['db'], skip: [] } }))).toEqual(['s1']);
  });

  it('looks in the role templates/ before the playbook templates/, and include_tasks in the role tasks/', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - r'),
      'templates/t.j2': 'from the playbook\n',
      'roles/r/templates/t.j2': 'from the role\n',
      'roles/r/tasks/main.yml': '- include_tasks: more.yml\n',
      'roles/r/tasks/more.yml': '- template: { src: t.j2, dest: DIR/out }\n- template: { src: only-play.j2, dest: DIR/out2 }\n',
      'templates/only-play.j2': 'playbook fallback\n',
    });
    const r = await runFixture(dir);
    expect(r.results.filter((x) => x.status === 'failed')).toEqual([]);
    expect(readFileSync(path.join(dir, 'out'), 'utf8')).toBe('from the role\n');
    expect(readFileSync(path.join(dir, 'out2'), 'utf8')).toBe('playbook fallback\n');
  });

  it('finds a role template at run time in a task file included with a templated name', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - r'),
      'roles/r/vars/main.yml': 'part: more\n',
      'roles/r/templates/t.j2': 'role {{ role_name }}\n',
      'roles/r/tasks/main.yml': '- include_tasks: "{{ part }}.yml"\n',
      'roles/r/tasks/more.yml': '- template: { src: t.j2, dest: DIR/out }\n',
    });
    const r = await runFixture(dir);
    expect(r.results.filter((x) => x.status === 'failed').map((x) => x.msg)).toEqual([]);
    expect(readFileSync(path.join(dir, 'out'), 'utf8')).toBe('role r\n');
  });
});

describe('dependencies and dedup', () => {
  it('runs meta dependencies first, with their own params, and a shared dependency once', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - app\n    - api'),
      'roles/common/defaults/main.yml': 'flavour: plain\n',
      'roles/common/tasks/main.yml': '- debug: { msg: "common {{ flavour }}" }\n',
      'roles/app/meta/main.yml': 'galaxy_info: { author: x }\ndependencies:\n  - common\n  - { role: lib, lib_version: 2 }\n',
      'roles/lib/tasks/main.yml': '- debug: { msg: "lib {{ lib_version }}" }\n',
      'roles/app/tasks/main.yml': '- debug: { msg: app }\n',
      'roles/api/meta/main.yml': 'dependencies: [common]\n',
      'roles/api/tasks/main.yml': '- debug: { msg: api }\n',
    });
    expect(messages(await runFixture(dir))).toEqual(['common plain', 'lib 2', 'app', 'api']);
  });

  it('runs a role listed twice once, twice with different params, and always with allow_duplicates', async () => {
    const dir = fixture({
      'play.yml': PLAY(
        '    - once\n    - once\n    - { role: p, x: 1 }\n    - { role: p, x: 2 }\n    - { role: p, x: 1 }\n    - dup\n    - dup',
      ),
      'roles/once/tasks/main.yml': '- debug: { msg: once }\n',
      'roles/p/tasks/main.yml': '- debug: { msg: "p {{ x }}" }\n',
      'roles/dup/meta/main.yml': 'allow_duplicates: true\n',
      'roles/dup/tasks/main.yml': '- debug: { msg: dup }\n',
    });
    expect(messages(await runFixture(dir))).toEqual(['once', 'p 1', 'p 2', 'dup', 'dup']);
  });

  it('gives a dependency its parent params and vars below its own', async () => {
    const dir = fixture({
      'play.yml': PLAY('    - { role: parent, color: red }'),
      'roles/parent/meta/main.yml': 'dependencies:\n  - { role: child, size: big }\n',
      'roles/parent/vars/main.yml': 'shape: round\n',
      'roles/parent/tasks/main.yml': '- debug: { msg: "parent {{ color }} {{ child_seen }}" }\n',
      'roles/child/vars/main.yml': 'child_seen: yes-from-child-vars\n',
      'roles/child/tasks/main.yml':
        "- debug: { msg: \"child {{ color }} {{ size }} {{ shape }}\" }\n- debug: { msg: parent named }\n  when: ansible_parent_role_names == ['parent'] and role_name == 'child'\n",
    });
    expect(messages(await runFixture(dir))).toEqual(['child red big round', 'parent named', 'parent red yes-from-child-vars']);
  });

  it('puts role handlers in the play namespace (also as role : name): play tasks notify them, role tasks notify play handlers', async () => {
    const dir = fixture({
      'play.yml': `- hosts: all
  gather_facts: false
  roles: [svc]
  tasks:
    - copy: { dest: DIR/b, content: b }
      notify: "svc : restart svc"
  handlers:
    - name: play handler
      debug: { msg: play handler }
`,
      'roles/svc/tasks/main.yml': '- copy: { dest: DIR/a, content: a }\n  notify: [play handler]\n',
      'roles/svc/handlers/main.yml': '- name: restart svc\n  debug: { msg: "svc restarted by {{ role_name }}" }\n',
    });
    const r = await runFixture(dir);
    // Role handlers come first, as Ansible compiles them before the play's own.
    expect(messages(r)).toEqual(['svc restarted by svc', 'play handler']);
    expect(messages(await runFixture(dir))).toEqual([]);
  });
});

describe('role errors', () => {
  it('names a missing role with every place searched, at the entry', () => {
    const dir = fixture({ 'play.yml': PLAY('    - present\n    - { role: missing }'), 'roles/present/tasks/main.yml': '- debug: {}\n' });
    let message = '';
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, { rolesPath: [path.join(dir, 'elsewhere')] });
    } catch (err) {
      message = (err as { format(): string }).format();
    }
    expect(message).toContain(
      `${path.join(dir, 'play.yml')}:5:15: the role 'missing' was not found in ${path.join(dir, 'roles')}:${path.join(dir, 'elsewhere')}`,
    );
    expect(message).toContain(`:${dir}`);
  });

  it('reports bad meta, bad vars files, dependency cycles and errors in role task files at their own lines', () => {
    const dir = fixture({
      'play.yml': PLAY('    - a\n    - b\n    - c\n    - d'),
      'roles/a/meta/main.yml': 'galaxy_info: {}\ndependencies: common\n',
      'roles/b/vars/main.yml': '- not\n- a mapping\n',
      'roles/c/meta/main.yml': 'dependencies: [c2]\n',
      'roles/c2/meta/main.yml': 'dependencies:\n  - c\n',
      'roles/d/tasks/main.yml': '- debug: { msg: ok }\n- name: typo\n  debgu: { msg: x }\n',
    });
    let message = '';
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    } catch (err) {
      message = (err as { format(): string }).format();
    }
    expect(message).toContain(`${path.join(dir, 'roles/a/meta/main.yml')}:2:15: dependencies must be a list of roles`);
    expect(message).toContain(`${path.join(dir, 'roles/b/vars/main.yml')}:1:1: a role's vars file must be a mapping`);
    expect(message).toContain(`${path.join(dir, 'roles/c2/meta/main.yml')}:2:5: role 'c' depends on itself (c -> c2 -> c)`);
    expect(message).toContain(`${path.join(dir, 'roles/d/tasks/main.yml')}:3:3: unknown module or keyword 'debgu'`);
  });

  it('reports role keywords fleetplay lacks, bad param and vars names, and a non-boolean become, at the entry', () => {
    const dir = fixture({
      'play.yml': PLAY("    - { role: r, throttle: 2222, 'bad-param': 1, vars: { 'bad-var': 2 }, become: maybe }"),
      'roles/r/tasks/main.yml': '- debug: {}\n',
    });
    let message = '';
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    } catch (err) {
      message = (err as { format(): string }).format();
    }
    expect(message).toContain("play.yml:4:18: 'throttle' is an Ansible role keyword that fleetplay does not support yet");
    expect(message).toContain("play.yml:4:34: role param 'bad-param' is not a valid variable name");
    expect(message).toContain("play.yml:4:58: 'bad-var' is not a valid variable name");
    expect(message).toContain(`play.yml:4:82: 'become' must be true or false, got the string "maybe"`);
  });

  it('validates the templates a role task names in the role templates/ folder', () => {
    const dir = fixture({
      'play.yml': PLAY('    - r'),
      'roles/r/tasks/main.yml': '- template: { src: good.j2, dest: /tmp/x }\n- template: { src: absent.j2, dest: /tmp/y }\n',
      'roles/r/templates/good.j2': 'fine\n',
    });
    let message = '';
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    } catch (err) {
      message = (err as { format(): string }).format();
    }
    expect(message).toContain("template src 'absent.j2' not found");
    expect(message).toContain(path.join(dir, 'roles/r/templates'));
    expect(message).not.toContain("'good.j2'");
  });
});
