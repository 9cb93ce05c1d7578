// ProxyJump through ssh2: one connection per jump host (or chain of jump hosts), shared by every host
// behind it in the run and reference-counted: it opens on the first host's connect and closes when the
// last host using it closes. A target is reached by a direct-tcpip channel (forwardOut) through it.
import type { Duplex } from 'node:stream';
import { JumpHostError, type JumpVia } from './jumpVia.ts';
import { HostKeyError, SshConnection, type SshParams } from './ssh.ts';

interface Shared {
  conn: SshConnection;
  refs: number;
}

const shared = new Map<string, Shared>();

/** The identity of a jump connection: the same hops, users, ports and host-key settings share one. */
export function jumpKey(p: SshParams): string {
  return JSON.stringify([p.user, p.address, p.port, p.hostKeyPolicy, p.knownHostsFiles, p.jump ? p.jump.key : null]);
}

/**
 * A lease on the shared connection to the jump host `params` describes (which may itself go through
 * params.jump). Each target connection takes one lease and releases it when it closes.
 */
export function jumpVia(params: SshParams): JumpVia {
  const key = jumpKey(params);
  let entry = shared.get(key);
  if (!entry) {
    entry = { conn: new SshConnection(params), refs: 0 };
    shared.set(key, entry);
  } else {
    // The shared connection already holds its own lease on the hops before it.
    params.jump?.release();
  }
  entry.refs++;
  const mine = entry;
  let released = false;
  return {
    name: params.host,
    key,
    forward: (host, port, timeoutMs) => forward(mine.conn, params, host, port, timeoutMs),
    release: () => {
      if (released) return;
      released = true;
      if (--mine.refs > 0) return;
      if (shared.get(key) === mine) shared.delete(key);
      void mine.conn.close();
    },
  };
}

/** How many jump connections are held open or openable (for tests). */
export function sharedJumpCount(): number {
  return shared.size;
}

/** Opens (or reuses) the jump connection, then a channel to host:port through it. */
async function forward(conn: SshConnection, params: SshParams, host: string, port: number, timeoutMs: number): Promise<Duplex> {
  let client: Awaited<ReturnType<SshConnection['connect']>>;
  try {
    client = await conn.connect();
  } catch (err) {
    if (err instanceof HostKeyError) throw err;
    throw new JumpHostError(params.host, (err as Error).message);
  }
  return new Promise<Duplex>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`jump host ${params.host} did not open a channel to ${host}:${port} within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
      clearTimeout(timer);
      if (err) reject(new Error(`jump host ${params.host} could not connect to ${host}:${port}: ${err.message}`));
      else resolve(channel);
    });
  });
}
