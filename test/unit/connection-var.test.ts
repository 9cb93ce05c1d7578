// ansible_connection is defined even when no inventory sets it, as in Ansible (`ssh`), so roles that test
// `ansible_connection not in ['container', 'docker']` (robertdebock's) run; an inventory's value wins.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

async function run(inventory: string, playbook: string): Promise<RunReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-connvar-'));
  writeFileSync(path.join(dir, 'inv'), inventory);
  writeFileSync(path.join(dir, 'play.yml'), playbook);
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 2000, connectRetries: 0 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
    stopping: () => false,
  });
}

describe('ansible_connection', () => {
  it('reads ssh when the inventory does not set it, and the inventory value when it does', async () => {
    // debug runs on the controller: the SSH host (nothing listens on port 1) is never contacted.
    const r = await run(
      '[all]\nfar ansible_host=127.0.0.1 ansible_port=1\nnear ansible_connection=local\n',
      `- hosts: all
  gather_facts: false
  tasks:
    - name: show
      debug: { msg: "{{ ansible_connection }} {{ ansible_connection not in ['container', 'docker'] }}" }
`,
    );
    const shown = Object.fromEntries(r.results.map((x) => [x.host, `${x.status} ${String(x.msg)}`]));
    expect(shown).toEqual({ far: 'ok ssh True', near: 'ok local True' });
  });
});
