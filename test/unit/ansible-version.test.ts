// ansible_version, the variable public roles gate tasks on (geerlingguy's docker role:
// `ansible_version.full is version_compare('2.12', '>=')`), through the real loader and executor on a local host.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSIBLE_CORE_VERSION } from '../../engine/executor/ansibleVersion.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-version-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\nh2 ansible_connection=local\nh3 ansible_connection=local\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text.replaceAll('DIR', dir));
  return dir;
}

async function run(dir: string): Promise<RunReport> {
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

describe('ansible_version', () => {
  it('is set without gathering facts, shaped as Ansible shapes it, and compares as a version', async () => {
    const dir = setup({
      'play.yml': `- hosts: h1
  gather_facts: false
  tasks:
    - name: shape
      debug: { msg: "{{ ansible_version.full }} {{ ansible_version.major }}.{{ ansible_version.minor }}.{{ ansible_version.revision }} {{ ansible_version.string }} {{ ansible_version.major is number }}" }
    - name: new enough
      debug: { msg: recent }
      when: ansible_version.full is version_compare('2.12', '>=')
    - name: too old
      debug: { msg: old }
      when: ansible_version.full is version('2.12', '<')
`,
    });
    const r = await run(dir);
    const v = ANSIBLE_CORE_VERSION;
    expect(r.results.map((x) => `${x.task}:${x.status}${x.msg !== undefined ? ` ${x.msg}` : ''}`)).toEqual([
      `shape:ok ${v} ${v} ${v} True`,
      'new enough:ok recent',
      'too old:skipped condition false',
    ]);
  });
});
