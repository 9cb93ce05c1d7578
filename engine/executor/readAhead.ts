// Read-ahead: when a task's first read-only command goes to a host, the reads the next tasks will
// start with go in the same exec (connection/batch.ts), and their results wait here. A result is
// served only to the identical command (same text, stdin and become) and only while nothing has been
// changed on the host since it was read: any command not marked read-only empties the store first.
// Each exec costs the host about 4-5 ms of CPU on top of the command's own work; on a converged fleet
// nearly every task is one read, so this is most of what is left to save.
import { batchable, batchScript, batchToken, parseBatch, type BatchCommand } from '../connection/batch.ts';
import type { Connection, ExecOptions, ExecResult } from '../types.ts';

/** A read an upcoming task will make, with its final exec options. */
export interface UpcomingRead {
  command: string;
  options: ExecOptions;
}

/** Lists the reads upcoming tasks start with, at most `limit`. */
export type UpcomingReads = (limit: number) => Promise<UpcomingRead[]>;

/** What one command cost: whether it took a round trip of its own. */
export interface ReadOutcome {
  result: ExecResult;
  roundTrip: boolean;
}

/** Most reads in one batch, and most script text (a single argv string is capped at 128 KiB). */
const MAX_READS = 32;
const MAX_SCRIPT = 96 * 1024;
/** A read older than this is not served, even if nothing changed since (it could be stale). */
const MAX_AGE_MS = 30_000;

/** Per-host store of read-ahead results. */
export class ReadAhead {
  private readonly stash = new Map<string, { result: ExecResult; at: number }>();
  /** Tasks in a row that changed nothing here; the window of reads to batch grows with it. */
  private quiet = 1;
  private changed = false;
  private upcoming: UpcomingReads | undefined;

  constructor(private readonly conn: Connection) {}

  /** A task starts on this host; `upcoming` (if any) lists the reads of it and the tasks after it. */
  taskStarts(upcoming: UpcomingReads | undefined): void {
    this.quiet = this.changed ? 0 : this.quiet + 1;
    this.changed = false;
    this.upcoming = upcoming;
  }

  /**
   * How many reads to batch: none right after a task that changed something (the next ones likely
   * change things too, and their reads would be wasted), then 4, 8, 16, 32 as tasks stay quiet.
   */
  window(): number {
    return this.quiet === 0 ? 0 : Math.min(MAX_READS, 2 ** (this.quiet + 1));
  }

  /** Runs `command` (options final: become and stdin applied), from the store when it can. */
  async run(command: string, options: ExecOptions): Promise<ReadOutcome> {
    if (!options.readOnly) {
      this.stash.clear();
      this.changed = true;
      return { result: await this.conn.exec(command, options), roundTrip: true };
    }
    const key = readKey(command, options);
    const kept = key === undefined ? undefined : this.stash.get(key);
    if (key !== undefined && kept) {
      this.stash.delete(key);
      if (Date.now() - kept.at <= MAX_AGE_MS) return { result: kept.result, roundTrip: false };
    }
    const extra = key === undefined ? [] : await this.batchWith(key, command, options);
    if (extra.length === 0) return { result: await this.conn.exec(command, options), roundTrip: true };
    const token = batchToken();
    const commands: BatchCommand[] = [
      { command, ...stdinOf(options) },
      ...extra.map((e) => ({ command: e.command, ...stdinOf(e.options) })),
    ];
    const r = await this.conn.exec(batchScript(commands, token), {
      ...(options.become ? { become: options.become } : {}),
      ...(options.remoteUser !== undefined ? { remoteUser: options.remoteUser } : {}),
    });
    const results = parseBatch(r.stdout, r.stderr, token, commands.length);
    // No framing at all (sudo refused, no /bin/sh): the command alone says what is wrong.
    if (results.length === 0) return { result: await this.conn.exec(command, options), roundTrip: true };
    const at = Date.now();
    for (const [j, res] of results.slice(1).entries()) this.stash.set(extra[j]!.key, { result: res, at });
    return { result: { ...results[0]!, durationMs: r.durationMs }, roundTrip: true };
  }

  /** The upcoming reads that can share this command's exec (same become and login user, not already kept). */
  private async batchWith(key: string, command: string, options: ExecOptions): Promise<Array<UpcomingRead & { key: string }>> {
    const window = this.window();
    const upcoming = this.upcoming;
    // Asked once per task: later reads of the same task come from what this batch brought.
    this.upcoming = undefined;
    if (window === 0 || !upcoming) return [];
    let reads: UpcomingRead[];
    try {
      reads = await upcoming(window + 1);
    } catch {
      return [];
    }
    const become = JSON.stringify([options.become ?? null, options.remoteUser ?? null]);
    const out: Array<UpcomingRead & { key: string }> = [];
    const seen = new Set([key]);
    const sizeOf = (r: UpcomingRead) => r.command.length + (typeof r.options.stdin === 'string' ? r.options.stdin.length : 0) + 200;
    let size = sizeOf({ command, options });
    for (const r of reads) {
      const k = readKey(r.command, r.options);
      if (
        k === undefined ||
        seen.has(k) ||
        this.stash.has(k) ||
        JSON.stringify([r.options.become ?? null, r.options.remoteUser ?? null]) !== become
      )
        continue;
      size += sizeOf(r);
      if (out.length >= window || size > MAX_SCRIPT) break;
      seen.add(k);
      out.push({ ...r, key: k });
    }
    return out;
  }
}

/** The store's key of a read, or undefined for one that cannot be batched (a timeout, binary stdin). */
function readKey(command: string, options: ExecOptions): string | undefined {
  if (!options.readOnly || options.timeoutMs !== undefined) return undefined;
  if (options.stdin !== undefined && typeof options.stdin !== 'string') return undefined;
  if (!batchable({ command, ...stdinOf(options) })) return undefined;
  return JSON.stringify([options.become ?? null, options.remoteUser ?? null, options.stdin ?? '', command]);
}

function stdinOf(options: ExecOptions): { stdin?: string } {
  return typeof options.stdin === 'string' ? { stdin: options.stdin } : {};
}
