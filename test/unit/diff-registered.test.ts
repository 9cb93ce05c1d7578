// Diff mode's registered result, and check_mode tasks of a real run reading the host as Ansible's do.
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
    - file: { path: "${dir}/tree", state: directory }
    - file: { path: "${dir}/tree", state: absent }
      diff: yes
      register: own
    - assert:
        that:
          - with_diff.diff[0].before == ""
          - '"Ansible managed" in with_diff.diff[0].after'
          - '"file.txt" in with_diff.diff[0].after_header'
          - without.diff is not defined
          # A module's own diff (file's is a dict) stays as the module returned it.
          - own.diff.before.state == 'directory'
          - own.diff.before.path_content is defined
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
    expect(report.recap.h).toMatchObject({ changed: 4, ok: 5, failed: 0 });
  });
});

describe('check_mode: true tasks in a real run', () => {
  it('read the host as it is, not what an earlier check_mode task would have done (as Ansible)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-cm-real-'));
    writeFileSync(path.join(dir, 'inv'), 'h ansible_connection=local\n');
    writeFileSync(
      path.join(dir, 'play.yml'),
      `- hosts: h
  gather_facts: false
  tasks:
    - { copy: { content: "x", dest: "${dir}/f" }, check_mode: true, register: first }
    - { copy: { content: "x", dest: "${dir}/f" }, check_mode: true, register: second }
    - { copy: { content: "x", dest: "${dir}/f" }, register: real }
    - { copy: { content: "x", dest: "${dir}/f" }, check_mode: true, register: third }
    - assert:
        that: [first is changed, second is changed, real is changed, third is not changed]
`,
    );
    const results: TaskResult[] = [];
    await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 1,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 2000, connectRetries: 0 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
      stopping: () => false,
    });
    expect(results.map((r) => r.status)).toEqual(['changed', 'changed', 'changed', 'ok', 'ok']);
  });
});
