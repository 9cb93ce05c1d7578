// Keywords of includes and imports as ansible-core's include_import target uses them: delegate_to and
// run_once on import_role reach the role's tasks; run_once on include_tasks includes for the first host;
// `debugger: ~` is a no-op; a templated module name in `action:` loads and fails only when reached;
// a delegated task does not render the host's variables it never reads.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function run(files: Record<string, string>, only: string[] = []): Promise<RunReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-incimp-'));
  writeFileSync(
    path.join(dir, 'inv'),
    '[g]\nh1 ansible_connection=local\nh2 ansible_connection=local\n[g:vars]\nansible_python_interpreter="{{ nowhere_defined }}"\n',
  );
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return runPlaybook(
    loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, { deferGuardedIncludes: true }),
    loadInventory(path.join(dir, 'inv')),
    {
      check: false,
      diff: false,
      forks: 5,
      extraVars: {},
      tags: { only, skip: [] },
      transport: { connectTimeoutMs: 3000, connectRetries: 0 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
      stopping: () => false,
    },
  );
}

const rows = (r: RunReport) => r.results.map((x) => `${x.host}:${x.task}:${x.status}${x.delegatedTo ? `>${x.delegatedTo}` : ''}`);

describe('include and import keywords', () => {
  it('gives import_role delegate_to and run_once to the role tasks, without rendering unread host variables', async () => {
    const r = await run({
      'roles/r/tasks/main.yml': '- name: in r\n  debug: { msg: hi }\n',
      'play.yml':
        '- hosts: g\n  gather_facts: false\n  tasks:\n    - import_role: { name: r }\n      delegate_to: localhost\n      run_once: true\n',
    });
    expect(rows(r)).toEqual(['h1:in r:ok>localhost']);
  });

  it('includes a run_once include_tasks for the first host only, and takes debugger: ~', async () => {
    const r = await run({
      'inc.yml': '- name: included\n  debug: {}\n',
      'play.yml': '- hosts: g\n  gather_facts: false\n  tasks:\n    - include_tasks: inc.yml\n      run_once: true\n      debugger: ~\n',
    });
    expect(rows(r).filter((x) => x.includes('included'))).toEqual(['h1:included:ok']);
  });

  it('loads a task whose action names a templated module, and fails it only when it runs', async () => {
    const play = (tags: string) =>
      `- hosts: h1\n  gather_facts: false\n  vars: { t: { debug: {} } }\n  tasks:\n    - name: entire\n      action:\n        module: "{{ t }}"\n      tags: [${tags}]\n    - name: after\n      debug: {}\n`;
    expect(rows(await run({ 'play.yml': play('never') }))).toEqual(['h1:after:ok']);
    const reached = await run({ 'play.yml': play('x') });
    expect(rows(reached)).toEqual(['h1:entire:failed']);
    expect(reached.results[0]?.msg).toContain("the module name '{{ t }}' is a template");
  });

  it('loads an include_role of a missing role under a when; the run fails it only if reached, and register keeps the result', async () => {
    const r = await run({
      'play.yml':
        '- hosts: h1\n  gather_facts: false\n  tasks:\n    - include_role: { name: nowhere }\n      ignore_errors: true\n      register: res\n      when: undefined_here == 1\n' +
        '    - assert: { that: [res is failed] }\n    - include_role: { name: nowhere }\n      register: skipped_res\n      when: false\n    - assert: { that: [skipped_res is skipped] }\n',
    });
    expect(r.results.map((x) => `${x.status}${x.ignored ? ' (ignored)' : ''}`)).toEqual(['failed (ignored)', 'ok', 'ok']);
  });

  it("evaluates an import_tasks's when on each imported task, with that task's block vars", async () => {
    const r = await run({
      'defines.yml': "- vars: { flag: 'yes' }\n  block:\n    - name: inside\n      debug: {}\n",
      'play.yml': "- hosts: h1\n  gather_facts: false\n  tasks:\n    - import_tasks: defines.yml\n      when: flag == 'yes'\n",
    });
    expect(rows(r).filter((x) => x.includes('inside'))).toEqual(['h1:inside:ok']);
    expect(r.results.every((x) => x.status === 'ok')).toBe(true);
  });

  it("gives apply's delegate_to to an include_role's tasks", async () => {
    const r = await run({
      'roles/r/tasks/main.yml': '- name: in r\n  debug: {}\n',
      'play.yml':
        '- hosts: h1\n  gather_facts: false\n  tasks:\n    - include_role:\n        name: r\n        apply: { delegate_to: h2 }\n',
    });
    expect(rows(r).filter((x) => x.includes('in r'))).toEqual(['h1:in r:ok>h2']);
  });

  it("delegates an import_role's handlers with it, and a delegated task sees ansible_delegated_vars", async () => {
    const r = await run({
      'roles/r/tasks/main.yml': '- name: in r\n  debug: {}\n  changed_when: true\n  notify: h\n',
      'roles/r/handlers/main.yml': '- name: h\n  assert: { that: ["ansible_delegated_vars.h2.inventory_hostname == \'h2\'"] }\n',
      'play.yml': '- hosts: h1\n  gather_facts: false\n  tasks:\n    - import_role: { name: r }\n      delegate_to: h2\n',
    });
    expect(rows(r)).toEqual(['h1:in r:changed>h2', 'h1:h:ok>h2']);
  });
});

describe('--tags and dynamic includes', () => {
  it('does not include an untagged include_tasks under --tags; a tagged one is included', async () => {
    const r = await run(
      {
        'inc.yml': '- name: tagged inside\n  debug: {}\n  tags: [t]\n',
        'play.yml':
          '- hosts: h1\n  gather_facts: false\n  tasks:\n    - name: plain\n      include_tasks: inc.yml\n    - name: tagged\n      include_tasks: inc.yml\n      tags: [t]\n',
      },
      ['t'],
    );
    expect(rows(r)).toEqual(['h1:tagged:ok', 'h1:tagged inside:ok']);
  });
});
