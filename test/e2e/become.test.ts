// End-to-end: become through real sudo on a real node (Debian 12, OpenSSH): a user whose sudo asks
// for a password, one with NOPASSWD, and a wrong password. The password must reach sudo only when sudo
// asks: with NOPASSWD the command's stdin is exactly what the task gave it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir, type EngineRun } from './support.ts';

const LAB = 'become';
const PASSWORD = 'Deploy-Pw-4417';
const UNUSED = 'NotAsked-9931';
let lab: LabState;
let run: EngineRun;
const started = { ms: 0 };

const PLAYBOOK = `- name: become with and without a sudo password
  hosts: all
  gather_facts: false
  become: true
  tasks:
    - name: who am I
      command: id -un
    - name: given stdin
      shell:
        cmd: cat > /tmp/fp-become-{{ inventory_hostname }}-given
        stdin: from-stdin
    - name: no stdin
      shell: cat > /tmp/fp-become-{{ inventory_hostname }}-none
`;

// Two users besides root: deploy (sudo asks for its password) and nopw (NOPASSWD), both reachable
// with the lab key.
const SETUP = [
  'set -e',
  `id deploy >/dev/null 2>&1 || useradd -m -s /bin/bash deploy`,
  `id nopw >/dev/null 2>&1 || useradd -m -s /bin/bash nopw`,
  `echo 'deploy:${PASSWORD}' | chpasswd`,
  `printf '%s\\n' 'Defaults:deploy lecture=always' 'deploy ALL=(ALL) ALL' 'nopw ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/fleetplay-e2e`,
  'chmod 0440 /etc/sudoers.d/fleetplay-e2e',
  'visudo -cq',
  'for u in deploy nopw; do install -d -o $u -g $u -m 0700 /home/$u/.ssh; install -o $u -g $u -m 0600 /root/.ssh/authorized_keys /home/$u/.ssh/authorized_keys; done',
  'rm -f /tmp/fp-become-*',
].join('\n');

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 221);
  const setup = onNode(lab, lab.nodes[0]!.name, SETUP);
  expect(setup.code, setup.stderr).toBe(0);
  const address = lab.nodes[0]!.address;
  const dir = tmpDir();
  const inventory = path.join(dir, 'inventory.ini');
  writeFileSync(
    inventory,
    [
      '[sudoers]',
      `pw ansible_host=${address} ansible_user=deploy ansible_become_password=${PASSWORD}`,
      `nopw ansible_host=${address} ansible_user=nopw ansible_become_password=${UNUSED}`,
      `bad ansible_host=${address} ansible_user=deploy ansible_become_password=wrong-password`,
      '',
      '[sudoers:vars]',
      `ansible_ssh_private_key_file=${lab.keyFile}`,
      `ansible_ssh_known_hosts_file=${lab.knownHostsFile}`,
      '',
    ].join('\n'),
  );
  const playbook = path.join(dir, 'become.yml');
  writeFileSync(playbook, PLAYBOOK);
  started.ms = Date.now();
  run = await engine(['run', playbook, '-i', inventory], { withReport: true });
  expect(run.report, `${run.stdout}\n${run.stderr}`).toBeDefined();
});

afterAll(async () => {
  await labDown({ name: LAB });
});

const sh = (command: string) => onNode(lab, lab.nodes[0]!.name, command);
const result = (host: string, task: string) => run.report!.results.find((r) => r.host === host && r.task === task);

describe('become through real sudo', () => {
  it('(a) NOPASSWD: the password configured is never sent, so the command reads only its own stdin', () => {
    expect(result('nopw', 'who am I')).toMatchObject({ status: 'changed', msg: 'root' });
    expect(sh('cat /tmp/fp-become-nopw-given').stdout).toBe('from-stdin\n');
    expect(sh('stat -c %s /tmp/fp-become-nopw-none').stdout.trim()).toBe('0');
    expect(sh('stat -c %U /tmp/fp-become-nopw-none').stdout.trim()).toBe('root');
  });

  it('(b) a password sudo asks for is given, then the command gets its stdin', () => {
    expect(result('pw', 'who am I')).toMatchObject({ status: 'changed', msg: 'root' });
    expect(sh('cat /tmp/fp-become-pw-given').stdout).toBe('from-stdin\n');
    expect(sh('stat -c %s /tmp/fp-become-pw-none').stdout.trim()).toBe('0');
    expect(run.report!.recap.pw).toMatchObject({ failed: 0, changed: 3 });
  });

  it('(c) a wrong password fails that host clearly and at once; the others run on', () => {
    expect(result('bad', 'who am I')).toMatchObject({ status: 'failed' });
    expect(result('bad', 'who am I')!.msg).toMatch(/^incorrect sudo password/);
    expect(result('bad', 'given stdin')).toBeUndefined();
    expect(run.code, run.stdout + run.stderr).toBe(2);
    // sudo waits ~2 s before it asks again; a hang would have been cut by the 20 s limit at the earliest.
    expect(Date.now() - started.ms).toBeLessThan(20_000);
  });

  it('no password, prompt, lecture or marker in the output or the report', () => {
    const all = run.stdout + run.stderr + JSON.stringify(run.report);
    for (const secret of [PASSWORD, UNUSED, 'wrong-password', 'sudo via fleetplay', 'BECOME-SUCCESS', 'usual lecture'])
      expect(all).not.toContain(secret);
  });
});
