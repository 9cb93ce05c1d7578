// package through a whole run on this machine (local connection): without gathered facts it finds apt by
// itself (only where this machine has apt-get), with ansible_package_use it fails naming that manager.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../../../engine/inventory/index.ts';
import { loadPlaybook } from '../../../../engine/playbook/load.ts';
import type { TaskResult } from '../../../../engine/types.ts';
import { moduleRegistry } from '../../../../modules/index.ts';

function playbook(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-package-'));
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

describe('package in a run', () => {
  it.skipIf(!existsSync('/usr/bin/apt-get') || !existsSync('/usr/bin/dpkg-query'))(
    'without gathered facts it reads pkg_mgr itself and runs apt: an installed package is ok, in a loop and in check mode',
    async () => {
      const dir = playbook(`- hosts: all
  gather_facts: false
  vars: { st: present }
  tasks:
    - name: one
      package: { name: dpkg, state: "{{ st }}" }
    - name: each
      ansible.builtin.package: { name: "{{ item }}", state: installed }
      loop: [dpkg, apt]
    - name: other manager
      package: { name: dpkg }
      vars: { ansible_package_use: dnf }
`);
      for (const check of [false, true]) {
        const results = await run(dir, check);
        expect(statuses(results)).toEqual([
          'one:ok',
          'each:ok',
          'each:ok',
          "other manager:failed package: this host uses the 'dnf' package manager (from the variable ansible_package_use); fleetplay's package module supports only apt (Debian and Ubuntu hosts)",
        ]);
        expect(results.map((r) => r.msg).slice(0, 3)).toEqual([
          expect.stringMatching(/^already installed: dpkg /),
          expect.stringMatching(/^already installed: dpkg /),
          expect.stringMatching(/^already installed: apt /),
        ]);
      }
    },
  );
});
