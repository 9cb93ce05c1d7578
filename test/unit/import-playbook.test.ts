// import_playbook, as Ansible's PlaybookInclude: static, at load time, with vars, when and tags; nested;
// the file name templated with the import's vars and the extra vars; errors with file:line.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, Vars } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-import-pb-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\nh2 ansible_connection=local\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function run(dir: string, options: { extraVars?: Vars; only?: string[]; skip?: string[] } = {}): Promise<RunReport> {
  const pb = loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, options.extraVars ? { extraVars: options.extraVars } : {});
  return runPlaybook(pb, loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: options.extraVars ?? {},
    tags: { only: options.only ?? [], skip: options.skip ?? [] },
    transport: { connectTimeoutMs: 3000, connectRetries: 0 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
    stopping: () => false,
  });
}

const rows = (r: RunReport) => r.results.map((x) => `${x.host}:${x.task}:${x.status}`);
const setter = (name: string, host = 'all') =>
  `- name: ${name}\n  hosts: ${host}\n  gather_facts: false\n  tasks:\n    - name: set ${name}\n      set_fact: { ${name}: yes }\n      tags: [${name}]\n`;

describe('import_playbook', () => {
  it('puts the imported plays in its place, nested imports too', () => {
    const dir = tree({
      'play.yml': '- import_playbook: a.yml\n- hosts: all\n  tasks: []\n- import_playbook: sub/b.yml\n',
      'a.yml': setter('a'),
      'sub/b.yml': '- import_playbook: c.yml\n',
      'sub/c.yml': setter('c'),
    });
    const pb = loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    expect(pb.plays.map((p) => p.name)).toEqual(['a', 'all', 'c']);
    expect(pb.plays[2]!.baseDir).toBe(path.join(dir, 'sub'));
  });

  it('skips the imported tasks and the fact gathering where its when is false, per host', async () => {
    const dir = tree({
      'play.yml':
        '- hosts: all\n  gather_facts: false\n  tasks:\n    - set_fact: { go: "{{ inventory_hostname == \'h1\' }}" }\n' +
        '- import_playbook: a.yml\n  when: go | bool\n',
      'a.yml': '- hosts: all\n  tasks:\n    - name: imported\n      debug: { msg: hi }\n',
    });
    const r = await run(dir);
    const got = rows(r).filter((x) => !x.includes('set_fact'));
    expect(got).toContain('h2:Gathering Facts:skipped');
    expect(got).toContain('h2:imported:skipped');
    expect(got).toContain('h1:imported:ok');
    expect(got).toContain('h1:Gathering Facts:ok');
  });

  it('gives its vars to the plays (over the play vars) and to a templated import_role name', async () => {
    const dir = tree({
      'play.yml': '- import_playbook: a.yml\n  vars: { who: import, role_name: r1 }\n',
      'a.yml':
        '- hosts: h1\n  gather_facts: false\n  vars: { who: play }\n  tasks:\n    - import_role: { name: "{{ role_name }}" }\n    - assert: { that: [who == "import"] }\n',
      'roles/r1/tasks/main.yml': '- name: in r1\n  debug: { msg: r1 }\n',
    });
    const r = await run(dir);
    expect(rows(r)).toEqual(['h1:in r1:ok', 'h1:assert:ok']);
  });

  it('adds its tags to the imported plays', async () => {
    const dir = tree({
      'play.yml': '- import_playbook: a.yml\n- import_playbook: b.yml\n  tags: [extra]\n- import_playbook: c.yml\n  tags: skipme\n',
      'a.yml': setter('a'),
      'b.yml': setter('b'),
      'c.yml': setter('c'),
    });
    const r = await run(dir, { only: ['a', 'extra', 'c'], skip: ['skipme'] });
    expect(rows(r)).toEqual(['h1:set a:ok', 'h2:set a:ok', 'h1:set b:ok', 'h2:set b:ok']);
  });

  it('renders a templated file name with its vars and the extra vars', () => {
    const dir = tree({
      'play.yml': '- import_playbook: "{{ pb }}"\n- import_playbook: "{{ other }}"\n  vars: { other: b.yml }\n',
      'a.yml': setter('a'),
      'b.yml': setter('b'),
    });
    const pb = loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, { extraVars: { pb: 'a.yml' } });
    expect(pb.plays.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('reports a missing file, an unknown keyword, a cycle and problems of the imported file at their file:line', () => {
    const dir = tree({
      'play.yml':
        '- import_playbook: nope.yml\n- import_playbook: a.yml\n  hosts: all\n- import_playbook: loop.yml\n- import_playbook: bad.yml\n',
      'a.yml': setter('a'),
      'loop.yml': '- import_playbook: play.yml\n',
      'bad.yml': '- hosts: all\n  tasks:\n    - no_such_module: {}\n',
    });
    let message = '';
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    } catch (err) {
      message = (err as { format(): string }).format();
    }
    expect(message).toMatch(/play\.yml:1:\d+: playbook file 'nope\.yml' not found/);
    expect(message).toMatch(/play\.yml:3:\d+: 'hosts' is not a keyword of import_playbook/);
    expect(message).toMatch(/loop\.yml:1:\d+: play\.yml imports itself/);
    expect(message).toMatch(/bad\.yml:3:\d+: unknown module or keyword 'no_such_module'/);
  });

  it('says what is known at load time when a templated name cannot be rendered', () => {
    const dir = tree({ 'play.yml': '- import_playbook: "{{ nowhere }}"\n' });
    let message = '';
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    } catch (err) {
      message = (err as { format(): string }).format();
    }
    expect(message).toMatch(/play\.yml:1:\d+: .*import_playbook vars and extra vars are known then \('nowhere' is undefined/);
  });

  it('renders templated import_tasks files and import_role tasks_from with play, task and extra vars at load time', () => {
    const dir = tree({
      'play.yml':
        '- hosts: all\n  gather_facts: false\n  vars: { f: t.yml }\n  tasks:\n' +
        '    - import_tasks: "{{ f }}"\n    - import_tasks: "{{ g }}"\n      vars: { g: t.yml }\n    - import_tasks: "{{ x }}"\n' +
        '    - import_role: { name: r1, tasks_from: "{{ f }}" }\n',
      't.yml': '- name: in t\n  debug: { msg: t }\n',
      'roles/r1/tasks/t.yml': '- name: in r1 t\n  debug: { msg: r1 }\n',
    });
    const pb = loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, { extraVars: { x: 't.yml' } });
    const names = JSON.stringify(pb.plays[0]!.tasks);
    expect(names.match(/"name":"in t"/g)).toHaveLength(3);
    expect(names).toContain('"name":"in r1 t"');
  });
});
