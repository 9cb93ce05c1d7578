// wait_for_connection: retries the trivial command every `sleep` seconds after `delay` until it answers,
// fails after `timeout` with the last error, skips in check mode; a clock stands in for real time.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { UnreachableError } from '../../../../engine/errors.ts';
import { HostKeyError } from '../../../../engine/connection/ssh.ts';
import { findModule } from '../../../../modules/index.ts';
import { PING, waitForConnection, waitForConnectionModule } from '../../../../modules/wait_for_connection/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

/** A clock that moves only when the module waits, and a host whose first `failures` attempts fail. */
function setup(failures: number, how: 'unreachable' | 'exit' = 'unreachable') {
  let t = 0;
  const waits: number[] = [];
  const h = fakeHost({
    reply: (_cmd, { index }) => {
      t += 200; // each attempt takes 0.2 s
      if (index >= failures) return 'pong\n';
      if (how === 'exit') return { exitCode: 255, stderr: 'shell gone' };
      throw new UnreachableError('h', 'cannot connect to 10.0.0.9:22: connect ECONNREFUSED');
    },
  });
  const host = { name: 'h', run: h.run };
  const clock = {
    now: () => t,
    wait: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
  return { h, host, clock, waits };
}

describe('wait_for_connection', () => {
  it("takes Ansible's arguments; plans a wait in a real run and is skipped in check mode", async () => {
    const issues = (args: Record<string, unknown>) => checkSchema(waitForConnectionModule.schema, args, "module 'wait_for_connection'");
    expect(issues({ timeout: 300, delay: 5, sleep: 2, connect_timeout: 10 })).toEqual([]);
    expect(issues({ timeout: -1 })).not.toEqual([]);
    expect(issues({ port: 22 })).not.toEqual([]);
    expect(findModule('ansible.builtin.wait_for_connection')).toBe(waitForConnectionModule);
    const check = fakeHost({ check: true });
    expect(await planModule(waitForConnectionModule, {}, check)).toEqual({ kind: 'ok', msg: 'skipped in check mode, as Ansible does' });
    expect(check.commands).toEqual([]);
  });

  it('retries after delay, every sleep seconds, until the host answers; the result is ok, not changed', async () => {
    const { h, host, clock, waits } = setup(3);
    const out = await waitForConnection({ timeout: 60, delay: 5, sleep: 2, connectTimeout: 5 }, host, clock.now, clock.wait);
    expect(out).toEqual({ kind: 'ok', msg: 'the connection answered after 11s', data: { elapsed: 11 } });
    expect(waits).toEqual([5000, 2000, 2000, 2000]);
    expect(h.commands).toEqual([PING, PING, PING, PING]);
  });

  it('fails after the timeout with the last error', async () => {
    const { host, clock, h } = setup(1000);
    expect(await waitForConnection({ timeout: 10, delay: 0, sleep: 1, connectTimeout: 5 }, host, clock.now, clock.wait)).toEqual({
      kind: 'failed',
      msg: 'timed out waiting for the connection after 10s: cannot connect to 10.0.0.9:22: connect ECONNREFUSED',
      data: { elapsed: 9 },
    });
    expect(h.commands.length).toBe(9);
    const bad = setup(1000, 'exit');
    expect(
      (await waitForConnection({ timeout: 0, delay: 0, sleep: 1, connectTimeout: 5 }, bad.host, bad.clock.now, bad.clock.wait)).msg,
    ).toBe('timed out waiting for the connection after 0s: shell gone');
    expect(bad.h.commands).toHaveLength(1);
  });

  it('logs in again before every attempt until the deadline, as Ansible resets the connection', async () => {
    const { h, clock, waits } = setup(0);
    const logins: Array<{ deadline: number; attemptTimeoutMs?: number }> = [];
    const host = {
      name: 'h',
      run: h.run,
      reconnect: async (o: { deadline: number; attemptTimeoutMs?: number }) => {
        logins.push(o);
        clock.wait(3000); // each failed login takes 3 s
        if (logins.length < 3) throw new UnreachableError('h', 'cannot connect to 10.0.0.9:22: connect ECONNREFUSED');
      },
    };
    const out = await waitForConnection({ timeout: 60, delay: 0, sleep: 1, connectTimeout: 4 }, host, clock.now, clock.wait);
    expect(out).toMatchObject({ kind: 'ok', data: { elapsed: 11 } });
    expect(logins).toEqual([
      { deadline: 60_000, attemptTimeoutMs: 4000 },
      { deadline: 60_000, attemptTimeoutMs: 4000 },
      { deadline: 60_000, attemptTimeoutMs: 4000 },
    ]);
    expect(waits).toEqual([3000, 1000, 3000, 1000, 3000]);
    expect(h.commands).toEqual([PING]);
  });

  it('fails at once on a changed host key: more attempts cannot cure it', async () => {
    const { h, clock } = setup(0);
    let logins = 0;
    const host = {
      name: 'h',
      run: h.run,
      reconnect: async () => {
        logins++;
        throw new HostKeyError('h', 'HOST KEY MISMATCH for h');
      },
    };
    const out = await waitForConnection({ timeout: 60, delay: 0, sleep: 1, connectTimeout: 4 }, host, clock.now, clock.wait);
    expect(out).toMatchObject({ kind: 'failed', msg: 'cannot connect: HOST KEY MISMATCH for h' });
    expect(logins).toBe(1);
    expect(h.commands).toEqual([]);
  });

  it('a real run answers at once over a local connection', async () => {
    const h = fakeHost({ reply: runLocally });
    const plan = await planModule(waitForConnectionModule, { timeout: 5 }, h);
    if (plan.kind !== 'change') throw new Error('expected the wait to be planned');
    expect(await plan.apply()).toMatchObject({ kind: 'ok', data: { elapsed: 0 } });
  });
});
