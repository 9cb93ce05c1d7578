// wait_for_connection (ansible.builtin.wait_for_connection): waits until the host answers a trivial
// command over its connection, trying every `sleep` seconds after `delay`, and fails after `timeout`
// with the last error. It never changes anything: its apply step reports ok (the retries need apply's
// host access, which a probe does not have).
//
// As Ansible resets the connection before each attempt, every attempt logs in again
// (Connection.reconnect, the host key checked each time), so it sees a host come back after a reboot
// started by another task. A changed host key or refused authentication fails at once: more attempts
// cannot cure them.
//
// As Ansible, it is skipped in check mode (reported ok with that message). Differs from Ansible:
// `connect_timeout` limits each login's handshake and each attempt's command.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads, type Decision, type ModuleHost } from '../../engine/module.ts';
import { UnreachableError } from '../../engine/errors.ts';
import type { ApplyOutcome } from '../../engine/types.ts';

/** wait_for_connection's arguments with Ansible's defaults (seconds). */
export const waitForConnectionSchema = {
  type: 'object',
  properties: {
    timeout: { type: 'integer', minimum: 0 },
    delay: { type: 'integer', minimum: 0 },
    sleep: { type: 'integer', minimum: 0 },
    connect_timeout: { type: 'integer', minimum: 1 },
  },
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof waitForConnectionSchema>;

/** The wait, with the defaults applied. */
interface Change {
  timeout: number;
  delay: number;
  sleep: number;
  connectTimeout: number;
}

/** The command each attempt runs; the answer it must print. */
export const PING = 'echo pong';

function decide(args: Args, _facts: null, view: { check: boolean }): Decision<Change> {
  if (view.check) return { kind: 'ok', msg: 'skipped in check mode, as Ansible does' };
  const change = {
    timeout: args.timeout ?? 600,
    delay: args.delay ?? 0,
    sleep: args.sleep ?? 1,
    connectTimeout: args.connect_timeout ?? 5,
  };
  return {
    kind: 'change',
    msg: `wait up to ${change.timeout}s for the connection`,
    summary: [{ verb: 'wait for', object: 'the connection', named: true }],
    change,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tries the command until it answers or `timeout` passes; `now` and `wait` are the clock (tests replace them). */
export async function waitForConnection(
  c: Change,
  host: ModuleHost,
  now: () => number = Date.now,
  wait: (ms: number) => Promise<unknown> = pause,
): Promise<ApplyOutcome> {
  const start = now();
  if (c.delay > 0) await wait(c.delay * 1000);
  const end = start + c.timeout * 1000;
  let last = '';
  for (;;) {
    try {
      if (host.reconnect) await host.reconnect({ deadline: end, attemptTimeoutMs: c.connectTimeout * 1000 });
      const r = await host.run(PING, { timeoutMs: c.connectTimeout * 1000 });
      if (r.exitCode === 0 && r.stdout.trim() === 'pong') {
        const elapsed = Math.trunc((now() - start) / 1000);
        return { kind: 'ok', msg: `the connection answered after ${elapsed}s`, data: { elapsed } };
      }
      last = r.timedOut ? `no answer within ${c.connectTimeout}s` : r.stderr.trim() || `exit ${r.exitCode}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
      if (!(err instanceof UnreachableError) || /authentication failed/.test(last)) {
        return { kind: 'failed', msg: `cannot connect: ${last}`, data: { elapsed: Math.trunc((now() - start) / 1000) } };
      }
    }
    if (now() + c.sleep * 1000 >= end) break;
    await wait(c.sleep * 1000);
  }
  const elapsed = Math.trunc((now() - start) / 1000);
  return { kind: 'failed', msg: `timed out waiting for the connection after ${c.timeout}s: ${last}`, data: { elapsed } };
}

/** The wait_for_connection module (`ansible.builtin.wait_for_connection`). */
export const waitForConnectionModule = defineModule<Args, null, Change>({
  name: 'wait_for_connection',
  summary: 'Wait until the host answers over its connection.',
  runsOn: 'host',
  schema: waitForConnectionSchema,
  probe: () => noReads(null),
  decide,
  apply: (c, host) => waitForConnection(c, host),
});
