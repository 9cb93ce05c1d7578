// After the reboot command: log in again until boot_time_command prints something new, then until
// test_command succeeds, each within reboot_timeout (as Ansible, the two are timed separately).
import type { ModuleHost } from '../../engine/module.ts';
import { UnreachableError } from '../../engine/errors.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import type { RebootChange } from './schema.ts';

/** The clock the waits use (tests replace it). */
export interface Clock {
  now(): number;
  wait(ms: number): Promise<unknown>;
}

/** Real time. */
export const realClock: Clock = { now: Date.now, wait: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Ansible's pause between failed attempts: 1, 2, 4, 8 s, then 12 s. */
export const backoffMs = (failures: number): number => Math.min(2 ** failures, 12) * 1000;

/** An error that more attempts cannot cure: a changed host key, refused authentication, a refused become. */
function fatal(err: unknown): boolean {
  return !(err instanceof UnreachableError) || /authentication failed/.test(err.message);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

type Step = { done: true } | { done: false; why: string };

/** Tries `attempt` (after a new login when `relogin`) until it is done or `timeoutS` passed; the reason it failed, if it did. */
async function until(
  host: ModuleHost & Required<Pick<ModuleHost, 'reconnect'>>,
  c: RebootChange,
  clock: Clock,
  relogin: 'always' | 'after errors',
  attempt: () => Promise<Step>,
): Promise<string | undefined> {
  const deadline = clock.now() + c.rebootTimeout * 1000;
  let failures = 0;
  let dropped = relogin === 'always';
  for (;;) {
    let why: string;
    try {
      if (dropped) await host.reconnect({ deadline, ...(c.connectTimeout ? { attemptTimeoutMs: c.connectTimeout * 1000 } : {}) });
      dropped = relogin === 'always';
      const step = await attempt();
      if (step.done) return undefined;
      why = step.why;
    } catch (err) {
      if (fatal(err)) return message(err);
      why = message(err);
      dropped = true;
    }
    if (clock.now() >= deadline) return `timed out after ${c.rebootTimeout}s: ${why}`;
    await clock.wait(Math.min(backoffMs(failures++), Math.max(0, deadline - clock.now())));
  }
}

/** Waits for the host to come back from the reboot `c` started at `started`; the task's outcome. */
export async function waitForReboot(host: ModuleHost, c: RebootChange, started: number, clock: Clock = realClock): Promise<ApplyOutcome> {
  const elapsed = (): number => Math.trunc((clock.now() - started) / 1000);
  const failed = (msg: string): ApplyOutcome => ({ kind: 'failed', msg, data: { rebooted: true, elapsed: elapsed() } });
  if (!host.reconnect) return failed('the reboot command ran, but this connection cannot log in again to see the host come back');
  const h = { ...host, reconnect: host.reconnect };
  if (c.postRebootDelay > 0) await clock.wait(c.postRebootDelay * 1000);
  const limit = c.connectTimeout ? { timeoutMs: c.connectTimeout * 1000 } : {};
  const booted = await until(h, c, clock, 'always', async () => {
    const r = await host.run(c.bootTimeCommand, limit);
    const id = r.stdout.trim();
    if (r.exitCode !== 0) return { done: false, why: `boot_time_command failed: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
    if (id === c.bootId) return { done: false, why: 'the boot time has not changed' };
    return id === '' ? { done: false, why: 'boot_time_command printed nothing' } : { done: true };
  });
  if (booted !== undefined) return failed(`the host did not come back from the reboot: ${booted}`);
  const tested = await until(h, c, clock, 'after errors', async () => {
    const r = await host.run(c.testCommand, limit);
    return r.exitCode === 0 ? { done: true } : { done: false, why: `test_command failed: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  });
  if (tested !== undefined) return failed(`the host came back, but test_command did not succeed: ${tested}`);
  return { kind: 'changed', msg: `rebooted in ${elapsed()}s`, data: { rebooted: true, elapsed: elapsed() } };
}
