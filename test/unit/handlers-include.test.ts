// Handlers that are include_tasks or include_role (Ansible allows both; ansible-core's own
// setup_remote_tmp_dir cleans up through one): run when notified by name or by a listen topic, never
// otherwise; a role's include handler is found under `role : name` too.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-hinc-'));
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

const rows = (r: RunReport) => r.results.map((x) => `${x.task}:${x.status}`);

describe('include handlers', () => {
  it('runs an include_tasks handler notified by its name or a listen topic, and not one nobody notified', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: change
      shell: echo x
      notify: [by name, a topic]
  handlers:
    - name: by name
      include_tasks: cleanup.yml
      vars: { word: named }
    - include_tasks:
        file: cleanup.yml
      vars: { word: topic }
      listen: a topic
    - name: never notified
      include_tasks: cleanup.yml
      vars: { word: never }
`,
      'cleanup.yml': '- name: log {{ word }}\n  shell: echo {{ word }} >> DIR/log\n',
    });
    const r = await run(dir);
    expect(r.recap.h1?.failed).toBe(0);
    expect(readFileSync(path.join(dir, 'log'), 'utf8')).toBe('named\ntopic\n');
    expect(rows(r)).toContain('log named:changed');
    expect(rows(r)).not.toContain('log never:changed');
  });

  it("runs a role's include_tasks handler, notified as `role : name` too, with the role's files", async () => {
    const dir = setup({
      'play.yml': '- hosts: all\n  gather_facts: false\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- shell: echo x\n  notify: "r : clean up"\n',
      'roles/r/handlers/main.yml': '- name: clean up\n  include_tasks: cleanup.yml\n',
      'roles/r/tasks/cleanup.yml': '- shell: echo cleaned >> DIR/log\n',
    });
    const r = await run(dir);
    expect(r.recap.h1?.failed).toBe(0);
    expect(readFileSync(path.join(dir, 'log'), 'utf8')).toBe('cleaned\n');
  });

  it('still refuses a block as a handler, at its line', () => {
    const dir = setup({ 'play.yml': '- hosts: all\n  handlers:\n    - block:\n        - debug: {}\n' });
    let message = '';
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    } catch (err) {
      if (!(err instanceof FleetError)) throw err;
      message = `${err.location?.line}: ${err.message}`;
    }
    expect(message).toBe('3: handler 1 of handlers must be a task or an include (not a block)');
  });
});

describe('listen topics', () => {
  it('runs every handler that listens to a notified topic, named or not, once', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - shell: echo x
      notify: topic
  handlers:
    - name: first
      shell: echo first >> DIR/log
      listen: topic
    - shell: echo second >> DIR/log
      listen: topic
    - name: topic
      shell: echo third >> DIR/log
`,
    });
    const r = await run(dir);
    expect(r.recap.h1?.failed).toBe(0);
    expect(readFileSync(path.join(dir, 'log'), 'utf8')).toBe('first\nsecond\nthird\n');
  });
});
