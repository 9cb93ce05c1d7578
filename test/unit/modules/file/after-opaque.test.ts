// Check mode after a task whose effects it cannot predict (a command it does not run): a missing path may
// be created by that task, so a `file` task on it is unknown; but what it leaves (a directory, an absent
// path) is still known, and later tasks read that instead of failing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../../../engine/inventory/index.ts';
import { loadPlaybook } from '../../../../engine/playbook/load.ts';
import type { TaskResult } from '../../../../engine/types.ts';
import { moduleRegistry } from '../../../../modules/index.ts';

async function run(dir: string, check: boolean): Promise<string[]> {
  const results: TaskResult[] = [];
  await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check,
    diff: false,
    forks: 1,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
  return results.map((r) => `${r.task}:${r.status}`);
}

describe('file after a task check mode cannot predict', () => {
  it('is unknown on a missing path, and a write into the directory it leaves is still predicted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-file-opaque-'));
    writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
    writeFileSync(
      path.join(dir, 'play.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: opaque
      command: /bin/true
    - name: directory
      file: { path: ${dir}/made, state: directory }
    - name: into it
      copy: { content: x, dest: ${dir}/made/f }
`,
    );
    expect(await run(dir, true)).toEqual(['opaque:unknown', 'directory:unknown', 'into it:changed']);
    expect(await run(dir, false)).toEqual(['opaque:changed', 'directory:changed', 'into it:changed']);
  });
});
