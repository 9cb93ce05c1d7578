// Ansible's `omit` through a run: an argument that renders to it is left out of the module call, and
// include_role's tasks_from: "{{ omit }}" runs the role's main tasks (ansible-core's include_import target).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-omit-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text.replaceAll('DIR', dir));
  }
  return dir;
}

function run(dir: string): Promise<RunReport> {
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 3000, connectRetries: 0 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
    stopping: () => false,
  });
}

describe('omit', () => {
  it('leaves an argument out of a module call and include_role tasks_from out of the include', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - shell: echo one >> DIR/log
      args:
        chdir: "{{ maybe_dir | default(omit) }}"
    - include_role:
        name: r
        tasks_from: "{{ omit }}"
    - name: check
      assert: { that: ["omit is string", "omit.startswith('__omit_place_holder__')"] }
`,
      'roles/r/tasks/main.yml': '- shell: echo main >> DIR/log\n',
    });
    const r = await run(dir);
    expect(r.recap.h1?.failed).toBe(0);
    expect(readFileSync(path.join(dir, 'log'), 'utf8')).toBe('one\nmain\n');
  });
});
