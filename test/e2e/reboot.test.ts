// End-to-end: reboot on a real lab node. --check changes nothing; the real run reboots the node (its boot
// id changes, PID 1 is new), logs in again over ssh with the host key checked, and the tasks after it run
// on the new connection. The lab restarts a node's nspawn when the container reboots (lab/node.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'reboot';
let lab: LabState;
let playbook: string;

const PLAYBOOK = `- name: reboot a node
  hosts: all
  gather_facts: false
  tasks:
    - name: boot id before
      command: cat /proc/sys/kernel/random/boot_id
      register: before
      changed_when: false
    - name: reboot it
      ansible.builtin.reboot:
        reboot_timeout: 60
        connect_timeout: 5
        msg: fleetplay e2e
      register: rebooted
    - name: boot id after
      command: cat /proc/sys/kernel/random/boot_id
      register: after
      changed_when: false
    - name: what reboot said
      debug:
        msg: "rebooted={{ rebooted.rebooted }} elapsed={{ rebooted.elapsed }} new={{ after.stdout != before.stdout }}"
`;

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 20);
  playbook = path.join(tmpDir(), 'reboot.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const node = () => lab.nodes[0]!.name;
const bootId = () => onNode(lab, node(), 'cat /proc/sys/kernel/random/boot_id').stdout.trim();
const task = (report: Report | undefined, name: string) => report?.results.find((r) => r.task === name);

describe('reboot on a lab node', () => {
  it('--check reports changed and reboots nothing; the real run reboots and goes on over a new login', async () => {
    const first = bootId();
    expect(first).toMatch(/^[0-9a-f-]{36}$/);

    const check = await engine(['run', playbook, '-i', lab.inventoryFile, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(task(check.report, 'reboot it')?.status).toBe('changed');
    expect(bootId()).toBe(first);

    const real = await engine(['run', playbook, '-i', lab.inventoryFile], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(task(real.report, 'reboot it')).toMatchObject({ status: 'changed', msg: expect.stringMatching(/^rebooted in \d+s$/) });
    // The tasks after it ran on the new connection: the boot id they read is the new one.
    expect(task(real.report, 'boot id after')?.status).toBe('ok');
    expect(task(real.report, 'what reboot said')?.msg).toMatch(/^rebooted=True elapsed=\d+ new=True$/);

    const second = bootId();
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
    // The container's PID 1 (its uptime; /proc/uptime is the host's) started moments ago.
    const uptime = Number(onNode(lab, node(), 'ps -o etimes= -p 1').stdout.trim());
    expect(uptime).toBeLessThan(90);
    expect(onNode(lab, node(), 'systemctl is-system-running --wait').stdout.trim()).toMatch(/running|degraded/);
  }, 180_000);
});
