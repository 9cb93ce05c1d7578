// End-to-end: service_facts, package_facts and hostname on one clean node over real SSH. The facts reach
// later tasks; hostname renames the node (hostnamectl: systemd runs the nspawn node) and a second task
// is ok; --check predicts the real run task by task and changes nothing; a second run is all ok.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'factmods';
let lab: LabState;
let playbook: string;

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: services
      ansible.builtin.service_facts:
    - name: service facts
      assert:
        that:
          - ansible_facts.services['dbus.service'].state == 'running'
          - ansible_facts.services['dbus.service'].source == 'systemd'
          - services['console-getty.service'].status == 'masked'
    - name: packages
      ansible.builtin.package_facts: { manager: auto }
    - name: package facts
      assert:
        that:
          - ansible_facts.packages['dpkg'][0].source == 'apt'
          - "'no-such-package-fp' not in ansible_facts.packages"
    - name: rename
      ansible.builtin.hostname: { name: fm-renamed }
      register: renamed
    - name: rename again
      hostname: { name: fm-renamed, use: systemd }
    - name: the result
      assert:
        that: ["renamed.name == 'fm-renamed'", "ansible_hostname == 'fm-renamed'", "ansible_facts.nodename == 'fm-renamed'"]
`;

beforeAll(async () => {
  // A fresh node: the run renames it.
  await labDown({ name: LAB });
  lab = await bootLab(LAB, 1, 'clean', 8);
  playbook = path.join(tmpDir(), 'facts-modules.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const names = () => onNode(lab, lab.nodes[0]!.name, 'uname -n; cat /etc/hostname').stdout.trim().split('\n');
const rows = (report: Report | undefined) => (report?.results ?? []).map((r) => [r.task, r.status]);

describe('service_facts, package_facts and hostname on a real node', () => {
  it('--check predicts the real run, changing nothing; the real run renames; the second run is all ok', async () => {
    const before = names();
    expect(before).not.toContain('fm-renamed');
    const check = await engine(['run', playbook, '-i', lab.inventoryFile, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(rows(check.report)).toEqual([
      ['services', 'ok'],
      ['service facts', 'ok'],
      ['packages', 'ok'],
      ['package facts', 'ok'],
      ['rename', 'changed'],
      ['rename again', 'ok'],
      ['the result', 'ok'],
    ]);
    expect(names()).toEqual(before);

    const real = await engine(['run', playbook, '-i', lab.inventoryFile], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(rows(real.report)).toEqual(rows(check.report));
    expect(names()).toEqual(['fm-renamed', 'fm-renamed']);

    const again = await engine(['run', playbook, '-i', lab.inventoryFile], { withReport: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(new Set(again.report?.results.map((r) => r.status))).toEqual(new Set(['ok']));
  }, 120_000);
});
