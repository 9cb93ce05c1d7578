// The ssh connection: one ssh2 client per host for the whole run, host keys checked against known_hosts.
import type { Duplex } from 'node:stream';
import { Client, type AnyAuthMethod, type AuthenticationType, type NextAuthHandler } from 'ssh2';
import { UnreachableError } from '../errors.ts';
import type { Connection, ExecOptions, ExecResult, ReconnectOptions, StreamChannel } from '../types.ts';
import { wrapCommand } from './become.ts';
import { refusePasswordPrompt, sshStream } from './stream.ts';
import { BecomeError, SudoDialog } from './sudoDialog.ts';
import { JumpHostError, type JumpVia } from './jumpVia.ts';
import { appendKnownHost, fingerprint, hostKeyAlgorithmsFor, loadKnownHosts, verifyHostKey, type HostKeyVerdict } from './knownHosts.ts';

/** Everything needed to open one ssh connection. Secrets stay in memory only. */
export interface SshParams {
  host: string;
  address: string;
  port: number;
  user: string;
  privateKeys: Buffer[];
  agent?: string;
  password?: string;
  knownHostsFiles: string[];
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  connectTimeoutMs: number;
  /** Extra attempts after a failed connect (refused, timed out), 0.5 s, 1 s, 2 s … apart. */
  connectRetries: number;
  keepaliveMs: number;
  /** Missed keepalives before the host counts as gone (default 3; ssh_config ServerAliveCountMax). */
  keepaliveCountMax?: number;
  /** The (shared) jump connection this host is reached through (ProxyJump). */
  jump?: JumpVia;
  /** A setting fleetplay cannot honour (ProxyCommand): every connect fails with this message. */
  refused?: string;
  /** -vvvv: told each login attempt and the host key verification outcome (no secret is passed). */
  debug?: (text: string) => void;
}

/** A host is unreachable because its jump host is: not retried again (the jump host had its retries). */
class JumpUnreachableError extends UnreachableError {}

/** A host key problem is not a network hiccup: it fails the host instead of marking it unreachable. */
export class HostKeyError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/**
 * One ssh2 connection, reused for every command; reconnects once by itself if it drops between commands,
 * and as often as asked until a deadline through reconnect() (after a reboot).
 */
export class SshConnection implements Connection {
  private client?: Client;
  private connecting?: Promise<Client>;
  private reconnects = 0;
  private closedByUs = false;

  constructor(private readonly params: SshParams) {}

  get host(): string {
    return this.params.host;
  }

  /** Opens the connection (idempotent). Throws UnreachableError or HostKeyError. */
  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.openWithRetries().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** The open client, opening it first (once more after a drop, then the connection counts as lost). */
  private async session(): Promise<Client> {
    if (this.client) return this.client;
    // A host that stopped answering keepalives would not answer a new handshake either: logging in
    // again would only add a connect timeout (or several, with retries) before saying the same.
    if (this.silent) throw new UnreachableError(this.host, this.silent);
    if (this.reconnects > 0 || this.closedByUs) {
      throw new UnreachableError(this.host, `connection to ${this.where()} was lost`);
    }
    if (this.wasConnected) this.reconnects++;
    return this.connect();
  }

  /**
   * Drops the session and logs in again, retrying refused and timed-out attempts until the deadline. The
   * host key is verified on every attempt as on the first login; a host key or authentication failure
   * ends it at once. Afterwards the connection may again reopen once by itself.
   */
  async reconnect(options: ReconnectOptions): Promise<void> {
    if (this.closedByUs) throw new UnreachableError(this.host, `connection to ${this.where()} was closed`);
    await this.connecting?.catch(() => undefined);
    const old = this.client;
    this.client = undefined;
    old?.end();
    for (let attempt = 1; ; attempt++) {
      const left = options.deadline - Date.now();
      try {
        if (left <= 0) throw new UnreachableError(this.host, `no time left to connect to ${this.where()}`);
        await this.open(Math.min(left, options.attemptTimeoutMs ?? this.params.connectTimeoutMs));
        this.reconnects = 0;
        return;
      } catch (err) {
        if (!retryable(err) || this.closedByUs) throw err;
        if (Date.now() + (options.pauseMs ?? 1000) >= options.deadline)
          throw new UnreachableError(this.host, `${(err as Error).message} (gave up at the deadline after ${attempt} attempts)`);
      }
      await new Promise((r) => setTimeout(r, options.pauseMs ?? 1000));
    }
  }

  /** Runs a command with its stdin, stdout and stderr as streams (no become password: see stream.ts). */
  async stream(command: string, options: ExecOptions = {}): Promise<StreamChannel> {
    const wrapped = wrapCommand(command, options.become, this.params.user);
    refusePasswordPrompt(this.host, wrapped);
    const client = await this.session();
    return sshStream(
      client,
      wrapped.command,
      options,
      (message) => new UnreachableError(this.host, this.silent ?? `cannot open a session on ${this.where()}: ${message}`),
    );
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const client = await this.session();
    const wrapped = wrapCommand(command, options.become, this.params.user);
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      client.exec(wrapped.command, (err, stream) => {
        if (err) {
          reject(new UnreachableError(this.host, this.silent ?? `cannot open a session on ${this.where()}: ${err.message}`));
          return;
        }
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let exitCode: number | undefined;
        let timedOut = false;
        let settled = false;
        const dialog = new SudoDialog(wrapped, stream, options.stdin, () => {
          stream.signal('KILL');
          stream.close();
        });
        const onDrop = (): void => {
          dialog.finish();
          if (settled) return;
          settled = true;
          reject(new UnreachableError(this.host, this.silent ?? `connection to ${this.where()} dropped while running a command`));
        };
        client.once('close', onDrop);
        const timer = options.timeoutMs
          ? setTimeout(() => {
              timedOut = true;
              stream.signal('KILL');
              stream.close();
            }, options.timeoutMs)
          : undefined;
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => {
          errOut.push(d);
          dialog.stderr(d);
        });
        stream.on('exit', (code: number | null, signal?: string) => {
          exitCode = code ?? (signal ? 128 : 255);
        });
        stream.on('close', () => {
          if (timer) clearTimeout(timer);
          client.removeListener('close', onDrop);
          const becomeFailure = dialog.finish();
          if (settled) return;
          settled = true;
          if (becomeFailure && !timedOut) {
            reject(new BecomeError(this.host, becomeFailure));
            return;
          }
          resolve({
            exitCode: timedOut ? 124 : (exitCode ?? 255),
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: dialog.cleanStderr(Buffer.concat(errOut).toString('utf8')),
            durationMs: Date.now() - started,
            timedOut,
          });
        });
        dialog.start();
      });
    });
  }

  async close(): Promise<void> {
    this.closedByUs = true;
    this.client?.end();
    this.client = undefined;
    this.params.jump?.release();
  }

  /** meta: reset_connection: the next command opens a new login (new group memberships apply), not a reconnect after a drop. */
  async reset(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.wasConnected = false;
    client?.end();
  }

  private wasConnected = false;
  /** Set when the host stopped answering keepalives: the message every later command fails with. */
  private silent?: string;

  private where(): string {
    return `${this.params.address}:${this.params.port}`;
  }

  /** Network failures are retried with backoff; host key and authentication failures are not. */
  private async openWithRetries(): Promise<Client> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.open();
      } catch (err) {
        if (!retryable(err) || attempt >= this.params.connectRetries || this.closedByUs) {
          if (err instanceof UnreachableError && attempt > 0)
            throw new UnreachableError(this.host, `${err.message} (after ${attempt + 1} attempts)`);
          throw err;
        }
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  }

  private async open(timeoutMs = this.params.connectTimeoutMs): Promise<Client> {
    const p = this.params;
    if (p.refused) throw new JumpUnreachableError(p.host, p.refused);
    if (!p.jump) return this.handshake(timeoutMs);
    let sock: Duplex;
    try {
      sock = await p.jump.forward(p.address, p.port, timeoutMs);
    } catch (err) {
      // A bad host key on any hop fails the host as a bad key of its own would; a jump host that cannot
      // be reached makes every host behind it unreachable, each message naming the jump host.
      if (err instanceof HostKeyError) throw new HostKeyError(p.host, `jump host ${p.jump.name}: ${err.message}`);
      if (err instanceof JumpHostError)
        throw new JumpUnreachableError(p.host, `cannot reach ${p.host} through jump host ${err.jumpHost}: ${err.message}`);
      throw new UnreachableError(p.host, `cannot connect to ${this.where()}: ${(err as Error).message}`);
    }
    return this.handshake(timeoutMs, sock);
  }

  private handshake(timeoutMs: number, sock?: Duplex): Promise<Client> {
    const p = this.params;
    const knownHosts = loadKnownHosts(p.knownHostsFiles);
    let verdict: HostKeyVerdict | undefined;
    let presented: Buffer | undefined;
    const client = new Client();
    const algorithms = p.hostKeyPolicy === 'off' ? undefined : hostKeyAlgorithmsFor(knownHosts, p.address, p.port);
    p.debug?.(`connecting to ${p.address}:${p.port} as ${p.user} (timeout ${timeoutMs} ms)`);
    return new Promise<Client>((resolve, reject) => {
      client.on('ready', () => {
        // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to every command's
        // small request packets (measured on the lab: 48 ms per exec, 4 ms with it).
        client.setNoDelay(true);
        p.debug?.(`logged in to ${p.address}:${p.port} as ${p.user}`);
        this.client = client;
        this.wasConnected = true;
        this.silent = undefined;
        client.on('close', () => {
          if (this.client === client) this.client = undefined;
        });
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (this.client === client) {
          this.client = undefined;
          // ssh2 says 'Keepalive timeout' (level client-timeout) and then closes: name the cause.
          if (err.level === 'client-timeout') this.silent = silentHostMessage(p, this.where());
          return;
        }
        if (verdict && verdict.kind !== 'match' && !(verdict.kind === 'unknown' && p.hostKeyPolicy !== 'strict')) {
          reject(new HostKeyError(p.host, hostKeyMessage(p, verdict, presented)));
          return;
        }
        const reason = err.level === 'client-authentication' ? `authentication failed for user ${p.user}` : err.message;
        reject(new UnreachableError(p.host, `cannot connect to ${this.where()}: ${reason}`));
      });
      client.connect({
        host: p.address,
        port: p.port,
        username: p.user,
        readyTimeout: timeoutMs,
        keepaliveInterval: p.keepaliveMs,
        keepaliveCountMax: p.keepaliveCountMax ?? 3,
        ...(sock ? { sock } : {}),
        ...(algorithms ? { algorithms: { serverHostKey: algorithms as never } } : {}),
        hostVerifier: (key: Buffer): boolean => {
          presented = key;
          if (p.hostKeyPolicy === 'off') {
            p.debug?.(`host key ${fingerprint(key)} not verified (host key checking off)`);
            return true;
          }
          verdict = verifyHostKey(knownHosts, p.address, p.port, key);
          p.debug?.(`host key ${fingerprint(key)}: ${verdict.kind} in known_hosts (policy ${p.hostKeyPolicy})`);
          if (verdict.kind === 'match') return true;
          if (verdict.kind === 'unknown' && p.hostKeyPolicy === 'accept-new') {
            appendKnownHost(p.knownHostsFiles[0]!, p.address, p.port, key);
            return true;
          }
          return false;
        },
        authHandler: authSequence(p),
      });
    });
  }
}

/**
 * The message for a host that stopped answering while its connection stayed open (a frozen or overloaded
 * host, a network that drops packets): no reply to the keepalives, which ssh2 sends every interval and
 * gives up on after count + 1 intervals.
 */
export function silentHostMessage(p: Pick<SshParams, 'keepaliveMs' | 'keepaliveCountMax'>, where: string): string {
  const count = p.keepaliveCountMax ?? 3;
  const every = p.keepaliveMs / 1000;
  const total = ((count + 1) * p.keepaliveMs) / 1000;
  return `${where} stopped answering: no reply to ${count} keepalives sent every ${every.toFixed(1)} s (nothing for ${total.toFixed(1)} s) while the connection stayed open: a frozen or overloaded host, or a network that drops packets`;
}

/** Network failures (refused, timed out) are worth another attempt; host key and authentication failures are not. */
function retryable(err: unknown): boolean {
  return err instanceof UnreachableError && !(err instanceof JumpUnreachableError) && !/authentication failed/.test(err.message);
}

function authSequence(p: SshParams): (left: AuthenticationType[] | null, partial: boolean | null, next: NextAuthHandler) => void {
  const methods: AnyAuthMethod[] = [
    ...p.privateKeys.map((key): AnyAuthMethod => ({ type: 'publickey', username: p.user, key })),
    ...(p.agent ? [{ type: 'agent', username: p.user, agent: p.agent } as AnyAuthMethod] : []),
    ...(p.password !== undefined ? [{ type: 'password', username: p.user, password: p.password } as AnyAuthMethod] : []),
  ];
  let i = 0;
  return (_left, _partial, next) => {
    const m = methods[i++];
    next(m ?? (false as unknown as AnyAuthMethod));
  };
}

function hostKeyMessage(p: SshParams, verdict: HostKeyVerdict, presented: Buffer | undefined): string {
  const got = presented ? fingerprint(presented) : 'unknown key';
  switch (verdict.kind) {
    case 'mismatch':
      return (
        `HOST KEY MISMATCH for ${p.host} (${p.address}:${p.port}): it presented ${got}, but ${verdict.file}:${verdict.line} ` +
        `expects ${verdict.expected.join(' or ')}. The host may have been reinstalled, or someone is intercepting the connection.`
      );
    case 'revoked':
      return `host key of ${p.host} (${got}) is marked @revoked in ${verdict.file}:${verdict.line}`;
    case 'unknown':
      if (verdict.certAuthority) {
        const ca = verdict.certAuthority;
        return (
          `host ${p.host} (${p.address}:${p.port}) has no key of its own in known_hosts (${p.knownHostsFiles.join(', ')}); it presented ${got}. ` +
          `${ca.file}:${ca.line} is a @cert-authority line for this host, but fleetplay cannot verify CA-signed host keys ` +
          `(its SSH library does not negotiate host certificates). Add the host's own key (ssh-keyscan${p.port === 22 ? '' : ` -p ${p.port}`} ${p.address}), ` +
          `or run with --accept-new-host-keys.`
        );
      }
      return (
        `host ${p.host} (${p.address}:${p.port}) is not in known_hosts (${p.knownHostsFiles.join(', ')}); it presented ${got}. ` +
        `Add it (ssh-keyscan), or run with --accept-new-host-keys, or set host_key_checking=false in the inventory.`
      );
    case 'match':
      return 'host key matched';
  }
}
