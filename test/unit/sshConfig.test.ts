// ssh_config(5) as fleetplay reads it: Host/Match patterns, first value wins, Include, tokens, and how
// the result combines with inventory variables (inventory first, then the config, then defaults).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetError } from '../../engine/errors.ts';
import { expandPath, resolveSshHost } from '../../engine/connection/sshConfig.ts';
import { parseSshConfig, type SshConfig } from '../../engine/connection/sshConfigParse.ts';
import { jumpFromSshArgs, parseJumpSpec } from '../../engine/connection/sshJumpSpec.ts';
import { sshParamsFor, type SshRunSettings } from '../../engine/connection/sshSettings.ts';
import { withoutSshOptions } from '../../engine/connection/sshJumpSpec.ts';
import { sharedJumpCount } from '../../engine/connection/jump.ts';
import { sshConfigForRun } from '../../engine/connection/sshConfigRun.ts';
import { hostKeyPolicy } from '../../engine/connection/hostKeyPolicy.ts';
import type { Inventory } from '../../engine/types.ts';

/** A fake home with ~/.ssh/config holding `text` (and other files under ~/.ssh). */
function home(text: string, files: Record<string, string> = {}): { home: string; config: SshConfig; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-sshcfg-'));
  mkdirSync(path.join(dir, '.ssh'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, '.ssh', name)), { recursive: true });
    writeFileSync(path.join(dir, '.ssh', name), body, { mode: 0o600 });
  }
  const file = path.join(dir, '.ssh', 'config');
  writeFileSync(file, text, { mode: 0o600 });
  return { home: dir, config: parseSshConfig(file, dir), file };
}

const resolve = (c: SshConfig, host: string, user?: string) => resolveSshHost(c, host, { localUser: 'me', ...(user ? { user } : {}) });

describe('Host patterns and first-obtained values', () => {
  const { config } = home(`# comment
Host web1
  User alice
  Port 2201
Host web? !web9
  User bob
  IdentityFile ~/.ssh/web_%h
Host *
  User carol
  Port=2222
  IdentityFile "~/.ssh/all keys"
`);

  it('takes the first value for each keyword, from the first block that matches', () => {
    const r = resolve(config, 'web1');
    expect(r.user).toBe('alice');
    expect(r.port).toBe(2201);
    expect(r.identityFiles).toEqual(['~/.ssh/web_%h', '~/.ssh/all keys']);
  });

  it('matches ? on exactly one character, and a matching negated pattern rejects the block', () => {
    expect(resolve(config, 'web2').user).toBe('bob');
    expect(resolve(config, 'web10').user).toBe('carol');
    expect(resolve(config, 'web9').user).toBe('carol');
    expect(resolve(config, 'web9').identityFiles).toEqual(['~/.ssh/all keys']);
    expect(resolve(config, 'db').port).toBe(2222);
  });

  it('never applies a Host line of only negated patterns, and matches names case-insensitively', () => {
    const { config: c } = home('Host !bastion\n  User x\nHost WEB1\n  User y\n');
    expect(resolve(c, 'other').user).toBeUndefined();
    expect(resolve(c, 'web1').user).toBe('y');
  });

  it('expands %h in HostName to the name as given', () => {
    const { config: c } = home('Host *.lab\n  HostName %h.example.com\nHost db\n  HostName 10.0.0.%%\n');
    expect(resolve(c, 'n1.lab').hostName).toBe('n1.lab.example.com');
    expect(resolve(c, 'db').hostName).toBe('10.0.0.%');
  });
});

describe('Match', () => {
  it('matches host (after HostName) with comma lists and negation; originalhost the name as given', () => {
    const { config } = home(`Host short
  HostName long.example.com
Match host *.example.com,!bad.example.com
  User viahost
Match originalhost short
  Port 2022
Match !host db*
  IdentityFile k1
Match all
  ConnectTimeout 7
`);
    const r = resolve(config, 'short');
    expect(r.hostName).toBe('long.example.com');
    expect(r.user).toBe('viahost');
    expect(r.port).toBe(2022);
    expect(r.identityFiles).toEqual(['k1']);
    expect(r.connectTimeoutS).toBe(7);
    expect(resolve(config, 'bad.example.com').user).toBeUndefined();
    expect(resolve(config, 'db1').identityFiles).toEqual([]);
  });

  it('matches user against the inventory user, else the config User so far, else the local user', () => {
    const { config } = home('Match user admin\n  Port 1\nHost *\n  Port 2\n');
    expect(resolve(config, 'h', 'admin').port).toBe(1);
    expect(resolve(config, 'h', 'other').port).toBe(2);
    expect(resolve(config, 'h').port).toBe(2);
  });

  it('never applies a block with an unsupported criterion, and says so', () => {
    const { config } = home('Match exec "true" host *\n  User x\nMatch canonical\n  User y\n');
    expect(resolve(config, 'h').user).toBeUndefined();
    expect(config.notes).toHaveLength(2);
    expect(config.notes[0]).toMatch(/config:1: Match exec true is not supported/);
    expect(config.notes[1]).toMatch(/config:3: Match canonical/);
  });
});

describe('Include', () => {
  it('reads globbed files under ~/.ssh in sorted order, skipping dot files, in place', () => {
    const { config } = home('Include conf.d/*.conf\nHost *\n  User last\n', {
      'conf.d/20-b.conf': 'Host b\n  User from-b\nHost a\n  Port 2020\n',
      'conf.d/10-a.conf': 'Host a\n  User from-a\n',
      'conf.d/.hidden.conf': 'Host *\n  User hidden\n',
    });
    expect(resolve(config, 'a').user).toBe('from-a');
    expect(resolve(config, 'a').port).toBe(2020);
    expect(resolve(config, 'b').user).toBe('from-b');
    expect(resolve(config, 'c').user).toBe('last');
  });

  it('applies an Include inside a Host block only to that host; the block goes on after it', () => {
    const { config, home: h } = home(
      `Host jumpy
  Include ~/.ssh/inner
  Port 2200
Host *
  Port 22
`,
      { inner: 'User inner-user\n' },
    );
    expect(resolve(config, 'jumpy').user).toBe('inner-user');
    expect(resolve(config, 'jumpy').port).toBe(2200);
    expect(resolve(config, 'other').user).toBeUndefined();
    expect(resolve(config, 'other').port).toBe(22);
    expect(h).toContain('fp-sshcfg-');
  });

  it('ignores an Include that matches nothing, and refuses an include loop', () => {
    const { config } = home('Include nothing-here*\nUser u\n');
    expect(resolve(config, 'x').user).toBe('u');
    expect(() => home('Include config\n')).toThrow(/Include nested more than 16 deep/);
  });
});

describe('values and errors', () => {
  it('reads several UserKnownHostsFile files, StrictHostKeyChecking, keepalives, ProxyJump none', () => {
    const { config } = home(`Host a
  UserKnownHostsFile ~/.ssh/kh1 /etc/kh_%h
  StrictHostKeyChecking accept-new
  ServerAliveInterval 5
  ServerAliveCountMax 2
  IdentitiesOnly yes
  ProxyJump none
Host *
  ProxyJump bastion
  UserKnownHostsFile /other
`);
    const r = resolve(config, 'a');
    expect(r.userKnownHostsFiles).toEqual(['~/.ssh/kh1', '/etc/kh_%h']);
    expect(r.strictHostKeyChecking).toBe('accept-new');
    expect([r.serverAliveIntervalS, r.serverAliveCountMax, r.identitiesOnly]).toEqual([5, 2, true]);
    expect(r.proxyJump).toBe('none');
    expect(resolve(config, 'b').proxyJump).toBe('bastion');
  });

  it('lets the first of ProxyJump and ProxyCommand win', () => {
    const { config } = home('Host a\n  ProxyCommand nc %h %p\nHost *\n  ProxyJump j\n');
    expect(resolve(config, 'a').proxyCommand).toBe('nc %h %p');
    expect(resolve(config, 'a').proxyJump).toBeUndefined();
    expect(resolve(config, 'b').proxyJump).toBe('j');
  });

  it('expands %d %u %h %r %p %n and ~ in paths', () => {
    const t = { original: 'web', host: '10.0.0.1', port: 2222, user: 'root', home: '/home/me', localUser: 'me' };
    expect(expandPath('~/.ssh/%n_%r@%h:%p', t)).toBe('/home/me/.ssh/web_root@10.0.0.1:2222');
    expect(expandPath('%d/keys/%u', t)).toBe('/home/me/keys/me');
  });

  it('refuses a malformed value with file:line, and a config others can write', () => {
    const bad = (text: string): FleetError => {
      try {
        home(text);
      } catch (err) {
        return err as FleetError;
      }
      throw new Error('no error');
    };
    const e = bad('Host a\n  Port 70000\n');
    expect(e.message).toMatch(/Port 70000 is not a port number/);
    expect(e.location).toMatchObject({ line: 2 });
    expect(e.location?.file).toMatch(/\.ssh\/config$/);
    expect(bad('IdentityFile ~/.ssh/%C\n').message).toMatch(/token %C is not supported/);
    expect(bad('HostName %d.x\n').message).toMatch(/token %d is not supported/);
    expect(bad('ProxyJump a:99999\n').message).toMatch(/bad port/);
    expect(bad('StrictHostKeyChecking maybe\n').message).toMatch(/expected yes, no/);
    const { file } = home('User x\n');
    chmodSync(file, 0o666);
    expect(() => parseSshConfig(file)).toThrow(/bad owner or permissions/);
  });
});

describe('ProxyJump values', () => {
  it('parses hops with users, ports, ssh:// and IPv6', () => {
    expect(parseJumpSpec('a,u@b:2222,ssh://v@c,[::1]:23').hops).toEqual([
      { host: 'a' },
      { host: 'b', user: 'u', port: 2222 },
      { host: 'c', user: 'v' },
      { host: '::1', port: 23 },
    ]);
    expect(parseJumpSpec('a,,b').problem).toMatch(/empty jump host/);
  });

  it('finds -o ProxyJump and -J in ssh arguments (first wins) and notes ProxyCommand', () => {
    expect(jumpFromSshArgs('-o StrictHostKeyChecking=no -o ProxyJump=u@j:2 -J other')).toEqual({ proxyJump: 'u@j:2' });
    expect(jumpFromSshArgs("-J 'a,b'")).toEqual({ proxyJump: 'a,b' });
    expect(jumpFromSshArgs('-oProxyJump=x')).toEqual({ proxyJump: 'x' });
    expect(jumpFromSshArgs('-o "ProxyJump y"')).toEqual({ proxyJump: 'y' });
    expect(jumpFromSshArgs('-o ProxyCommand="nc %h %p"')).toEqual({ proxyCommand: 'nc %h %p' });
    expect(jumpFromSshArgs('-C -o ServerAliveInterval=3')).toEqual({});
  });
});

describe('inventory variables over the config over defaults', () => {
  const run = (config: SshConfig, check: SshRunSettings['hostKeyCheck'] = 'strict'): SshRunSettings => ({
    sshConfig: config,
    connectTimeoutMs: 10_000,
    hostKeyCheck: check,
    jumpHostKeyCheck: 'strict',
  });

  it('uses the config where the inventory says nothing, and matches Host against ansible_host', () => {
    const { config } = home(`Host web1
  HostName 10.1.1.1
  User alice
  Port 2201
  ConnectTimeout 4
  ServerAliveInterval 6
  UserKnownHostsFile /tmp/kh_%h
Host 10.9.9.9
  User by-address
`);
    const p = sshParamsFor('web1', {}, run(config));
    expect([p.address, p.user, p.port, p.connectTimeoutMs, p.keepaliveMs]).toEqual(['10.1.1.1', 'alice', 2201, 4000, 6000]);
    expect(p.knownHostsFiles).toEqual(['/tmp/kh_10.1.1.1', '/etc/ssh/ssh_known_hosts']);
    const inv = sshParamsFor('web1', { ansible_user: 'root', ansible_port: 22, ansible_ssh_known_hosts_file: '/kh' }, run(config));
    expect([inv.address, inv.user, inv.port, inv.knownHostsFiles]).toEqual(['10.1.1.1', 'root', 22, ['/kh']]);
    const byHost = sshParamsFor('web1', { ansible_host: '10.9.9.9' }, run(config));
    expect([byHost.address, byHost.user]).toEqual(['10.9.9.9', 'by-address']);
    expect(sshParamsFor('web1', {}, { ...run(config), connectTimeoutFromCli: true }).connectTimeoutMs).toBe(10_000);
  });

  it('lets StrictHostKeyChecking no lower a strict host to accept-new only, never to off', () => {
    const { config } = home('Host lax\n  StrictHostKeyChecking no\nHost strict\n  StrictHostKeyChecking yes\n');
    expect(sshParamsFor('lax', {}, run(config)).hostKeyPolicy).toBe('accept-new');
    expect(sshParamsFor('strict', {}, run(config)).hostKeyPolicy).toBe('strict');
    expect(sshParamsFor('strict', {}, run(config, 'off')).hostKeyPolicy).toBe('off');
    expect(sshParamsFor('other', {}, run(config)).hostKeyPolicy).toBe('strict');
  });

  it('reads keys from IdentityFile after the inventory key, and refuses ProxyCommand', () => {
    const { config, home: h } = home('Host *\n  IdentityFile ~/.ssh/missing\n  IdentityFile %d/.ssh/k_%h\n  IdentitiesOnly yes\n', {
      k_web: 'KEY-WEB',
      inv: 'KEY-INV',
    });
    const env = process.env.HOME;
    process.env.HOME = h;
    try {
      const p = sshParamsFor('web', { ansible_ssh_private_key_file: path.join(h, '.ssh/inv') }, run(config));
      expect(p.privateKeys.map(String)).toEqual(['KEY-INV', 'KEY-WEB']);
      expect(p.agent).toBeUndefined();
    } finally {
      process.env.HOME = env;
    }
    const { config: pc } = home('Host *\n  ProxyCommand nc %h %p\n');
    expect(sshParamsFor('x', {}, run(pc)).refused).toMatch(/ProxyCommand \(.*config:2\) is not supported/);
  });

  it('applies every option of ansible_ssh_common_args/extra_args before the config, as ssh applies -o', () => {
    const { config } = home('Host web1\n  UserKnownHostsFile /cfg/kh\n  ServerAliveInterval 9\n  Port 2201\n');
    const p = sshParamsFor(
      'web1',
      {
        ansible_ssh_common_args: `-o UserKnownHostsFile=/inv/kh_%h -o 'ServerAliveInterval 7' -oServerAliveCountMax=5 -o StrictHostKeyChecking=no`,
        ansible_ssh_extra_args: '-p 2222 -o Port=2300',
      },
      run(config),
    );
    expect(p.knownHostsFiles).toEqual(['/inv/kh_web1', '/etc/ssh/ssh_known_hosts']);
    expect([p.keepaliveMs, p.keepaliveCountMax, p.port]).toEqual([7000, 5, 2222]);
    // Playbook vars may set these variables: StrictHostKeyChecking=no there lowers nothing.
    expect(p.hostKeyPolicy).toBe('strict');
    // Without args, the config alone.
    const q = sshParamsFor('web1', {}, run(config));
    expect([q.knownHostsFiles[0], q.keepaliveMs, q.port, q.hostKeyPolicy]).toEqual(['/cfg/kh', 9000, 2201, 'strict']);
    // No config at all: the args are the config.
    const r = sshParamsFor('web1', { ansible_ssh_common_args: '-o UserKnownHostsFile=/only/kh' }, { ...run(config), sshConfig: undefined });
    expect(r.knownHostsFiles[0]).toBe('/only/kh');
  });

  it('drops the known_hosts options from ssh args a playbook (not the operator) set', () => {
    expect(
      withoutSshOptions(`-o UserKnownHostsFile=/dev/null -oGlobalKnownHostsFile=/x -o 'ProxyJump j' -J k`, [
        'userknownhostsfile',
        'globalknownhostsfile',
      ]),
    ).toEqual(['-o', 'ProxyJump j', '-J', 'k']);
  });

  it('takes ProxyJump from ansible_ssh_common_args over the config, and shares one jump connection', () => {
    const { config } = home('Host cfgjump\n  ProxyJump none\nHost j2\n  HostName 10.0.0.2\n  User ju\nHost *\n  ProxyJump cfgjump\n');
    const a = sshParamsFor('a', { ansible_ssh_common_args: '-o ProxyJump=j1,j2:2200' }, run(config));
    const b = sshParamsFor('b', { ansible_ssh_common_args: '-J j1,j2:2200' }, run(config));
    const c = sshParamsFor('c', {}, run(config));
    const d = sshParamsFor('d', { ansible_ssh_common_args: '-J none' }, run(config));
    expect(a.jump?.name).toBe('j2');
    expect(a.jump?.key).toBe(b.jump?.key);
    expect(JSON.parse(a.jump!.key)).toEqual(['ju', '10.0.0.2', 2200, 'strict', expect.any(Array), expect.any(String)]);
    expect(c.jump?.name).toBe('cfgjump');
    expect(d.jump).toBeUndefined();
    // j1 (behind j2, so a and b share it), j1's own jump (cfgjump via Host *), j2, and cfgjump for c: 3 shared.
    expect(sharedJumpCount()).toBe(3);
    for (const p of [a, b, c]) p.jump!.release();
    expect(sharedJumpCount()).toBe(0);
  });

  it('refuses a jump loop as OpenSSH does', () => {
    const { config } = home('Host *\n  ProxyJump loop\n');
    expect(sshParamsFor('x', {}, run(config)).refused).toMatch(/jumphost loop via loop \(x -> loop -> loop\)/);
    const { config: two } = home('Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n');
    expect(sshParamsFor('x', { ansible_ssh_common_args: '-J a' }, run(two)).refused).toMatch(/jumphost loop via a \(x -> a -> b -> a\)/);
    expect(sharedJumpCount()).toBe(0);
  });
});

describe('host key checking of jump hosts', () => {
  const policy = (flags: { acceptNewHostKeys: boolean; noHostKeyChecking: boolean }) =>
    hostKeyPolicy({
      inventory: { hostVars: () => ({ host_key_checking: false }) } as unknown as Inventory,
      hosts: ['a'],
      flags,
      ignoredLayers: () => [],
      inventoryLayers: () => [{ where: 'inventory.ini', vars: { host_key_checking: false } }],
    });

  it('follows the command line only: the inventory turning it off for a host leaves its jump hosts strict', () => {
    const none = policy({ acceptNewHostKeys: false, noHostKeyChecking: false });
    expect([none.byHost.get('a'), none.jumpHosts]).toEqual(['off', 'strict']);
    expect(policy({ acceptNewHostKeys: true, noHostKeyChecking: false }).jumpHosts).toBe('accept-new');
    expect(policy({ acceptNewHostKeys: false, noHostKeyChecking: true }).jumpHosts).toBe('off');
  });
});

describe('--ssh-config', () => {
  it('reads ~/.ssh/config only if it exists, a named file always, and none never; prints notes and warnings', () => {
    const { home: h, file } = home('Match localnetwork 10.0.0.0/8\n  User x\nHost lax\n  StrictHostKeyChecking accept-new\n');
    const empty = mkdtempSync(path.join(os.tmpdir(), 'fp-sshcfg-home-'));
    const env = process.env.HOME;
    const printed: string[] = [];
    try {
      process.env.HOME = empty;
      expect(sshConfigForRun(undefined, false, (l) => printed.push(l))).toEqual({});
      expect(() => sshConfigForRun(path.join(empty, 'nope'), false, () => undefined)).toThrow(/does not exist/);
      process.env.HOME = h;
      expect(sshConfigForRun('none', true, () => undefined)).toEqual({ connectTimeoutFromCli: true });
      const found = sshConfigForRun(undefined, false, (l) => printed.push(l));
      expect(found.sshConfig?.file).toBe(file);
    } finally {
      process.env.HOME = env;
    }
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^note: ssh config .*config:1: Match localnetwork 10\.0\.0\.0\/8 is not supported/);
    expect(printed[1]).toMatch(/^warning: ssh config .*config:4: StrictHostKeyChecking accept-new: .*a changed key is still refused/);
  });
});
