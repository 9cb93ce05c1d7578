// End-to-end: delegation on two real nodes. The play targets node A only; its delegated tasks write on
// node B (with B's connection), gather B's facts into B (delegate_facts), and write on the controller
// (local_action, delegate_to: localhost). --check on the clean nodes predicts exactly what the real run
// then does, a second run changes nothing, and node A is never written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, labInventory, onNode, tmpDir, type EngineRun } from './support.ts';

const LAB = 'delegate';
let lab: LabState;
let a: string;
let b: string;
let local: string;
let check: EngineRun;
let first: EngineRun;
let second: EngineRun;
let checkAfter: EngineRun;

const playbook = (dir: string) => `- name: delegation
  hosts: ${a}
  gather_facts: false
  tasks:
    - name: write on the delegate
      copy: { dest: "/tmp/fp-delegate-{{ inventory_hostname }}.txt", content: "written for {{ inventory_hostname }}\\n" }
      delegate_to: ${b}
    - name: same file again on the delegate
      copy: { dest: "/tmp/fp-delegate-{{ inventory_hostname }}.txt", content: "written for {{ inventory_hostname }}\\n" }
      delegate_to: ${b}
    - name: the host itself has no such file
      command: test ! -e /tmp/fp-delegate-{{ inventory_hostname }}.txt
      changed_when: false
      check_mode: false
    - name: delegate's facts
      setup: { gather_subset: [min] }
      delegate_to: ${b}
      delegate_facts: true
    - name: delegate's hostname
      command: hostname
      delegate_to: ${b}
      register: delegate_hostname
      changed_when: false
      check_mode: false
    - name: on the controller
      local_action: { module: copy, dest: "${dir}/{{ inventory_hostname }}.txt", content: "{{ hostvars['${b}'].ansible_facts.hostname }} {{ delegate_hostname.stdout }}" }
    - name: on localhost
      shell: echo {{ inventory_hostname }} > ${dir}/shell-{{ inventory_hostname }}.txt
      args: { creates: "${dir}/shell-{{ inventory_hostname }}.txt" }
      delegate_to: localhost
    - name: facts stayed with the delegate
      assert:
        that:
          - ansible_facts.hostname is not defined
          - inventory_hostname == '${a}'
`;

beforeAll(async () => {
  lab = await bootLab(LAB, 2, 'clean', 242);
  [a, b] = [lab.nodes[0]!.name, lab.nodes[1]!.name];
  for (const n of lab.nodes) expect(onNode(lab, n.name, 'rm -f /tmp/fp-delegate-*').code).toBe(0);
  local = tmpDir();
  const inventory = labInventory(lab);
  const file = path.join(tmpDir(), 'delegate.yml');
  writeFileSync(file, playbook(local));
  check = await engine(['run', file, '-i', inventory, '--check'], { withReport: true });
  first = await engine(['run', file, '-i', inventory], { withReport: true });
  second = await engine(['run', file, '-i', inventory], { withReport: true });
  checkAfter = await engine(['run', file, '-i', inventory, '--check'], { withReport: true });
}, 600_000);

afterAll(async () => {
  await labDown({ name: LAB });
});

const rows = (r: EngineRun) => r.report!.results.map((x) => `${x.host} ${x.task}: ${x.status}`);

describe('delegation on the lab', () => {
  it('reports every task under the original host and writes the file on the delegate only', () => {
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(rows(first)).toEqual([
      `${a} write on the delegate: changed`,
      `${a} same file again on the delegate: ok`,
      `${a} the host itself has no such file: ok`,
      `${a} delegate's facts: ok`,
      `${a} delegate's hostname: ok`,
      `${a} on the controller: changed`,
      `${a} on localhost: changed`,
      `${a} facts stayed with the delegate: ok`,
    ]);
    expect(onNode(lab, b, `cat /tmp/fp-delegate-${a}.txt`).stdout).toBe(`written for ${a}\n`);
    expect(onNode(lab, a, `test -e /tmp/fp-delegate-${a}.txt`).code).toBe(1);
    // The console names the delegate beside the host.
    expect(first.stdout).toContain(`${a} → ${b}`);
    expect(first.stdout).toContain(`${a} → localhost`);
  });

  it('runs local_action and delegate_to: localhost on the controller, with the delegate’s facts', () => {
    const hostname = onNode(lab, b, 'hostname').stdout.trim();
    expect(readFileSync(path.join(local, `${a}.txt`), 'utf8')).toBe(`${hostname} ${hostname}`);
    expect(readFileSync(path.join(local, `shell-${a}.txt`), 'utf8')).toBe(`${a}\n`);
    expect(existsSync(path.join(local, `${b}.txt`))).toBe(false);
  });

  it('--check on the clean nodes predicted the real run, and nothing changes the second time', () => {
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
    expect(rows(check)).toEqual(rows(first));
    expect(second.code).toBe(0);
    expect(second.report!.results.filter((r) => r.status === 'changed').map((r) => r.task)).toEqual([]);
    expect(rows(checkAfter)).toEqual(rows(second));
  });
});
