// End-to-end test of the lab: two legacy nodes booted under systemd-nspawn, checked over the real ssh client.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { labDown, labStatus, labUp, type LabState } from '../../lab/index.ts';

const LAB = { name: 'labtest', nodes: 2, image: 'legacy', first: 226 } as const;

interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs one command on a node with the system ssh client, strict host key checking against the lab's known_hosts. */
function ssh(state: LabState, address: string, command: string): Promise<SshResult> {
  const args = [
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${state.knownHostsFile}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'ConnectTimeout=10',
    '-i',
    state.keyFile,
    `root@${address}`,
    command,
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 255) : 0;
      resolve({ exitCode: code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}

function processExists(pid: number): boolean {
  try {
    // A zombie has an empty cmdline; it is gone for our purposes.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
  } catch {
    return false;
  }
}

function sshAnswers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port: 22 });
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('data', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe.skipIf(process.getuid?.() !== 0)('lab (2 legacy nodes at 127.0.1.226)', () => {
  let state: LabState;

  beforeAll(async () => {
    await labDown({ name: LAB.name });
    state = await labUp({ ...LAB, log: (line) => console.log(`[lab] ${line}`) });
  }, 900_000);

  afterAll(async () => {
    await labDown({ name: LAB.name });
  }, 120_000);

  it('records the expected nodes, inventory and known_hosts', () => {
    expect(state.nodes.map((n) => ({ name: n.name, address: n.address, machine: n.machine }))).toEqual([
      { name: 'labtest-1', address: '127.0.1.226', machine: 'fp-labtest-1' },
      { name: 'labtest-2', address: '127.0.1.227', machine: 'fp-labtest-2' },
    ]);
    expect(readFileSync(state.inventoryFile, 'utf8')).toEqual(
      [
        '[labtest]',
        'labtest-1 ansible_host=127.0.1.226',
        'labtest-2 ansible_host=127.0.1.227',
        '',
        '[labtest:vars]',
        'ansible_user=root',
        'ansible_ssh_private_key_file=/var/lib/fleetplay/lab_key',
        'ansible_ssh_known_hosts_file=/var/lib/fleetplay/labs/labtest/known_hosts',
        '',
      ].join('\n'),
    );
    const known = readFileSync(state.knownHostsFile, 'utf8').trim().split('\n');
    expect(known.map((l) => l.split(' ')[0])).toEqual(['127.0.1.226', '127.0.1.227']);
    expect(known.every((l) => / ssh-ed25519 AAAA\S+$/.test(l))).toBe(true);
  });

  it('boots systemd to running', async () => {
    for (const node of state.nodes) {
      const r = await ssh(state, node.address, 'systemctl is-system-running --wait');
      if (r.stdout !== 'running') {
        const failed = await ssh(state, node.address, 'systemctl --failed --no-legend --plain');
        console.log(`[lab] ${node.name} is ${r.stdout}; failed units:\n${failed.stdout}`);
      }
      expect(['running', 'degraded']).toContain(r.stdout);
      expect(r.stdout).toBe('running');
    }
  }, 120_000);

  it('names each node after its inventory host', async () => {
    for (const node of state.nodes) {
      const r = await ssh(state, node.address, 'hostname');
      expect(r).toEqual({ exitCode: 0, stdout: node.name, stderr: '' });
    }
  }, 60_000);

  it('gives every node its own host key, matching known_hosts', async () => {
    const keys: string[] = [];
    for (const node of state.nodes) {
      const r = await ssh(state, node.address, 'cut -d" " -f1,2 /etc/ssh/ssh_host_ed25519_key.pub');
      expect(r.exitCode).toBe(0);
      keys.push(r.stdout);
    }
    expect(new Set(keys).size).toBe(2);
    const known = readFileSync(state.knownHostsFile, 'utf8');
    for (const [i, node] of state.nodes.entries()) expect(known).toContain(`${node.address} ${keys[i]}\n`);
  }, 60_000);

  it('looks like a pre-migration node: docker.io installed, containerd masked', async () => {
    const [a] = state.nodes;
    if (!a) throw new Error('no node');
    expect((await ssh(state, a.address, 'readlink /etc/systemd/system/containerd.service')).stdout).toBe('/dev/null');
    expect((await ssh(state, a.address, 'dpkg -s docker.io >/dev/null')).exitCode).toBe(0);
    expect((await ssh(state, a.address, 'systemctl is-enabled containerd')).stdout).toBe('masked');
  }, 60_000);

  it('bind-mounts /var/lib/containerd and /var/lib/docker from the host (not the overlay root)', async () => {
    for (const node of state.nodes) {
      const r = await ssh(
        state,
        node.address,
        'stat -f -c %T / /var/lib/containerd /var/lib/docker; findmnt -n -o FSTYPE /var/lib/containerd',
      );
      const [root, containerd, docker, fstype] = r.stdout.split('\n');
      expect(root).toBe('overlayfs');
      expect(containerd).not.toBe('overlayfs');
      expect(docker).not.toBe('overlayfs');
      expect(fstype).not.toBe('overlay');
    }
  }, 60_000);

  it('reports status and is idempotent', async () => {
    const status = await labStatus({ name: LAB.name });
    expect(status?.running).toEqual([true, true]);
    const again = await labUp(LAB);
    expect(again.nodes.map((n) => n.pid)).toEqual(state.nodes.map((n) => n.pid));
  }, 60_000);

  it('takes the lab down completely', async () => {
    await labDown({ name: LAB.name });
    expect(mountsUnder(state.dir)).toEqual([]);
    expect(state.nodes.filter((n) => processExists(n.pid))).toEqual([]);
    expect(await labStatus({ name: LAB.name })).toBeUndefined();
    for (const node of state.nodes) expect(await sshAnswers(node.address)).toBe(false);
    // A second labDown with nothing up is a no-op.
    await labDown({ name: LAB.name });
  }, 120_000);
});
