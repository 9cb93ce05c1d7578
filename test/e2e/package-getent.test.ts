// End-to-end: package and getent on a real clean node over real SSH. package finds apt by itself (no
// gathered facts) or from gathered facts, and runs apt's own steps, with apt's update_cache passed
// through; getent loops over users as geerlingguy.docker does and its facts reach the later tasks. --check
// predicts the real run task by task and changes nothing; the second run is all ok.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'pkgmods';
let lab: LabState;
let playbook: string;

const PLAYBOOK = `- name: package and getent without facts
  hosts: all
  gather_facts: false
  vars:
    tree_packages: [tree]
    tree_state: present
    docker_users: [root, nobody]
  tasks:
    - name: users
      getent:
        database: passwd
        key: "{{ item }}"
      loop: "{{ docker_users }}"
      when: docker_users | length > 0
    - name: the last user's entry
      assert:
        that:
          - getent_passwd.nobody[1] == '65534'
          - ansible_facts.getent_passwd.nobody == getent_passwd.nobody
    - name: install tree
      ansible.builtin.package:
        name: "{{ tree_packages }}"
        state: "{{ tree_state }}"
        update_cache: true
        cache_valid_time: 86400
    - name: each again
      package:
        name: "{{ item }}"
        state: installed
      loop: [tree, dpkg]
    - name: a group
      ansible.builtin.getent:
        database: group
        key: root
    - name: the group's gid
      assert:
        that: ["getent_group.root[1] == '0'"]

- name: package with gathered facts
  hosts: all
  tasks:
    - name: tree once more
      package:
        name: tree
        state: present
`;

beforeAll(async () => {
  // A fresh node: the run installs a package.
  await labDown({ name: LAB });
  lab = await bootLab(LAB, 1, 'clean', 245);
  playbook = path.join(tmpDir(), 'package-getent.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const node = () => lab.nodes[0]!.name;
const treeState = () => onNode(lab, node(), "dpkg-query -W -f='${db:Status-Status}' tree 2>/dev/null || echo absent").stdout.trim();
const rows = (report: Report | undefined) => (report?.results ?? []).map((r) => [r.task, r.status]);

describe('package and getent on a real node', () => {
  it('--check predicts the real run, changing nothing; the real run installs; the second run is all ok', async () => {
    expect(treeState()).not.toBe('installed');
    const check = await engine(['run', playbook, '-i', lab.inventoryFile, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(rows(check.report)).toEqual([
      ['users', 'ok'],
      ['users', 'ok'],
      ["the last user's entry", 'ok'],
      ['install tree', 'changed'],
      ['each again', 'ok'],
      ['each again', 'ok'],
      ['a group', 'ok'],
      ["the group's gid", 'ok'],
      ['Gathering Facts', 'ok'],
      ['tree once more', 'ok'],
    ]);
    const install = check.report?.results.find((r) => r.task === 'install tree');
    expect(install?.msg).toMatch(/install 1 package: tree$/);
    expect(treeState()).not.toBe('installed');

    const real = await engine(['run', playbook, '-i', lab.inventoryFile], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(rows(real.report)).toEqual(rows(check.report));
    expect(real.report?.results.find((r) => r.task === 'install tree')?.msg).toMatch(/installed 1 package: tree$/);
    expect(treeState()).toBe('installed');

    const again = await engine(['run', playbook, '-i', lab.inventoryFile], { withReport: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(new Set(again.report?.results.map((r) => r.status))).toEqual(new Set(['ok']));
    expect(again.report?.results.find((r) => r.task === 'tree once more')?.msg).toMatch(/^already installed: tree /);
  }, 300_000);
});
