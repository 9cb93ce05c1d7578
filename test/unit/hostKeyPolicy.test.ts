// Host-key policy: only the command line and the inventory may lower checking; the playbook's own
// group_vars, play vars and -e are ignored with a warning; a lowered run prints one line saying where.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../engine/cli/run.ts';
import { createConnection } from '../../engine/connection/index.ts';
import { hostKeyPolicyForRun, type HostKeyFlags } from '../../engine/connection/hostKeyPolicy.ts';
import type { SshParams } from '../../engine/connection/ssh.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { moduleRegistry } from '../../modules/index.ts';

const PLAY = `- name: Touch
  hosts: all
  gather_facts: false
  tasks:
    - name: Say
      command: echo hi
`;
const INVENTORY = `[kube]
node1 ansible_host=127.0.0.1
node2 ansible_host=127.0.0.1

[db]
db1 ansible_host=127.0.0.1
`;

/** A project directory: the files given (paths with / make directories), relative paths as the user sees them. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-hkp-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function policy(dir: string, options: { flags?: Partial<HostKeyFlags>; extraVars?: Record<string, unknown>; limit?: Set<string> } = {}) {
  const flags = { acceptNewHostKeys: false, noHostKeyChecking: false, ...options.flags };
  return hostKeyPolicyForRun(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inventory')), {
    flags,
    extraVars: options.extraVars ?? {},
    ...(options.limit ? { limit: options.limit } : {}),
  });
}

const levels = (p: ReturnType<typeof policy>) => Object.fromEntries(p.byHost);
const ONLY = 'only the command line (--no-host-key-checking, --accept-new-host-keys) or the inventory may lower host key checking';

describe('host key policy sources', () => {
  it('is strict everywhere, without a warning, when nothing lowers it', () => {
    const p = policy(project({ 'play.yml': PLAY, 'inventory/hosts.ini': INVENTORY }));
    expect(levels(p)).toEqual({ node1: 'strict', node2: 'strict', db1: 'strict' });
    expect(p.warnings).toEqual([]);
  });

  it('ignores group_vars beside the playbook, with a warning naming the file', () => {
    const dir = project({ 'play.yml': PLAY, 'inventory/hosts.ini': INVENTORY, 'group_vars/all.yml': 'host_key_checking: false\n' });
    const p = policy(dir);
    expect(levels(p)).toEqual({ node1: 'strict', node2: 'strict', db1: 'strict' });
    expect(p.warnings).toEqual([`warning: ignored ${path.join(dir, 'group_vars/all.yml')}: host_key_checking=false: ${ONLY}`]);
  });

  it('ignores -e and play vars, with one warning naming both', () => {
    const dir = project({
      'play.yml': PLAY.replace('  gather_facts: false\n', '  gather_facts: false\n  vars:\n    ansible_host_key_checking: "no"\n'),
      'inventory/hosts.ini': INVENTORY,
    });
    const p = policy(dir, { extraVars: { host_key_checking: 'false' } });
    expect(levels(p)).toEqual({ node1: 'strict', node2: 'strict', db1: 'strict' });
    expect(p.warnings).toEqual([
      `warning: ignored -e host_key_checking=false; play 'Touch' vars (${path.join(dir, 'play.yml')}:1): ansible_host_key_checking=no: ${ONLY}`,
    ]);
  });

  it('obeys group_vars of the inventory and says which file, in one line', () => {
    const dir = project({
      'play.yml': PLAY,
      'inventory/hosts.ini': INVENTORY,
      'inventory/group_vars/all.yml': 'host_key_checking: false\n',
    });
    const p = policy(dir);
    expect(levels(p)).toEqual({ node1: 'off', node2: 'off', db1: 'off' });
    expect(p.warnings).toEqual([
      `warning: host key checking is off for 3 hosts (${path.join(dir, 'inventory/group_vars/all.yml')}: host_key_checking=false)`,
    ]);
  });

  it('obeys inline group and host vars of the inventory file, per host', () => {
    const inventory =
      INVENTORY.replace('node2 ansible_host=127.0.0.1', 'node2 ansible_host=127.0.0.1 ansible_ssh_host_key_checking=False') +
      '\n[db:vars]\nansible_host_key_checking=no\n';
    const dir = project({ 'play.yml': PLAY, 'inventory/hosts.ini': inventory });
    const p = policy(dir);
    expect(levels(p)).toEqual({ node1: 'strict', node2: 'off', db1: 'off' });
    const source = path.join(dir, 'inventory');
    expect(p.warnings).toEqual([
      `warning: host key checking is off for 2 hosts (${source} (host node2): ansible_ssh_host_key_checking=false; ${source} (group db): ansible_host_key_checking=no)`,
    ]);
  });

  it('a host var that turns checking back on wins over its group', () => {
    const inventory =
      INVENTORY.replace('db1 ansible_host=127.0.0.1', 'db1 ansible_host=127.0.0.1 host_key_checking=true') +
      '\n[db:vars]\nhost_key_checking=false\n';
    const p = policy(project({ 'play.yml': PLAY, 'inventory/hosts.ini': inventory }));
    expect(levels(p).db1).toBe('strict');
    expect(p.warnings).toEqual([]);
  });

  it('--accept-new-host-keys and --no-host-key-checking lower it for every host, and say so', () => {
    const dir = project({ 'play.yml': PLAY, 'inventory/hosts.ini': INVENTORY });
    const acceptNew = policy(dir, { flags: { acceptNewHostKeys: true } });
    expect(levels(acceptNew)).toEqual({ node1: 'accept-new', node2: 'accept-new', db1: 'accept-new' });
    expect(acceptNew.warnings).toEqual([
      'warning: host key checking is accept-new (keys not yet in known_hosts are trusted and recorded) for 3 hosts (--accept-new-host-keys)',
    ]);
    const off = policy(dir, { flags: { noHostKeyChecking: true, acceptNewHostKeys: true } });
    expect(levels(off)).toEqual({ node1: 'off', node2: 'off', db1: 'off' });
    expect(off.warnings).toEqual(['warning: host key checking is off for 3 hosts (--no-host-key-checking)']);
  });

  it('mixes levels in one line, and counts only the hosts the run contacts', () => {
    const inventory =
      INVENTORY.replace('db1 ansible_host=127.0.0.1', 'db1 ansible_host=127.0.0.1 host_key_checking=false') +
      '\nctl ansible_connection=local\n';
    const dir = project({ 'play.yml': PLAY, 'inventory/hosts.ini': inventory });
    const p = policy(dir, { flags: { acceptNewHostKeys: true }, limit: new Set(['node1', 'db1', 'ctl']) });
    expect(levels(p)).toEqual({ node1: 'accept-new', db1: 'off' });
    expect(p.warnings).toEqual([
      `warning: host key checking is off for 1 host (${path.join(dir, 'inventory')} (host db1): host_key_checking=false) ` +
        'and accept-new (keys not yet in known_hosts are trusted and recorded) for 1 host (--accept-new-host-keys)',
    ]);
  });
});

describe('the connection', () => {
  const params = (vars: Record<string, unknown>, hostKeys?: ReturnType<typeof policy>) =>
    (
      createConnection(
        'node1',
        { ansible_host: '127.0.0.1', ...vars },
        { connectTimeoutMs: 1000, ...(hostKeys ? { hostKeys } : {}) },
      ) as unknown as { main: { params: SshParams } }
    ).main.params; // the host's main session, inside its per-user pool (connection/userPool.ts)

  it('never reads host_key_checking from the variables it is given: only the policy decides', () => {
    expect(params({ host_key_checking: false, ansible_host_key_checking: 'no' }).hostKeyPolicy).toBe('strict');
    const dir = project({
      'play.yml': PLAY,
      'inventory/hosts.ini': INVENTORY.replace('node1 ansible_host=127.0.0.1', 'node1 ansible_host=127.0.0.1 host_key_checking=no'),
    });
    expect(params({}, policy(dir)).hostKeyPolicy).toBe('off');
  });
});

describe('engine run', () => {
  it('prints the one warning before the run when the inventory lowers checking, and ignores -e', async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const dir = project({
      'play.yml': PLAY,
      'inventory/hosts.ini': `${INVENTORY}\n[all:vars]\nansible_port=${port}\nhost_key_checking=false\n`,
    });
    let printed = '';
    const code = await runCommand(
      [
        'play.yml',
        '-i',
        'inventory',
        '-e',
        'ansible_host_key_checking=no',
        '-T',
        '1',
        '--connect-retries',
        '0',
        '--retry-file',
        path.join(dir, 'r.retry'),
        '--no-color',
      ].map((a) => (a === 'play.yml' || a === 'inventory' ? path.join(dir, a) : a)),
      (s) => (printed += s),
    );
    expect(code).toBe(3);
    const warnings = printed.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([
      `warning: host key checking is off for 3 hosts (${path.join(dir, 'inventory')} (group all): host_key_checking=false)`,
      `warning: ignored -e ansible_host_key_checking=no: ${ONLY}`,
    ]);
    expect(printed.indexOf('warning:')).toBeLessThan(printed.indexOf('PLAY'));
  });
});
