// End-to-end: ini_file and find on a real node over SSH, used as the public containerd roles use them
// (alvistack: modprobe.d options before any section, in a loop; antmelekhin: find the certs.d
// directories and loop over `.files`). --check predicts the real run, and a second run changes nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

const LAB = 'inifind';
let lab: LabState;
let playbook: string;

const PLAYBOOK = `- name: ini_file and find
  hosts: all
  gather_facts: false
  tasks:
    - name: modprobe options
      community.general.ini_file:
        path: /etc/modprobe.d/fleetplay-inifind.conf
        section: null
        option: "{{ item.option }}"
        value: "{{ item.value }}"
        no_extra_spaces: true
        mode: "0644"
      loop:
        - { option: options overlay, value: metacopy=off }
        - { option: options br_netfilter, value: nf_conntrack=1 }
    - name: a setting in a section
      ini_file:
        dest: /srv/inifind/app/app.ini
        section: main
        option: port
        value: 8080
    - name: the same setting again
      ini_file:
        path: /srv/inifind/app/app.ini
        section: main
        option: port
        value: "8080"
    - name: find the registry directories
      ansible.builtin.find:
        paths: /srv/inifind/certs.d
        file_type: directory
      register: registries
    - name: loop over them
      debug:
        msg: "{{ item.path }} {{ item.mode }} {{ item.isdir }}"
      loop: "{{ registries.files }}"
    - name: they are the two directories
      assert:
        that:
          - registries.matched == 2
          - registries.examined == 3
          - registries.files | map(attribute='path') | sort | list == ['/srv/inifind/certs.d/docker.io', '/srv/inifind/certs.d/quay.io']
`;

beforeAll(async () => {
  // Lab addresses from 250 up are reserved (lab/paths.ts): 247 is free among the e2e files.
  lab = await bootLab(LAB, 1, 'clean', 247);
  const reset = onNode(
    lab,
    lab.nodes[0]!.name,
    'rm -rf /srv/inifind /etc/modprobe.d/fleetplay-inifind.conf && mkdir -p /srv/inifind/certs.d/docker.io /srv/inifind/certs.d/quay.io && touch /srv/inifind/certs.d/hosts.toml',
  );
  expect(reset.code, reset.stderr).toBe(0);
  playbook = path.join(tmpDir(), 'ini-find.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('ini_file and find on a node', () => {
  it('--check says what the real run does, the files are as Ansible writes them, and a second run is ok', async () => {
    const inventory = lab.inventoryFile;
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const statuses = (r: typeof check) => r.report!.results.map((x) => [x.task, x.status]);
    expect(statuses(check).find(([t]) => t === 'the same setting again')?.[1]).toBe('ok');
    expect(onNode(lab, lab.nodes[0]!.name, 'ls /etc/modprobe.d/fleetplay-inifind.conf /srv/inifind/app 2>&1; true').stdout).toContain(
      'No such file',
    );

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(check)).toEqual(statuses(real));
    const node = onNode(lab, lab.nodes[0]!.name, 'cat /etc/modprobe.d/fleetplay-inifind.conf; echo ---; cat /srv/inifind/app/app.ini');
    expect(node.stdout).toBe('options overlay=metacopy=off\noptions br_netfilter=nf_conntrack=1\n\n---\n\n[main]\nport = 8080\n');
    expect(real.stdout).toContain('/srv/inifind/certs.d/docker.io 0755 True');

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.report!.results.every((r) => r.status === 'ok' || r.status === 'skipped')).toBe(true);
  }, 240_000);
});
