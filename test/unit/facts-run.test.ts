// Facts through a whole run on this machine (local connection): the setup module's facts become the
// host's, in check mode too; gather_subset and gather_timeout as play keywords; a bad subset fails gathering.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function playbook(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-facts-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), text);
  return dir;
}

async function run(dir: string, check = false): Promise<{ report: RunReport; results: TaskResult[] }> {
  const results: TaskResult[] = [];
  const report = await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check,
    diff: false,
    forks: 5,
    extraVars: { me: os.userInfo().username, arch: os.arch() === 'x64' ? 'x86_64' : os.arch() === 'arm64' ? 'aarch64' : os.arch() },
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
  return { report, results };
}

const statuses = (results: TaskResult[]) => results.map((r) => `${r.task}:${r.status}${r.status === 'failed' ? ` ${r.msg}` : ''}`);

describe('facts in a run', () => {
  it('setup in a play without gathering: its facts are the host facts, in check mode as well', async () => {
    const dir = playbook(`- hosts: all
  gather_facts: false
  tasks:
    - name: none yet
      assert: { that: [ansible_facts.distribution is not defined, ansible_user_id is not defined] }
    - setup: { gather_subset: ['!all'] }
    - name: min facts
      assert:
        that:
          - ansible_facts['user_id'] == me
          - ansible_user_id == me
          - ansible_facts.machine == arch
          - ansible_memtotal_mb is not defined
    - setup: { gather_subset: [hardware], filter: 'ansible_mem*' }
    - name: merged
      assert: { that: [ansible_memtotal_mb > 0, ansible_facts.memtotal_mb == ansible_memtotal_mb, ansible_user_id == me] }
`);
    for (const check of [false, true]) {
      const { results } = await run(dir, check);
      expect(statuses(results)).toEqual(['none yet:ok', 'setup:ok', 'min facts:ok', 'setup:ok', 'merged:ok']);
    }
  });

  it('gather_subset and gather_timeout on the play', async () => {
    const dir = playbook(`- hosts: all
  gather_subset: 'min,network'
  gather_timeout: "15"
  tasks:
    - assert:
        that:
          - ansible_facts.interfaces is defined
          - ansible_processor_vcpus is not defined
          - ansible_facts.gather_subset == ['min', 'network']
`);
    const { results } = await run(dir);
    expect(statuses(results)).toEqual(['Gathering Facts:ok', 'assert:ok']);
  });

  it('a templated gather_subset sees the play vars', async () => {
    const dir = playbook(`- hosts: all
  vars: { subsets: ['!all', '!min', 'hardware'] }
  gather_subset: "{{ subsets }}"
  tasks:
    - assert:
        that:
          - ansible_processor_vcpus > 0
          - ansible_distribution is not defined
`);
    const { results } = await run(dir);
    expect(statuses(results)).toEqual(['Gathering Facts:ok', 'assert:ok']);
  });

  it("a bad subset: refused by validate at its line, and a templated one fails gathering, with Ansible's message", async () => {
    const literal = playbook(`- hosts: all
  gather_subset: [hardwar]
  tasks: []
`);
    let error: unknown;
    try {
      loadPlaybook(path.join(literal, 'play.yml'), moduleRegistry);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      message: expect.stringMatching(/^Bad subset 'hardwar' given to Ansible/),
      location: { line: 2, column: 18 },
    });
    const dir = playbook(`- hosts: all
  vars: { subsets: [network, hardwar] }
  gather_subset: "{{ subsets }}"
  tasks:
    - debug: { msg: never }
`);
    const { results } = await run(dir);
    expect(results[0]).toMatchObject({ task: 'Gathering Facts', status: 'failed' });
    expect(results[0]?.msg).toMatch(/^Bad subset 'hardwar' given to Ansible/);
    expect(results).toHaveLength(1);
  });

  it('the keywords are checked: gather_timeout is a positive whole number', () => {
    const dir = playbook(`- hosts: all
  gather_timeout: 0
  tasks: []
`);
    expect(() => loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry)).toThrow(/gather_timeout/);
  });
});
