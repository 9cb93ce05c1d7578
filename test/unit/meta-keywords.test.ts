// meta: end_host, end_batch, end_play, clear_host_errors, noop, refresh_inventory through the real loader
// and executor on local hosts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(playbookText: string, hosts = ['h1', 'h2', 'h3']): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-meta-'));
  writeFileSync(path.join(dir, 'inv'), `[all]\n${hosts.map((h) => `${h} ansible_connection=local`).join('\n')}\n`);
  writeFileSync(path.join(dir, 'play.yml'), playbookText.replaceAll('DIR', dir));
  return dir;
}

async function run(dir: string): Promise<{ report: RunReport; notices: string[] }> {
  const notices: string[] = [];
  const report = await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined, notice: (t) => void notices.push(t) },
    stopping: () => false,
  });
  return { report, notices };
}

const tasksOf = (r: RunReport, host: string) => r.results.filter((x) => x.host === host).map((x) => `${x.task}:${x.status}`);

describe('meta', () => {
  it('end_host ends the play for the hosts its when holds for, without failing them; the next play runs them again', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: before }
      name: before
    - meta: end_host
      when: inventory_hostname == 'h2'
    - debug: { msg: after }
      name: after
  handlers: []
- hosts: all
  gather_facts: false
  tasks:
    - { name: second play, debug: { msg: x } }
`);
    const { report, notices } = await run(dir);
    expect(tasksOf(report, 'h1')).toEqual(['before:ok', 'after:ok', 'second play:ok']);
    expect(tasksOf(report, 'h2')).toEqual(['before:ok', 'second play:ok']);
    expect(report.recap.h2).toMatchObject({ ok: 2, failed: 0 });
    expect(notices).toEqual(['meta: end_host: the play ends for h2']);
  });

  it('end_play ends the play for every host and every later batch, and runs no handlers', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - name: changes
      copy: { dest: "DIR/{{ inventory_hostname }}", content: x }
      notify: h
    - meta: end_play
      when: inventory_hostname == 'h1'
    - { name: after, debug: { msg: x } }
  handlers:
    - { name: h, debug: { msg: handler } }
- hosts: h3
  gather_facts: false
  tasks:
    - { name: next play, debug: { msg: x } }
`);
    const { report } = await run(dir);
    expect(tasksOf(report, 'h1')).toEqual(['changes:changed']);
    expect(tasksOf(report, 'h2')).toEqual([]);
    expect(tasksOf(report, 'h3')).toEqual(['next play:ok']);
  });

  it('end_batch ends this batch only; the next batch runs', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - { name: first, debug: { msg: x } }
    - meta: end_batch
      when: inventory_hostname == 'h1'
    - { name: after, debug: { msg: x } }
`);
    const { report } = await run(dir);
    expect(tasksOf(report, 'h1')).toEqual(['first:ok']);
    expect(tasksOf(report, 'h2')).toEqual(['first:ok']);
    expect(tasksOf(report, 'h3')).toEqual(['first:ok', 'after:ok']);
  });

  it('clear_host_errors lets failed hosts take the next tasks; noop and refresh_inventory change nothing', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - name: fails on h1
      fail: { msg: boom }
      when: inventory_hostname == 'h1'
    - { name: skipped by h1, debug: { msg: x } }
    - meta: noop
    - meta: refresh_inventory
    - meta: clear_host_errors
    - { name: all again, debug: { msg: x } }
`);
    const { report, notices } = await run(dir);
    expect(tasksOf(report, 'h1')).toEqual(['fails on h1:failed', 'all again:ok']);
    expect(tasksOf(report, 'h2')).toEqual(['fails on h1:skipped', 'skipped by h1:ok', 'all again:ok']);
    expect(report.recap.h1).toMatchObject({ failed: 1, ok: 1 });
    expect(notices).toEqual(['meta: refresh_inventory does nothing in fleetplay: the inventory is read once per run']);
  });

  it('refuses an unknown meta action at validate, located', () => {
    const dir = setup(`- hosts: all\n  tasks:\n    - meta: reset_session\n`);
    let err: unknown;
    try {
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).location).toMatchObject({ line: 3 });
    expect((err as FleetError).message).toMatch(/end_host/);
  });
});
