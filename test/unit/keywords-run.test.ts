// Keywords of #15 item 6 through the real loader and executor on local hosts: notify on a block,
// ignore_unreachable (against a refusing port on this machine), become_method.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(playbookText: string, inventory = 'h1 ansible_connection=local\n'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-kw-'));
  writeFileSync(path.join(dir, 'inv'), `[all]\n${inventory}`);
  writeFileSync(path.join(dir, 'play.yml'), playbookText.replaceAll('DIR', dir));
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

function loadError(dir: string): string {
  try {
    loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
  } catch (err) {
    if (err instanceof FleetError) return `${err.location?.line}:${err.location?.column} ${err.message}`;
    throw err;
  }
  throw new Error('expected the playbook to be refused');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const rows = (r: RunReport, host: string) => r.results.filter((x) => x.host === host).map((x) => `${x.task}:${x.status}`);

describe('notify on a block', () => {
  it("notifies the block's handlers from every task of the block (nested blocks too) that changes", async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: changes
          copy: { dest: DIR/a, content: a }
        - name: own notify wins
          copy: { dest: DIR/b, content: b }
          notify: other
        - block:
            - name: nested changes
              copy: { dest: DIR/c, content: c }
      notify: restart
    - name: outside
      copy: { dest: DIR/d, content: d }
  handlers:
    - name: restart
      shell: echo restart >> DIR/log
    - name: other
      shell: echo other >> DIR/log
`);
    const r1 = await run(dir);
    expect(rows(r1, 'h1')).toEqual([
      'changes:changed',
      'own notify wins:changed',
      'nested changes:changed',
      'outside:changed',
      'restart:changed',
      'other:changed',
    ]);
    expect(readFileSync(path.join(dir, 'log'), 'utf8')).toBe('restart\nother\n');
    // Nothing changes the second time: no handler runs.
    const r2 = await run(dir);
    expect(rows(r2, 'h1')).toEqual(['changes:ok', 'own notify wins:ok', 'nested changes:ok', 'outside:ok']);
  });

  it("refuses a block's notify naming no handler, at the block", () => {
    const dir = setup(`- hosts: all
  tasks:
    - block:
        - debug: { msg: x }
      notify: nowhere
`);
    expect(loadError(dir)).toBe("3:7 notify of this block names no handler of this play: 'nowhere'");
  });
});

describe('ignore_unreachable', () => {
  it('reports the unreachable task, counts it as skipped, and the host carries on', async () => {
    const port = await closedPort();
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: first
      command: "true"
      ignore_unreachable: true
    - block:
        - name: second
          command: "true"
      ignore_unreachable: yes
    - name: third
      command: "true"
`,
      `h1 ansible_connection=local\ndead ansible_host=127.0.0.1 ansible_port=${port} ansible_user=nobody\n`,
    );
    const r = await run(dir);
    expect(rows(r, 'dead')).toEqual(['first:unreachable', 'second:unreachable', 'third:unreachable']);
    const first = r.results.find((x) => x.host === 'dead' && x.task === 'first')!;
    expect(first.ignored).toBe(true);
    expect(r.recap.dead).toMatchObject({ ok: 0, skipped: 2, unreachable: 1, failed: 0 });
    expect(rows(r, 'h1')).toEqual(['first:changed', 'second:changed', 'third:changed']);
  });

  it('without it, an unreachable host stops', async () => {
    const port = await closedPort();
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - { name: first, command: "true" }
    - { name: second, command: "true" }
`,
      `dead ansible_host=127.0.0.1 ansible_port=${port} ansible_user=nobody\n`,
    );
    const r = await run(dir);
    expect(rows(r, 'dead')).toEqual(['first:unreachable']);
  });
});

describe('become_method', () => {
  it('accepts sudo and su, refuses others and a template, located', async () => {
    const ok = setup(`- hosts: all
  gather_facts: false
  become_method: sudo
  tasks:
    - { name: t, command: "true", become_method: sudo }
    - { name: u, command: "true", become_method: su }
`);
    expect(rows(await run(ok), 'h1')).toEqual(['t:changed', 'u:changed']);
    expect(loadError(setup(`- hosts: all\n  become_method: doas\n  tasks: []\n`))).toBe(
      "2:18 become_method 'doas' is not supported by fleetplay (supported: sudo, su)",
    );
    expect(loadError(setup(`- hosts: all\n  tasks:\n    - command: "true"\n      become_method: "{{ m }}"\n`))).toBe(
      '4:22 become_method cannot be a template in fleetplay; write sudo or su, or set the variable ansible_become_method',
    );
  });

  it.skipIf(process.getuid?.() !== 0)(
    'su from a root login runs the command as become_user (needs root: su asks no password of root)',
    async () => {
      const dir = setup(
        `- hosts: all
  gather_facts: false
  tasks:
    - { name: by keyword, command: id -un, become: true, become_user: nobody, become_method: su, register: a }
    - { name: by variable, command: id -un, become: true, become_user: nobody, register: b }
    - { name: both, assert: { that: ["a.stdout == 'nobody'", "b.stdout == 'nobody'"] } }
`,
        'h1 ansible_connection=local ansible_become_method=su\n',
      );
      expect(rows(await run(dir), 'h1')).toEqual(['by keyword:changed', 'by variable:changed', 'both:ok']);
    },
  );

  it('fails a become task, located, when ansible_become_method names a method fleetplay lacks; without become it does not matter', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - { name: plain, command: "true" }
    - { name: becomes, command: "true", become: true }
`,
      'h1 ansible_connection=local ansible_become_method=doas\n',
    );
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual(['plain:changed', 'becomes:failed']);
    expect(r.results[1]!.msg).toMatch(
      /^ansible_become_method 'doas' is not supported: fleetplay becomes another user through sudo or su.*play\.yml:5:7\)$/,
    );
  });
});
