// What a host behind a jump host holds (a lease on the shared jump connection), and the error for a
// jump host that cannot be reached. Kept apart from jump.ts, which builds on SshConnection.
import type { Duplex } from 'node:stream';

/** A lease on a shared jump connection (jump.ts): a channel to host:port through it, released on close. */
export interface JumpVia {
  /** The jump host as named (ProxyJump), for messages. */
  name: string;
  /** Identifies the jump chain (hosts, users, ports, host-key settings). */
  key: string;
  forward(host: string, port: number, timeoutMs: number): Promise<Duplex>;
  release(): void;
}

/** The jump host itself could not be reached or logged into (after its own retries). */
export class JumpHostError extends Error {
  constructor(
    readonly jumpHost: string,
    message: string,
  ) {
    super(message);
    this.name = 'JumpHostError';
  }
}
