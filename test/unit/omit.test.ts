// `omit`, as public roles use it (`sysctl_file: "{{ item.sysctl_file | d(omit) }}"`, boutetnico's sysctl role):
// a module argument that renders to it is left out, a boolean keyword keeps its default, and the placeholder
// is new for every run, through the real loader and executor on a local host.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OMIT_TOKEN, removeOmit } from '../../engine/executor/omit.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

async function run(playbook: string): Promise<RunReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-omit-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), playbook.replaceAll('DIR', dir));
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

const rows = (r: RunReport) => r.results.map((x) => `${x.task}:${x.status}${x.msg !== undefined ? ` ${String(x.msg)}` : ''}`);

describe('omit', () => {
  it('leaves out a module argument that renders to it, in a loop too, and keeps a set one', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - name: where
      command:
        cmd: pwd
        chdir: "{{ item.dir | default(omit) }}"
      loop:
        - { dir: / }
        - {}
      register: where
    - name: shown
      debug: { msg: "{{ where.results | map(attribute='stdout') | join(',') }}" }
    - name: no message
      debug: { msg: "{{ nothing | default(omit) }}" }
`);
    // Without the argument, pwd runs where the command module starts (not in /).
    const shown = r.results.find((x) => x.task === 'shown')?.msg as string;
    expect(shown.split(',')[0]).toBe('/');
    expect(shown.split(',')[1]).not.toBe('');
    expect(shown).not.toContain('__omit_place_holder__');
    // debug without msg says Ansible's default.
    expect(rows(r)).toContain('no message:ok Hello world!');
  });

  it('keeps a boolean keyword at its default when it renders to omit', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - name: fails
      command: "false"
      ignore_errors: "{{ nope | default(omit) }}"
    - name: never reached
      debug: { msg: reached }
`);
    expect(rows(r).map((x) => x.split(' ')[0])).toEqual(['fails:failed']);
  });

  it("removes the token at every depth of the arguments, keeps list items, and has Ansible's form", () => {
    const t = OMIT_TOKEN;
    expect(t).toMatch(/^__omit_place_holder__[0-9a-f]{40}$/);
    expect(removeOmit({ a: t, b: 1, c: { d: t, e: [{ f: t, g: 2 }, t] } })).toEqual({ b: 1, c: { e: [{ g: 2 }, t] } });
    expect(removeOmit({ a: 'x' }, 'x')).toEqual({});
  });
});
