// One login per (host, user): a task whose remote_user (or ansible_user variable) names another user
// than the connection's own runs its commands over a second ssh session opened as that user, with the
// same address, keys and host key checks. Sessions are opened on first use and kept for the run.
import type { Connection, ExecOptions, ExecResult, ReconnectOptions, StreamChannel } from '../types.ts';

/** A host's connection that routes each command to the session of its `remoteUser` (the main one by default). */
export class UserPool implements Connection {
  private readonly others = new Map<string, Connection>();

  constructor(
    private readonly main: Connection,
    /** The user the main session logs in as. */
    readonly user: string,
    private readonly openAs: (user: string) => Connection,
  ) {}

  get host(): string {
    return this.main.host;
  }

  /** The session for `options.remoteUser`, made on first use. */
  private pick(options: ExecOptions | undefined): Connection {
    const user = options?.remoteUser;
    if (user === undefined || user === this.user) return this.main;
    let conn = this.others.get(user);
    if (!conn) this.others.set(user, (conn = this.openAs(user)));
    return conn;
  }

  /** Runs `command` over the session of the options' user. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    return this.pick(options).exec(command, options);
  }

  /** Closes every session. */
  async close(): Promise<void> {
    await Promise.all([this.main.close(), ...[...this.others.values()].map((c) => c.close())]);
  }

  /** meta: reset_connection: the main session logs in afresh, the other users' are dropped (reopened on use). */
  async reset(): Promise<void> {
    await this.dropOthers();
    await this.main.reset?.();
  }

  /** The connection's reconnect (after a reboot) for the main session; the other users' are dropped. */
  get reconnect(): ((options: ReconnectOptions) => Promise<void>) | undefined {
    const main = this.main;
    if (!main.reconnect) return undefined;
    return async (options) => {
      await this.dropOthers();
      await main.reconnect!(options);
    };
  }

  /** A streamed command over the session of the options' user. */
  get stream(): ((command: string, options?: ExecOptions) => Promise<StreamChannel>) | undefined {
    if (!this.main.stream) return undefined;
    return (command, options) => {
      const conn = this.pick(options);
      if (!conn.stream) throw new Error(`the connection to ${this.host} as ${options?.remoteUser ?? this.user} cannot stream`);
      return conn.stream(command, options);
    };
  }

  private async dropOthers(): Promise<void> {
    const others = [...this.others.values()];
    this.others.clear();
    await Promise.all(others.map((c) => c.close()));
  }
}
