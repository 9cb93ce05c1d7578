// Diff mode's registered result: with the task's `diff: true` (or --diff) the result carries Ansible's
// diff list (before, after, before_header, after_header); without it, none.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

describe('diff in the registered result', () => {
  it('is there with diff: true, and not without', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-diffreg-'));
    writeFileSync(path.join(dir, 'inv'), 'h ansible_connection=local\n');
    writeFileSync(
      path.join(dir, 'play.yml'),
      `- hosts: h
  gather_facts: false
  tasks:
    - copy: { content: "Ansible managed\\n", dest: "${dir}/file.txt" }
      diff: yes
      register: with_diff
    - copy: { content: "other\\n", dest: "${dir}/file2.txt" }
      register: without
    - assert:
        that:
          - with_diff.diff[0].before == ""
          - '"Ansible managed" in with_diff.diff[0].after'
          - '"file.txt" in with_diff.diff[0].after_header'
          - without.diff is not defined
`,
    );
    const results: TaskResult[] = [];
    const report = await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 1,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 2000, connectRetries: 0 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
      stopping: () => false,
    });
    expect(results.filter((r) => r.status === 'failed').map((r) => r.msg)).toEqual([]);
    expect(report.recap.h).toMatchObject({ changed: 2, ok: 3, failed: 0 });
  });
});
