// Connect failures are retried with backoff (0.5 s, 1 s, ...) before a host is declared unreachable;
// the count comes from connectRetries. Against a real refusing port on this machine.
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SshConnection, type SshParams } from '../../engine/connection/ssh.ts';
import { UnreachableError } from '../../engine/errors.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function params(port: number, connectRetries: number): SshParams {
  return {
    host: 'h1',
    address: '127.0.0.1',
    port,
    user: 'root',
    privateKeys: [],
    knownHostsFiles: [],
    hostKeyPolicy: 'strict',
    connectTimeoutMs: 2000,
    connectRetries,
    keepaliveMs: 1000,
  };
}

describe('connect retries', () => {
  it('retries a refused connection with backoff, then reports the host unreachable with the attempt count', async () => {
    const port = await closedPort();
    const started = Date.now();
    const err = await new SshConnection(params(port, 2)).exec('true').catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/ECONNREFUSED.*\(after 3 attempts\)/);
    // Waits of 0.5 s and 1 s between the three attempts.
    expect(took).toBeGreaterThanOrEqual(1400);
  });

  it('with no retries, fails after one attempt', async () => {
    const port = await closedPort();
    const started = Date.now();
    const err = await new SshConnection(params(port, 0)).exec('true').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect((err as Error).message).not.toMatch(/attempts/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
