// module_defaults (play, block, include, task) merged under a task's own arguments before they are
// checked, and the `collections` keyword accepted and checked, through the real loader and executor.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetError } from '../../engine/errors.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, TaskDef, TaskNode, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(text: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-moddef-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), text.replaceAll('DIR', dir));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), body.replaceAll('DIR', dir));
  }
  return dir;
}

const load = (dir: string) => loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);

async function run(dir: string): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(load(dir), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
}

function problems(dir: string): string {
  try {
    load(dir);
  } catch (err) {
    return (err as FleetError).format();
  }
  return '';
}

// Every task of a list, blocks and loaded includes opened.
function tasksOf(nodes: TaskNode[]): TaskDef[] {
  return nodes.flatMap((n) =>
    n.kind === 'task' ? [n] : n.kind === 'block' ? tasksOf([...n.block, ...n.rescue, ...n.always]) : tasksOf(n.tasks ?? []),
  );
}

describe('module_defaults', () => {
  it('merges play, block and task defaults under the task’s own arguments, inner over outer, by any module name', () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  module_defaults:
    ansible.builtin.file: { mode: "0600", state: touch }
    copy: { mode: "0644" }
  tasks:
    - file: { path: DIR/a }
    - block:
        - file: { path: DIR/b }
        - ansible.builtin.file: { path: DIR/c, mode: "0700" }
          module_defaults: { file: { owner: root } }
      module_defaults:
        - ansible.legacy.file: { mode: "0640" }
    - copy: { dest: DIR/d, content: x }
    - include_tasks: inc.yml
      module_defaults: { copy: { mode: "0400" } }
`,
      { 'inc.yml': '- copy: { dest: DIR/e, content: y }\n' },
    );
    const args = tasksOf(load(dir).plays[0]!.tasks).map((t) => t.args);
    expect(args).toEqual([
      { path: `${dir}/a`, mode: '0600', state: 'touch' },
      { path: `${dir}/b`, mode: '0640', state: 'touch' },
      { path: `${dir}/c`, mode: '0700', state: 'touch', owner: 'root' },
      { dest: `${dir}/d`, content: 'x', mode: '0644' },
      { dest: `${dir}/e`, content: 'y', mode: '0400' },
    ]);
  });

  it('applies at run time: a default argument takes effect, and defaults are checked like arguments', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  module_defaults: { copy: { content: "from defaults\\n" } }
  tasks:
    - copy: { dest: DIR/out }
    - include_tasks: "{{ which }}.yml"
      vars: { which: late }
      module_defaults: { copy: { content: "late\\n" } }
`,
      { 'late.yml': '- copy: { dest: DIR/late }\n' },
    );
    const r = await run(dir);
    expect(r.recap.h1!.changed).toBe(2);
    expect(readFileSync(path.join(dir, 'out'), 'utf8')).toBe('from defaults\n');
    // A file named by a template is read when reached, under the defaults in force at the include.
    expect(readFileSync(path.join(dir, 'late'), 'utf8')).toBe('late\n');
    const bad = setup(`- hosts: all
  module_defaults: { file: { colour: red } }
  tasks:
    - file: { path: /tmp/x }
`);
    expect(problems(bad)).toMatch(/colour/);
  });

  it('accepts group/ names (no fleetplay module is in an action group, so they apply to none) and refuses bad shapes', () => {
    const dir = setup(`- hosts: all
  module_defaults:
    group/aws: { region: eu-west-1 }
    amazon.aws.ec2_instance: { region: eu-west-1 }
  tasks:
    - file: { path: /tmp/x, state: touch }
`);
    expect(tasksOf(load(dir).plays[0]!.tasks)[0]!.args).toEqual({ path: '/tmp/x', state: 'touch' });
    const bad = setup(`- hosts: all
  tasks:
    - file: { path: /tmp/x }
      module_defaults: { file: [mode] }
    - file: { path: /tmp/x }
      module_defaults: "{{ defaults }}"
`);
    const text = problems(bad);
    expect(text).toMatch(/play\.yml:4:32: the defaults of 'file' must be a mapping of arguments, got a list/);
    expect(text).toMatch(/play\.yml:6:24: module_defaults cannot be a template/);
  });

  it('holds for the tasks of the play’s roles', () => {
    const dir = setup(
      `- hosts: all
  module_defaults: { file: { state: directory } }
  roles:
    - role: web
      collections: [community.general]
`,
      { 'roles/web/tasks/main.yml': '- file: { path: /srv/web }\n' },
    );
    expect(tasksOf(load(dir).plays[0]!.tasks).map((t) => t.args)).toEqual([{ path: '/srv/web', state: 'directory' }]);
  });
});

describe('module_defaults on role entries', () => {
  it('hold for the role’s tasks and its dependencies, over the play’s', () => {
    const dir = setup(
      `- hosts: all
  module_defaults: { file: { state: directory, mode: "0755" } }
  roles:
    - role: web
      module_defaults: { file: { mode: "0700" } }
  tasks:
    - file: { path: /srv/after }
`,
      {
        'roles/web/tasks/main.yml': '- file: { path: /srv/web }\n',
        'roles/web/meta/main.yml': 'dependencies: [base]\n',
        'roles/base/tasks/main.yml': '- file: { path: /srv/base }\n',
      },
    );
    expect(tasksOf(load(dir).plays[0]!.tasks).map((t) => t.args)).toEqual([
      { path: '/srv/base', state: 'directory', mode: '0700' },
      { path: '/srv/web', state: 'directory', mode: '0700' },
      { path: '/srv/after', state: 'directory', mode: '0755' },
    ]);
  });
});

describe('collections', () => {
  it('is accepted on plays, blocks and tasks, and module names resolve as before', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  collections: [community.general, ansible.posix]
  tasks:
    - block:
        - name: short name
          debug: { msg: ok }
      collections: community.general
    - name: fqcn
      community.general.modprobe: { name: dummy, state: present }
      collections: [community.general]
      check_mode: true
      when: false
`);
    const r = await run(dir);
    expect(r.results.map((x) => `${x.task}:${x.status}`)).toEqual(['short name:ok', 'fqcn:skipped']);
  });

  it('refuses what is no collection name, at the entry', () => {
    const text = problems(setup('- hosts: all\n  collections: [general]\n  tasks:\n    - debug: { msg: x }\n      collections: [1]\n'));
    expect(text).toMatch(/play\.yml:2:17: collections takes collection names such as community\.general \(namespace\.name\), got/);
    expect(text).toMatch(/play\.yml:5:21: collections takes collection names/);
  });
});
