// The per-host read-ahead store over a real local shell: what is batched, what is served, and how the
// window shrinks after a change and grows back.
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../engine/connection/local.ts';
import { ReadAhead, type UpcomingRead } from '../../engine/executor/readAhead.ts';
import type { Connection, ExecOptions, ExecResult } from '../../engine/types.ts';

/** A local connection that counts its execs (each one is a round trip on a real host). */
function counting(): Connection & { execs: string[] } {
  const local = new LocalConnection('localhost');
  const execs: string[] = [];
  return {
    host: 'localhost',
    execs,
    exec: (command: string, options?: ExecOptions): Promise<ExecResult> => {
      execs.push(command);
      return local.exec(command, options);
    },
    close: async () => undefined,
  };
}

const read = (command: string, stdin?: string): UpcomingRead => ({
  command,
  options: { readOnly: true, ...(stdin !== undefined ? { stdin } : {}) },
});
const reads = (n: number, from = 0) => Array.from({ length: n }, (_, i) => read(`echo r${from + i}`));

describe('ReadAhead', () => {
  it("serves the next tasks' reads from the first one's exec, identical command and stdin only", async () => {
    const conn = counting();
    const ra = new ReadAhead(conn);
    ra.taskStarts(async () => [read('echo r0'), read('echo r1'), read('cat', 'in'), read('echo r3')]);
    expect((await ra.run('echo r0', { readOnly: true })).result.stdout).toBe('r0\n');
    expect(conn.execs).toHaveLength(1);
    ra.taskStarts(undefined);
    const served = await ra.run('echo r1', { readOnly: true });
    expect(served).toMatchObject({ roundTrip: false, result: { stdout: 'r1\n', exitCode: 0 } });
    expect((await ra.run('cat', { readOnly: true, stdin: 'in' })).roundTrip).toBe(false);
    // Same command, other stdin: not the read that was made.
    const other = await ra.run('cat', { readOnly: true, stdin: 'other' });
    expect(other).toMatchObject({ roundTrip: true, result: { stdout: 'other' } });
    expect(conn.execs).toHaveLength(2);
  });

  it('a command that is not read-only empties the store, and the window closes until tasks are quiet again', async () => {
    const conn = counting();
    const ra = new ReadAhead(conn);
    ra.taskStarts(async (n) => reads(n));
    await ra.run('echo r0', { readOnly: true });
    expect(ra.window()).toBe(8);
    await ra.run('true', {});
    ra.taskStarts(async (n) => reads(n, 1));
    expect(ra.window()).toBe(0);
    expect((await ra.run('echo r1', { readOnly: true })).roundTrip).toBe(true);
    // Window 0: that read went alone; the next ones were not fetched.
    expect(conn.execs.at(-1)).toBe('echo r1');
    ra.taskStarts(async (n) => reads(n, 2));
    expect(ra.window()).toBe(4);
    await ra.run('echo r2', { readOnly: true });
    ra.taskStarts(undefined);
    expect(ra.window()).toBe(8);
    expect((await ra.run('echo r3', { readOnly: true })).roundTrip).toBe(false);
    expect((await ra.run('echo r6', { readOnly: true })).roundTrip).toBe(false);
    expect((await ra.run('echo r7', { readOnly: true })).roundTrip).toBe(true);
  });

  it('reads with a timeout or another become are not batched', async () => {
    const conn = counting();
    const ra = new ReadAhead(conn);
    const sudo = { enabled: true, user: 'nobody' };
    ra.taskStarts(async () => [
      read('echo a'),
      { command: 'echo t', options: { readOnly: true, timeoutMs: 1000 } },
      { command: 'echo b', options: { readOnly: true, become: sudo } },
    ]);
    await ra.run('echo a', { readOnly: true });
    ra.taskStarts(undefined);
    expect((await ra.run('echo t', { readOnly: true, timeoutMs: 1000 })).roundTrip).toBe(true);
    expect(conn.execs).toEqual(['echo a', 'echo t']);
  });

  it("keeps a batch's script under 96 KiB, the triggering command included", async () => {
    const conn = counting();
    const ra = new ReadAhead(conn);
    const big = (n: number) => `echo r${n} # ${'x'.repeat(40 * 1024)}`;
    ra.taskStarts(async () => [read(big(0)), read(big(1)), read(big(2))]);
    await ra.run(big(0), { readOnly: true });
    ra.taskStarts(undefined);
    expect((await ra.run(big(1), { readOnly: true })).roundTrip).toBe(false);
    expect((await ra.run(big(2), { readOnly: true })).roundTrip).toBe(true);
  });

  it('when the batch prints no framing (the shell refused it), the command runs alone', async () => {
    const local = new LocalConnection('localhost');
    let calls = 0;
    const broken: Connection = {
      host: 'x',
      exec: (command, options) =>
        ++calls === 1
          ? Promise.resolve({ exitCode: 1, stdout: '', stderr: 'sudo: a password is required\n', durationMs: 1, timedOut: false })
          : local.exec(command, options),
      close: async () => undefined,
    };
    const ra = new ReadAhead(broken);
    ra.taskStarts(async (n) => reads(n));
    expect((await ra.run('echo r0', { readOnly: true })).result.stdout).toBe('r0\n');
    expect(calls).toBe(2);
  });
});
