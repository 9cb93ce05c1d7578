// End-to-end: Ansible's facts on a real node (Debian 12 under systemd-nspawn). A playbook reads them as
// `ansible_facts.<name>`, `ansible_facts['<name>']` and `ansible_<name>`, narrows gathering with
// gather_subset, asks the setup module for a filtered set, and keeps a cacheable set_fact for the run;
// every value is checked against what the node itself reports over a separate ssh session.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir, type EngineRun } from './support.ts';

const LAB = 'facts';
let lab: LabState;
let run: EngineRun;
const node: Record<string, string> = {};

const PLAYBOOK = `- name: the minimal subset
  hosts: all
  gather_subset: '!all'
  tasks:
    - name: min facts only
      assert:
        that:
          - ansible_facts['os_family'] == 'Debian'
          - ansible_facts.distribution_major_version == expected.major
          - ansible_memtotal_mb is not defined
          - ansible_default_ipv4 is not defined
          - ansible_facts.gather_subset == ['!all']

- name: facts as Ansible names them
  hosts: all
  gather_subset: [all]
  gather_timeout: 20
  tasks:
    - name: write facts
      copy:
        dest: /tmp/fp-facts-e2e
        content: |
          major={{ ansible_facts.distribution_major_version }}
          version={{ ansible_facts.distribution_version }}
          release={{ ansible_distribution_release }}
          address={{ ansible_default_ipv4.address }}
          gateway={{ ansible_default_ipv4.gateway }}
          interface={{ ansible_default_ipv4.interface }}
          mac={{ ansible_default_ipv4.macaddress }}
          hostname={{ ansible_hostname }}
          machine={{ ansible_machine }}
          kernel={{ ansible_kernel }}
          vcpus={{ ansible_processor_vcpus }}
          memtotal={{ ansible_memtotal_mb }}
          virt={{ ansible_virtualization_type }}
          service={{ ansible_facts.service_mgr }}
          pkg={{ ansible_pkg_mgr }}
          user={{ ansible_user_id }}
          home={{ ansible_facts.env.HOME }}
          epoch={{ ansible_date_time.epoch }}
    - name: subscripts and the injected names agree
      assert:
        that:
          - ansible_facts['os_family'] == 'Debian'
          - ansible_facts['distribution_major_version'] == expected.major
          - ansible_default_ipv4['address'] == expected.address
          - ansible_facts['default_ipv4']['address'] == ansible_default_ipv4.address
          - ansible_facts.all_ipv4_addresses == [expected.address]
    - name: only the distribution facts
      setup:
        filter: ['ansible_distribution*', 'machine']
      register: only
    - name: what the filter kept
      assert:
        that:
          - only.ansible_facts.ansible_distribution == 'Debian'
          - only.ansible_facts.ansible_distribution_major_version == expected.major
          - only.ansible_facts.ansible_machine == expected.machine
          - only.ansible_facts.ansible_memtotal_mb is not defined
          - only.ansible_facts.ansible_kernel is not defined
    - name: a fact for the rest of the run
      set_fact:
        rack: r7
        cacheable: true

- name: facts stay for the run
  hosts: all
  gather_facts: false
  tasks:
    - name: gathered and cached facts
      assert:
        that:
          - ansible_facts.distribution == 'Debian'
          - ansible_facts.rack == 'r7'
          - rack == 'r7'
          - ansible_default_ipv4.address == expected.address
          - hostvars[inventory_hostname].ansible_facts.os_family == 'Debian'
`;

const sh = (command: string): string => {
  const r = onNode(lab, lab.nodes[0]!.name, command);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
};

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 249);
  // What the node says about itself, by other means than the fact command.
  Object.assign(node, {
    major: sh('cut -d. -f1 /etc/debian_version'),
    version: sh('cat /etc/debian_version'),
    release: sh('. /etc/os-release && echo "$VERSION_CODENAME"'),
    address: sh("hostname -I | tr ' ' '\\n' | grep -v : | head -n1"),
    gateway: sh("ip -4 route show default | awk '{print $3}'"),
    interface: sh("ip -4 route show default | awk '{print $5}'"),
    hostname: sh('hostname -s'),
    machine: sh('uname -m'),
    kernel: sh('uname -r'),
    vcpus: sh('nproc --all'),
    memtotal: sh("awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo"),
    virt: sh('systemd-detect-virt --container'),
    user: sh('id -un'),
    home: sh('getent passwd "$(id -un)" | cut -d: -f6'),
  });
  node.mac = sh(`cat /sys/class/net/${node.interface}/address`);
  sh('rm -f /tmp/fp-facts-e2e');
  const dir = tmpDir();
  const playbook = path.join(dir, 'facts.yml');
  writeFileSync(playbook, PLAYBOOK);
  const expected = JSON.stringify({ expected: { major: node.major, address: node.address, machine: node.machine } });
  run = await engine(['run', playbook, '-i', lab.inventoryFile, '-e', expected], { withReport: true });
  expect(run.report, `${run.stdout}\n${run.stderr}`).toBeDefined();
}, 300_000);

afterAll(async () => {
  await labDown({ name: LAB });
});

describe('facts on a lab node', () => {
  it('runs every play to the end without a failure', () => {
    expect(run.code, run.stdout).toBe(0);
    const failed = run.report!.results.filter((r) => r.status !== 'ok' && r.status !== 'changed');
    expect(failed, run.stdout).toEqual([]);
    expect(run.report!.results.filter((r) => r.module === 'assert').map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('gathers what the node itself reports', () => {
    const written = Object.fromEntries(
      sh('cat /tmp/fp-facts-e2e')
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const { epoch, ...rest } = written;
    expect(rest).toEqual({
      major: node.major,
      version: node.version,
      release: node.release,
      address: node.address,
      gateway: node.gateway,
      interface: node.interface,
      mac: node.mac,
      hostname: node.hostname,
      machine: node.machine,
      kernel: node.kernel,
      vcpus: node.vcpus,
      memtotal: node.memtotal,
      virt: node.virt,
      service: 'systemd',
      pkg: 'apt',
      user: node.user,
      home: node.home,
    });
    expect(Math.abs(Number(epoch) - Number(sh('date +%s')))).toBeLessThan(300);
  });

  it('gathers facts with one command per play that gathers', () => {
    const gathering = run.report!.results.filter((r) => r.task === 'Gathering Facts');
    expect(gathering.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(gathering.every((r) => (r as { commands?: number }).commands === 1)).toBe(true);
  });
});
