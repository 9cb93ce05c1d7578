// ProxyJump against in-process ssh2 servers: targets reached through one shared jump connection, a chain
// of two jump hosts, a wrong jump host key refused, and a jump host that is down.
import { ed25519Pair } from './support/sshKeys.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnection } from '../../engine/connection/index.ts';
import { sharedJumpCount } from '../../engine/connection/jump.ts';
import { HostKeyError } from '../../engine/connection/ssh.ts';
import { parseSshConfig } from '../../engine/connection/sshConfigParse.ts';
import { UnreachableError } from '../../engine/errors.ts';
import type { Connection } from '../../engine/types.ts';

const userKey = ed25519Pair();

/** A tiny sshd: exec prints its name; direct-tcpip channels are forwarded to the asked address. */
class Sshd {
  readonly key = ed25519Pair();
  logins = 0;
  forwards: string[] = [];
  open = 0;
  port = 0;
  private server?: Server;

  constructor(readonly name: string) {}

  async start(): Promise<this> {
    const server = new Server({ hostKeys: [this.key.private] }, (client) => {
      this.open++;
      client.on('close', () => this.open--);
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => (ctx.method === 'publickey' ? ctx.accept() : ctx.reject(['publickey'])));
      client.on('ready', () => {
        this.logins++;
        client.on('session', (accept) =>
          accept().on('exec', (acceptExec) => {
            const ch = acceptExec();
            ch.write(this.name);
            ch.exit(0);
            ch.end();
          }),
        );
        client.on('tcpip', (accept, reject, info) => {
          this.forwards.push(`${info.destIP}:${info.destPort}`);
          const socket = connect(info.destPort, info.destIP);
          socket.on('error', () => reject?.());
          socket.on('connect', () => {
            const ch = accept();
            ch.pipe(socket).pipe(ch);
          });
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  knownHostsLine(key = this.key.public): string {
    return `[127.0.0.1]:${this.port} ${key}\n`;
  }
}

let sshds: Sshd[] = [];
let conns: Connection[] = [];
afterEach(async () => {
  for (const c of conns) await c.close();
  for (const s of sshds) await s.stop();
  sshds = [];
  conns = [];
});

async function sshd(name: string): Promise<Sshd> {
  const s = await new Sshd(name).start();
  sshds.push(s);
  return s;
}

/** A config naming each server by its name, and a known_hosts file with `lines`. */
function setup(servers: Sshd[], extra: string, knownHosts: string): { dir: string; configFile: string; known: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-jump-'));
  const keyFile = path.join(dir, 'id');
  writeFileSync(keyFile, userKey.private, { mode: 0o600 });
  const known = path.join(dir, 'known_hosts');
  writeFileSync(known, knownHosts);
  const hosts = servers.map((s) => `Host ${s.name}\n  HostName 127.0.0.1\n  Port ${s.port}\n  User u\n  IdentityFile ${keyFile}\n`);
  const configFile = path.join(dir, 'config');
  writeFileSync(configFile, `${hosts.join('')}${extra}`, { mode: 0o600 });
  return { dir, configFile, known };
}

function conn(host: string, configFile: string, known: string, vars: Record<string, string> = {}): Connection {
  const c = createConnection(
    host,
    { ansible_ssh_known_hosts_file: known, ...vars },
    { sshConfig: parseSshConfig(configFile), connectTimeoutMs: 3000, connectRetries: 0 },
  );
  conns.push(c);
  return c;
}

const waitFor = async (test: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !test(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('ProxyJump', () => {
  it('reaches two hosts through one shared jump login, closed when the last host closes', async () => {
    const jump = await sshd('jump');
    const t1 = await sshd('t1');
    const t2 = await sshd('t2');
    const { configFile, known } = setup(
      [jump, t1, t2],
      'Host t*\n  ProxyJump jump\n',
      jump.knownHostsLine() + t1.knownHostsLine() + t2.knownHostsLine(),
    );
    const [c1, c2] = [conn('t1', configFile, known), conn('t2', configFile, known)];
    const [r1, r2] = await Promise.all([c1.exec('x'), c2.exec('x')]);
    expect([r1.stdout, r2.stdout]).toEqual(['t1', 't2']);
    expect(jump.logins).toBe(1);
    expect(jump.forwards.sort()).toEqual([`127.0.0.1:${t1.port}`, `127.0.0.1:${t2.port}`].sort());
    expect(sharedJumpCount()).toBe(1);
    await c1.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(jump.open).toBe(1);
    await c2.close();
    await waitFor(() => jump.open === 0);
    expect(jump.open).toBe(0);
    expect(sharedJumpCount()).toBe(0);
  });

  it('chains several hops (ansible_ssh_common_args -J a,b wins over the config)', async () => {
    const a = await sshd('a');
    const b = await sshd('b');
    const t = await sshd('t');
    const { configFile, known } = setup([a, b, t], 'Host t\n  ProxyJump a\n', a.knownHostsLine() + b.knownHostsLine() + t.knownHostsLine());
    const c = conn('t', configFile, known, { ansible_ssh_common_args: '-J a,b' });
    expect((await c.exec('x')).stdout).toBe('t');
    expect(a.forwards).toEqual([`127.0.0.1:${b.port}`]);
    expect(b.forwards).toEqual([`127.0.0.1:${t.port}`]);
    expect([a.logins, b.logins, t.logins]).toEqual([1, 1, 1]);
  });

  it('checks the jump host key against known_hosts: a wrong key fails the host, naming the jump host', async () => {
    const jump = await sshd('jump');
    const t = await sshd('t');
    const wrong = ed25519Pair().public;
    const { configFile, known } = setup([jump, t], 'Host t\n  ProxyJump jump\n', jump.knownHostsLine(wrong) + t.knownHostsLine());
    const err = await conn('t', configFile, known)
      .exec('x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as Error).message).toMatch(/^jump host jump: HOST KEY MISMATCH for jump \(127\.0\.0\.1:\d+\)/);
    expect(jump.logins).toBe(0);
    expect(t.logins).toBe(0);
    // An unknown jump host is refused as well (strict by default).
    const { configFile: c2, known: k2 } = setup([jump, t], 'Host t\n  ProxyJump jump\n', t.knownHostsLine());
    const unknown = await conn('t', c2, k2)
      .exec('x')
      .catch((e: unknown) => e);
    expect((unknown as Error).message).toMatch(/^jump host jump: host jump \(127\.0\.0\.1:\d+\) is not in known_hosts/);
  });

  it('makes every host behind a jump host that is down unreachable, naming the jump host', async () => {
    const jump = await sshd('jump');
    const t = await sshd('t');
    const { configFile, known } = setup(
      [jump, t],
      'Host t*\n  HostName 127.0.0.1\n  ProxyJump jump\n',
      jump.knownHostsLine() + t.knownHostsLine(),
    );
    await jump.stop();
    const errors = await Promise.all(
      ['t', 't9'].map((h) =>
        conn(h, configFile, known)
          .exec('x')
          .catch((e: unknown) => e),
      ),
    );
    for (const [i, e] of errors.entries()) {
      expect(e).toBeInstanceOf(UnreachableError);
      expect((e as Error).message).toMatch(new RegExp(`^cannot reach ${['t', 't9'][i]} through jump host jump: .*ECONNREFUSED`));
    }
  });
});

describe('UserKnownHostsFile /dev/null', () => {
  it('reads as empty: the jump host is unknown (refused), unless StrictHostKeyChecking no makes it accept-new', async () => {
    const jump = await sshd('jump');
    const t = await sshd('t');
    const extra = (strict: string) => `Host jump\n  UserKnownHostsFile /dev/null\n${strict}Host t\n  ProxyJump jump\n`;
    const strict = setup([jump, t], extra(''), t.knownHostsLine());
    const err = await conn('t', strict.configFile, strict.known)
      .exec('x')
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^jump host jump: host jump .* is not in known_hosts \(\/dev\/null, \/etc\/ssh\/ssh_known_hosts\)/,
    );
    const lax = setup([jump, t], extra('  StrictHostKeyChecking no\n'), t.knownHostsLine());
    expect((await conn('t', lax.configFile, lax.known).exec('x')).stdout).toBe('t');
    expect(readFileSync(lax.known, 'utf8')).toBe(t.knownHostsLine());
  });
});
