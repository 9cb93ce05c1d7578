// SshConnection.reconnect: after the host went away (a reboot), log in again and again until a deadline,
// checking the host key every time; and SshConnection.stream. Against a real ssh2 server on this machine
// that can be stopped, restarted (on the same port) and given another host key.
import { ed25519Pair } from './support/sshKeys.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { HostKeyError, SshConnection, type SshParams } from '../../engine/connection/ssh.ts';
import { UnreachableError } from '../../engine/errors.ts';

const hostKey = ed25519Pair();
const userKey = ed25519Pair();

/** A tiny sshd: any exec prints `answer`, except `cat`, which echoes its stdin. */
class FakeSshd {
  private server?: Server;
  private readonly clients = new Set<{ end(): void }>();
  logins = 0;

  constructor(
    public answer: string,
    private key = hostKey.private,
  ) {}

  async start(port = 0, key = this.key): Promise<number> {
    this.key = key;
    const server = new Server({ hostKeys: [key] }, (client) => {
      this.clients.add(client);
      client.on('close', () => this.clients.delete(client));
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => (ctx.method === 'publickey' ? ctx.accept() : ctx.reject(['publickey'])));
      client.on('ready', () => {
        this.logins++;
        client.on('session', (accept) => {
          accept().on('exec', (acceptExec, _reject, info) => {
            const ch = acceptExec();
            if (/\bcat\b/.test(info.command)) {
              ch.on('data', (d: Buffer) => ch.write(d));
              ch.on('end', () => {
                ch.exit(3);
                ch.end();
              });
              return;
            }
            ch.write(this.answer);
            ch.exit(0);
            ch.end();
          });
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  /** Drops every session and stops listening, as a rebooting host does. */
  async stop(): Promise<void> {
    for (const c of this.clients) c.end();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let sshds: FakeSshd[] = [];
let conns: SshConnection[] = [];
afterEach(async () => {
  for (const c of conns) await c.close();
  for (const s of sshds) await s.stop();
  sshds = [];
  conns = [];
});

async function setup(): Promise<{ sshd: FakeSshd; conn: SshConnection; port: number }> {
  const sshd = new FakeSshd('boot 1');
  sshds.push(sshd);
  const port = await sshd.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-reconnect-'));
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey.public}\n`);
  const params: SshParams = {
    host: 'h1',
    address: '127.0.0.1',
    port,
    user: 'root',
    privateKeys: [Buffer.from(userKey.private)],
    knownHostsFiles: [knownHosts],
    hostKeyPolicy: 'strict',
    connectTimeoutMs: 2000,
    connectRetries: 0,
    keepaliveMs: 1000,
  };
  const conn = new SshConnection(params);
  conns.push(conn);
  return { sshd, conn, port };
}

const later = (ms: number, fn: () => Promise<unknown>) => new Promise((r) => setTimeout(r, ms)).then(fn);

describe('SshConnection.reconnect', () => {
  it('keeps trying while the host is down and logs in to it when it is back', async () => {
    const { sshd, conn, port } = await setup();
    expect((await conn.exec('x')).stdout).toBe('boot 1');
    await sshd.stop();
    sshd.answer = 'boot 2';
    const started = Date.now();
    const back = later(1200, () => sshd.start(port));
    await conn.reconnect({ deadline: Date.now() + 10_000, pauseMs: 200 });
    await back;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
    expect((await conn.exec('x')).stdout).toBe('boot 2');
    expect(sshd.logins).toBe(2);
  });

  it('gives up at the deadline, saying why', async () => {
    const { sshd, conn } = await setup();
    await conn.exec('x');
    await sshd.stop();
    const started = Date.now();
    const err = await conn.reconnect({ deadline: Date.now() + 1500, pauseMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/ECONNREFUSED.*gave up at the deadline after \d+ attempts/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('checks the host key on every login: a host back with another key fails at once', async () => {
    const { sshd, conn, port } = await setup();
    await conn.exec('x');
    await sshd.stop();
    await sshd.start(port, ed25519Pair().private);
    const started = Date.now();
    const err = await conn.reconnect({ deadline: Date.now() + 10_000, pauseMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as Error).message).toMatch(/HOST KEY MISMATCH/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sshd.logins).toBe(1);
  });

  it('after a second drop the connection is lost, and reconnect brings it back', async () => {
    const { sshd, conn, port } = await setup();
    await conn.exec('x');
    await sshd.stop();
    await sshd.start(port);
    await new Promise((r) => setTimeout(r, 100));
    expect((await conn.exec('x')).stdout).toBe('boot 1'); // the one reopening it does by itself
    await sshd.stop();
    await sshd.start(port);
    await new Promise((r) => setTimeout(r, 100));
    await expect(conn.exec('x')).rejects.toThrow(/was lost/);
    await conn.reconnect({ deadline: Date.now() + 5000 });
    expect((await conn.exec('x')).stdout).toBe('boot 1');
    expect(sshd.logins).toBe(3);
  });

  it('drops a live session too, so the next command runs on a new login', async () => {
    const { sshd, conn } = await setup();
    await conn.exec('x');
    await conn.reconnect({ deadline: Date.now() + 5000 });
    await conn.exec('x');
    expect(sshd.logins).toBe(2);
  });
});

describe('SshConnection.stream', () => {
  it('gives the command stdin and stdout as streams, and its exit code', async () => {
    const { conn } = await setup();
    const ch = await conn.stream('cat');
    const out: Buffer[] = [];
    ch.stdout.on('data', (d: Buffer) => out.push(d));
    ch.stdin.write('hello ');
    ch.stdin.end('world');
    expect(await ch.exit).toBe(3);
    expect(Buffer.concat(out).toString()).toBe('hello world');
  });

  it('refuses a become password: the streams belong to the protocol, not to a sudo prompt', async () => {
    const { conn } = await setup();
    await expect(conn.stream('cat', { become: { enabled: true, user: 'bob', password: 'pw' } })).rejects.toThrow(/NOPASSWD/);
  });
});
