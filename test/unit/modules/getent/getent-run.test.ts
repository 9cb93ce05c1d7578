// getent through a whole run on this machine (local connection): its facts land in the host's facts
// (top-level and under ansible_facts), per loop item as in Ansible, in check mode too.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../../../engine/inventory/index.ts';
import { loadPlaybook } from '../../../../engine/playbook/load.ts';
import type { TaskResult } from '../../../../engine/types.ts';
import { moduleRegistry } from '../../../../modules/index.ts';

function playbook(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-getent-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), text);
  return dir;
}

async function run(dir: string, check: boolean): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check,
    diff: false,
    forks: 5,
    extraVars: { me: os.userInfo().username },
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
  return results;
}

const statuses = (results: TaskResult[]) =>
  results.map((r) => `${r.task}:${r.status}${r.status === 'ok' || r.status === 'changed' ? '' : ` ${r.msg}`}`);

describe('getent in a run', () => {
  it('loops over users as the docker role does; the last item’s fact stays; later tasks see it, in check mode as well', async () => {
    const dir = playbook(`- hosts: all
  gather_facts: false
  vars: { users: [root, "{{ me }}"] }
  tasks:
    - name: users
      ansible.builtin.getent: { database: passwd, key: "{{ item }}" }
      loop: "{{ users }}"
      when: users | length > 0
    - name: facts
      assert:
        that:
          - getent_passwd[me][1] | int >= 0
          - ansible_facts.getent_passwd[me] == getent_passwd[me]
          - (getent_passwd.keys() | list) == [me]
    - name: missing tolerated
      getent: { database: passwd, key: no-such-user-fp-xyz, fail_key: false }
    - name: none for the missing key
      assert:
        that:
          - getent_passwd['no-such-user-fp-xyz'] is none
    - name: missing
      getent: { database: passwd, key: no-such-user-fp-xyz }
`);
    for (const check of [false, true]) {
      expect(statuses(await run(dir, check))).toEqual([
        'users:ok',
        'users:ok',
        'facts:ok',
        'missing tolerated:ok',
        'none for the missing key:ok',
        'missing:failed One or more supplied key could not be found in the database.',
      ]);
    }
  });

  it('check mode: a later task reading an unknown getent result is unknown, not failed', async () => {
    const dir = playbook(`- hosts: all
  gather_facts: false
  tasks:
    - name: opaque
      command: /bin/true
    - name: lookup
      getent: { database: group, key: fp-no-such-group-x }
    - name: reads it
      debug: { msg: "{{ ansible_facts.getent_group['fp-no-such-group-x'] }}" }
`);
    const results = await run(dir, true);
    expect(results.map((r) => `${r.task}:${r.status}`)).toEqual(['opaque:unknown', 'lookup:unknown', 'reads it:unknown']);
    expect(results[2]?.msg).toMatch(/depends on 'ansible_facts\.getent_group'/);
  });
});
