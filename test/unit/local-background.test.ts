// The local connection stops reading a command's pipes once it has exited and they stayed quiet, as
// Ansible's run_command does: a process left in the background does not hold the task.
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../engine/connection/local.ts';

describe('local connection and background processes', () => {
  it('returns soon after the command exits, with what it printed, while a background process holds the pipes', async () => {
    const conn = new LocalConnection('localhost');
    const started = Date.now();
    const r = await conn.exec('sleep 20 & echo done');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'done\n', timedOut: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('keeps reading while the pipes are busy after the exit: late output within the quiet time is kept', async () => {
    const conn = new LocalConnection('localhost');
    const r = await conn.exec('(sleep 0.3; echo late; sleep 0.3; echo later) & echo early');
    expect(r.stdout).toBe('early\nlate\nlater\n');
  });

  it('a command that closes its pipes itself ends as before', async () => {
    const r = await new LocalConnection('localhost').exec('echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });
});
