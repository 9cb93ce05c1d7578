// include_tasks as Ansible runs it: its when, tags and other keywords apply to the include alone (the
// included tasks get its vars and its `apply` keywords), and `register` keeps the include's own result.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-inckw-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text.replaceAll('DIR', dir));
  return dir;
}

function run(dir: string, only: string[] = []): Promise<RunReport> {
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only, skip: [] },
    transport: { connectTimeoutMs: 3000, connectRetries: 0 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
    stopping: () => false,
  });
}

const rows = (r: RunReport) => r.results.map((x) => `${x.task}:${x.status}`);

describe('include_tasks keywords', () => {
  it('evaluates its when once: a task of the file that changes the condition does not skip the rest', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: set.yml
      when: flag is not defined
`,
      'set.yml': '- name: set\n  set_fact: { flag: 1 }\n- name: after\n  shell: echo after >> DIR/log\n',
    });
    const r = await run(dir);
    expect(rows(r)).toContain('after:changed');
    expect(readFileSync(path.join(dir, 'log'), 'utf8')).toBe('after\n');
  });

  it('gives the included tasks the apply keywords: with --tags foo they run under apply tags, not under the include tags', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks:
        file: t.yml
        apply: { tags: [foo] }
      tags: [always]
    - include_tasks: t.yml
      args: { apply: { tags: [bar] } }
      tags: [always]
    - include_tasks: t.yml
      tags: [foo]
`,
      't.yml': '- name: inner\n  debug: { msg: x }\n',
    });
    const r = await run(dir, ['foo']);
    expect(rows(r).filter((x) => x.startsWith('inner'))).toEqual(['inner:ok']);
  });

  it('registers the include: skipped by when, failed (ignored), or the file it included', async () => {
    const dir = setup({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: t.yml
      when: false
      register: skipped_inc
    - include_tasks: "{{ nope }}.yml"
      ignore_errors: true
      register: failed_inc
    - include_tasks: t.yml
      register: ok_inc
    - include_tasks: t.yml
      loop: [1, 2]
      register: loop_inc
    - name: check
      assert:
        that:
          - skipped_inc is skipped
          - skipped_inc.skip_reason is defined
          - failed_inc is failed
          - ok_inc is succeeded
          - ok_inc.include is match('.*/t.yml$')
          - loop_inc.results | length == 2
`,
      't.yml': '- name: inner\n  debug: { msg: x }\n',
    });
    const r = await run(dir);
    expect(rows(r)).toContain('check:ok');
  });

  it('refuses apply on import_tasks, at the key', () => {
    const dir = setup({
      'play.yml': '- hosts: all\n  tasks:\n    - import_tasks: t.yml\n      args: { apply: { tags: [x] } }\n',
      't.yml': '[]\n',
    });
    expect(() => loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry)).toThrow(/apply is for include_tasks/);
  });
});
