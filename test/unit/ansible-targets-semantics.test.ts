// Task semantics ansible-core's integration targets check: in a rescue, ansible_failed_task names the task
// that failed (blocks target); set_fact in a loop sees what the earlier items set (set_fact target).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { BlockDef, RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';
import { exitCodeFor } from '../../engine/output/report.ts';

function run(text: string, hosts = ['h1']): Promise<RunReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-rescue-'));
  writeFileSync(path.join(dir, 'inv'), `[all]\n${hosts.map((h) => `${h} ansible_connection=local\n`).join('')}`);
  writeFileSync(path.join(dir, 'play.yml'), text);
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

describe('ansible_failed_task', () => {
  it('names the failed task, its action as written and its args, in the rescue', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: EXPECTED FAILURE
          ansible.builtin.fail: { msg: boom }
      rescue:
        - name: check
          assert:
            that:
              - ansible_failed_task.name == "EXPECTED FAILURE"
              - ansible_failed_task.action == "ansible.builtin.fail"
              - ansible_failed_task.args.msg == "boom"
              - ansible_failed_result.msg == "boom"
`);
    expect(rows(r)).toEqual(['EXPECTED FAILURE:failed', 'check:ok']);
  });

  it('is set by a task whose template cannot render', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: template error
          debug: { msg: "{{ nope }}" }
      rescue:
        - name: check
          assert: { that: ['ansible_failed_task.action == "debug"', 'ansible_failed_task.name == "template error"'] }
`);
    expect(rows(r)).toEqual(['template error:failed', 'check:ok']);
  });
});

describe('set_fact in a loop', () => {
  it('lets each item see the fact the item before set, above the task vars', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - set_fact:
        dig_list: "{{ dig_list + [ item ] }}"
      loop: [two, three, four]
      vars:
        dig_list: [one]
    - name: check
      assert: { that: ["dig_list == ['one', 'two', 'three', 'four']"] }
`);
    expect(rows(r)).toEqual(['set_fact:ok', 'set_fact:ok', 'set_fact:ok', 'check:ok']);
  });
});

describe('a templated strategy', () => {
  it('runs when it renders to linear, and stops the run when it renders to another', async () => {
    const ok = await run(`- hosts: all
  gather_facts: false
  strategy: "{{ s | default('linear') }}"
  tasks:
    - name: t
      debug: { msg: x }
`);
    expect(rows(ok)).toEqual(['t:ok']);
    await expect(
      run(`- hosts: all
  gather_facts: false
  vars: { s: free }
  strategy: "{{ s }}"
  tasks:
    - debug: { msg: x }
`),
    ).rejects.toThrow("strategy 'free' is not supported");
  });
});

describe('run_once and any_errors_fatal on blocks and tasks', () => {
  it("gives a block's run_once to its tasks, nested ones too", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-once-'));
    const pb = path.join(dir, 'play.yml');
    writeFileSync(pb, '- hosts: all\n  tasks:\n    - block:\n        - block:\n            - debug: { msg: x }\n      run_once: true\n');
    const outer = loadPlaybook(pb, moduleRegistry).plays[0]!.tasks[0] as BlockDef;
    const task = outer.block[0] as BlockDef;
    expect(task.block[0]).toMatchObject({ kind: 'task', runOnce: true });
  });

  it('stops every host at a failure of a task whose block has any_errors_fatal', async () => {
    const play = (fatal: boolean) => `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: boom
          fail: {}
          when: inventory_hostname == 'h1'
      any_errors_fatal: ${fatal}
    - name: after
      debug: { msg: x }
`;
    const hosts = ['h1', 'h2'];
    expect(rows(await run(play(false), hosts)).filter((x) => x.startsWith('after'))).toEqual(['after:ok']);
    expect(rows(await run(play(true), hosts)).filter((x) => x.startsWith('after'))).toEqual([]);
  });
});

describe('clear_host_errors in always', () => {
  it('lets a host whose rescue failed carry on after the block', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: boom
          fail: {}
      rescue:
        - name: boom again
          fail: {}
      always:
        - meta: clear_host_errors
    - name: after
      debug: { msg: x }
`);
    expect(rows(r)).toContain('after:ok');
  });
});

describe('any_errors_fatal and clear_host_errors in blocks (blocks target, issue 35148 and 72725)', () => {
  it('runs the enclosing always of a nested block that fails under any_errors_fatal, and goes on', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - block:
            - name: EXPECTED FAILURE
              fail: {}
          any_errors_fatal: true
      always:
        - name: always ran
          debug: {}
        - meta: clear_host_errors
    - name: after
      debug: {}
`);
    expect(rows(r)).toEqual(['EXPECTED FAILURE:failed', 'always ran:ok', 'after:ok']);
    expect(r.failedHosts).toEqual([]);
  });

  it('still stops the play for a failure no rescue or always takes', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - name: EXPECTED FAILURE
          fail: {}
    - name: after
      debug: {}
`);
    expect(rows(r)).toEqual(['EXPECTED FAILURE:failed']);
    expect(r.failedHosts).toEqual(['h1']);
  });

  it('leaves a host whose failure was cleared out of the failed hosts (exit 0), one failed after it in', async () => {
    const cleared = await run(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - fail: {}
      always:
        - block:
            - meta: clear_host_errors
`);
    expect(cleared.recap.h1?.failed).toBe(1);
    expect(exitCodeFor(cleared)).toBe(0);
    const again = await run(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - fail: {}
      always:
        - meta: clear_host_errors
    - fail: {}
`);
    expect(exitCodeFor(again)).toBe(2);
  });
});

describe('ansible_play_hosts and ansible_play_batch (blocks target, issue 78612)', () => {
  it('leave out a host once it failed; ansible_play_hosts_all keeps it', async () => {
    const r = await run(
      `- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - fail: {}
      when: inventory_hostname == 'h1'
    - name: check
      assert:
        that:
          - ansible_play_hosts == ['h2', 'h3']
          - ansible_play_hosts[0] == 'h2'
          - ansible_play_batch == [inventory_hostname]
          - ansible_play_hosts_all == ['h1', 'h2', 'h3']
`,
      ['h1', 'h2', 'h3'],
    );
    expect(r.results.filter((x) => x.task === 'check').map((x) => `${x.host}:${x.status}`)).toEqual(['h2:ok', 'h3:ok']);
  });
});
