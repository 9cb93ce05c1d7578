// End-to-end: ProxyJump on two real nodes. Node 2 is reached only through node 1: its name in the ssh
// config (node2.fp-jump.invalid) resolves only inside node 1 (node 1's /etc/hosts), so the controller
// cannot dial it directly, while node 1's sshd, which opens the forwarded connection, can. (The lab's
// nodes share the host's network namespace and every connection to 127.0.1.x comes from 127.0.0.1,
// whoever makes it; an sshd `Match Address`/`AllowUsers root@127.0.1.43` rule on node 2 therefore cannot
// tell node 1 from the controller, and a packet filter would change the host's own firewall.)
// Host keys are checked on every hop: a wrong key for the jump host refuses the run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_KEY_FILE, labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

const LAB = 'sshjump';
const HIDDEN = 'node2.fp-jump.invalid';
let lab: LabState;
let dir: string;
let playbook: string;
let knownHosts: string;

/** An ssh config file in the test's directory (0600, as ssh requires). */
function sshConfig(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** The jump host and the hidden target, with `jumpKnownHosts` for the jump host and `targetJump` as its ProxyJump. */
const config = (jumpKnownHosts: string, targetJump: string): string => `Host jumpnode
  HostName ${lab.nodes[0]!.address}
  User root
  IdentityFile ${LAB_KEY_FILE}
  UserKnownHostsFile ${jumpKnownHosts}
Host target
  HostName ${HIDDEN}
  ProxyJump ${targetJump}
Host *
  User root
  IdentityFile ${LAB_KEY_FILE}
  UserKnownHostsFile ${knownHosts}
`;

beforeAll(async () => {
  lab = await bootLab(LAB, 2, 'clean', 43);
  dir = tmpDir();
  const [n1, n2] = lab.nodes;
  const hosts = onNode(lab, n1!.name, `grep -q ' ${HIDDEN}$' /etc/hosts || echo '${n2!.address} ${HIDDEN}' >> /etc/hosts`);
  expect(hosts.code).toBe(0);
  // known_hosts: the lab's lines (by address), and node 2's key under the hidden name the config dials.
  const lab2 = readFileSync(lab.knownHostsFile, 'utf8');
  const key2 = lab2
    .split('\n')
    .find((l) => l.startsWith(`${n2!.address} `))!
    .slice(n2!.address.length + 1);
  knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${lab2}${HIDDEN} ${key2}\n`);
  playbook = path.join(dir, 'jump.yml');
  writeFileSync(
    playbook,
    `- hosts: all
  gather_facts: false
  tasks:
    - command: cat /etc/hostname
      register: h
      changed_when: false
    - assert:
        that: h.stdout == '${n2!.name}'
`,
  );
  writeFileSync(path.join(dir, 'inventory.ini'), 'target\n');
}, 180_000);

afterAll(async () => {
  await labDown({ name: LAB });
});

describe('ProxyJump through a lab node', () => {
  it('runs on node 2 through node 1, with every name and key from the ssh config', async () => {
    const file = sshConfig('through', config(knownHosts, 'jumpnode'));
    const r = await engine(['run', playbook, '-i', path.join(dir, 'inventory.ini'), '--ssh-config', file], { withReport: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report?.recap.target).toMatchObject({ ok: 2, failed: 0, unreachable: 0 });
  });

  it('cannot reach node 2 directly', async () => {
    const file = sshConfig('direct', config(knownHosts, 'none'));
    const r = await engine(['run', playbook, '-i', path.join(dir, 'inventory.ini'), '--ssh-config', file]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`cannot connect to ${HIDDEN.replace(/\./g, '\\.')}:22: .*(ENOTFOUND|EAI_AGAIN)`));
  });

  it('refuses a jump host whose key is not the one in known_hosts', async () => {
    const wrong = path.join(dir, 'wrong_known_hosts');
    const otherKey = readFileSync(lab.knownHostsFile, 'utf8').split('\n')[1]!.split(' ').slice(1).join(' ');
    writeFileSync(wrong, `${lab.nodes[0]!.address} ${otherKey}\n`);
    const file = sshConfig('wrongkey', config(wrong, 'jumpnode'));
    const r = await engine(['run', playbook, '-i', path.join(dir, 'inventory.ini'), '--ssh-config', file]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/jump host jumpnode: HOST KEY MISMATCH for jumpnode \(127\.0\.1\.43:22\)/);
    expect(r.stdout).not.toMatch(/ok=1/);
  });

  it('takes the jump from ansible_ssh_common_args with no ssh config (Ansible style)', async () => {
    const inventory = path.join(dir, 'inventory.yml');
    writeFileSync(
      inventory,
      `all:
  hosts:
    target:
      ansible_host: ${HIDDEN}
      ansible_user: root
      ansible_ssh_private_key_file: ${LAB_KEY_FILE}
      ansible_ssh_known_hosts_file: ${knownHosts}
      ansible_ssh_common_args: -o ProxyJump=root@${lab.nodes[0]!.address}:22
`,
    );
    const r = await engine(['run', playbook, '-i', inventory, '--ssh-config', 'none'], { withReport: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report?.recap.target).toMatchObject({ ok: 2, failed: 0 });
  });
});
