// import_tasks as public roles write it (robertdebock's: `import_tasks: {file: assert.yml}` with run_once and
// delegate_to: localhost), through the real loader and executor on local hosts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { FleetError } from '../../engine/errors.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-import-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\nh2 ansible_connection=local\nh3 ansible_connection=local\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text.replaceAll('DIR', dir));
  return dir;
}

async function run(dir: string): Promise<RunReport> {
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

function loadError(dir: string): string {
  try {
    loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
  } catch (err) {
    if (err instanceof FleetError) return err.message;
    throw err;
  }
  return 'loaded';
}

const rows = (r: RunReport) => r.results.map((x) => `${x.host} ${x.task}:${x.status}${x.delegatedTo ? `→${x.delegatedTo}` : ''}`);

describe('import_tasks keywords', () => {
  it('takes the file under `file:` and runs every imported task once, on the delegate, when run_once and delegate_to are set', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: Import checks
      ansible.builtin.import_tasks:
        file: checks.yml
      run_once: true
      delegate_to: h3
    - name: after
      shell: echo {{ inventory_hostname }} >> DIR/after.log
`,
      'checks.yml': `- name: first check
  shell: echo {{ inventory_hostname }} >> DIR/once.log
- block:
    - name: second check
      shell: echo {{ inventory_hostname }}-b >> DIR/once.log
`,
    });
    const r = await run(dir);
    // Once, for the first host, delegated to h3 (its variables stay h1's, as with a task's own delegate_to).
    expect(readFileSync(path.join(dir, 'once.log'), 'utf8')).toBe('h1\nh1-b\n');
    // Hosts finish a parallel task in any order: each task's rows are compared sorted.
    const byTask = (task: string) =>
      rows(r)
        .filter((x) => x.includes(` ${task}:`))
        .sort();
    expect(byTask('Import checks')).toEqual(['h1 Import checks:ok', 'h2 Import checks:ok', 'h3 Import checks:ok']);
    expect(byTask('first check')).toEqual(['h1 first check:changed→h3']);
    expect(byTask('second check')).toEqual(['h1 second check:changed→h3']);
    expect(byTask('after')).toEqual(['h1 after:changed', 'h2 after:changed', 'h3 after:changed']);
  });

  it('without run_once, an imported file under `file:` runs on every host', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - import_tasks: { file: checks.yml }
`,
      'checks.yml': `- name: check
  shell: echo {{ inventory_hostname }} >> DIR/all.log
`,
    });
    await run(dir);
    expect(readFileSync(path.join(dir, 'all.log'), 'utf8').split('\n').sort().join(' ')).toBe(' h1 h2 h3');
  });

  it('refuses a `file:` mapping with other keys on import_tasks (run_once on include_tasks: include-import-targets.test.ts)', () => {
    const extra = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - import_tasks: { file: checks.yml, apply: { tags: [x] } }
`,
      'checks.yml': '- debug: { msg: x }\n',
    });
    expect(loadError(extra)).toMatch(/import_tasks/);
  });
});
