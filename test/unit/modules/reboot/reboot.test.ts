// reboot: Ansible's arguments; the shutdown program looked up in search_paths; check mode (changed, only
// the look-up read); the real run's command line, and the wait after it: logging in again until the boot
// time changes, then test_command until it succeeds, each within reboot_timeout; a clock stands in for time.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostKeyError } from '../../../../engine/connection/ssh.ts';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { UnreachableError } from '../../../../engine/errors.ts';
import { moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { ReconnectOptions } from '../../../../engine/types.ts';
import { findModule } from '../../../../modules/index.ts';
import { findProgramCommand, reboot, rebootModule } from '../../../../modules/reboot/index.ts';
import type { RebootChange } from '../../../../modules/reboot/schema.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const BOOT_ID = 'cat /proc/sys/kernel/random/boot_id';

describe('reboot arguments and look-up', () => {
  it("takes Ansible's arguments and names", () => {
    const issues = (args: Record<string, unknown>) => checkSchema(rebootModule.schema, args, "module 'reboot'");
    const all = {
      reboot_timeout: 900,
      connect_timeout: 5,
      pre_reboot_delay: 0,
      post_reboot_delay: 10,
      test_command: 'uptime',
      msg: 'bye',
      reboot_command: 'shutdown -r now',
      boot_time_command: 'uptime -s',
      search_paths: ['/lib/molly-guard'],
    };
    expect(issues(all)).toEqual([]);
    expect(issues({})).toEqual([]);
    expect(issues({ reboot_timeout: -1 })).not.toEqual([]);
    expect(issues({ search_paths: ['sbin'] })).not.toEqual([]);
    expect(issues({ force: true })).not.toEqual([]);
    expect(findModule('ansible.builtin.reboot')).toBe(rebootModule);
  });

  it('finds the first executable file of that name in the search paths, not a directory, not PATH', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-reboot-'));
    for (const d of ['a', 'b', 'c']) mkdirSync(path.join(dir, d));
    mkdirSync(path.join(dir, 'a', 'shutdown'));
    writeFileSync(path.join(dir, 'b', 'shutdown'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'b', 'shutdown'), 0o755);
    writeFileSync(path.join(dir, 'c', 'shutdown'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'c', 'shutdown'), 0o755);
    const local = new LocalConnection('l');
    const paths = ['a', 'b', 'c'].map((d) => path.join(dir, d));
    expect((await local.exec(findProgramCommand('shutdown', paths))).stdout).toBe(`${paths[1]}/shutdown\n`);
    const none = await local.exec(findProgramCommand('shutdown', [paths[0]!]));
    expect([none.exitCode, none.stdout]).toEqual([1, '']);
    expect((await local.exec(findProgramCommand(`${paths[2]}/shutdown`, []))).stdout).toBe(`${paths[2]}/shutdown\n`);
    // A name with shell characters stays one word.
    expect(findProgramCommand("x'; reboot", ['/sbin'])).toContain(`'/sbin/x'\\''; reboot'`);
  });
});

describe('reboot plans', () => {
  it('check mode: changed with rebooted and elapsed 0, after the look-up only (no boot time read)', async () => {
    const h = fakeHost({ check: true, answers: [[/for p in/, '/sbin/shutdown\n']] });
    const plan = await planModule(rebootModule, {}, h);
    expect(plan).toMatchObject({ kind: 'change', msg: 'reboot the host', data: { rebooted: true, elapsed: 0 } });
    expect(h.commands).toHaveLength(1);
    expect(h.commands[0]).toContain('for p in /sbin/shutdown /bin/shutdown /usr/sbin/shutdown');
  });

  it('fails in check mode as in the real run when there is no shutdown program', async () => {
    for (const check of [true, false]) {
      const h = fakeHost({ check, answers: [[/for p in/, { exitCode: 1 }]] });
      expect(await planModule(rebootModule, { search_paths: ['/opt/x'] }, h)).toEqual({
        kind: 'failed',
        msg: 'Unable to find command "shutdown" in search paths: /opt/x',
        data: { rebooted: false },
      });
    }
  });

  it('refuses the local connection: that would reboot the controller', async () => {
    const h = fakeHost({ vars: { ansible_connection: 'local' }, answers: [[/for p in/, '/sbin/shutdown\n']] });
    expect(await planModule(rebootModule, {}, h)).toMatchObject({ kind: 'failed', msg: expect.stringMatching(/controller/) });
  });

  it("builds Ansible's command line: minutes of pre_reboot_delay rounded down, msg quoted; reboot_command replaces both", () => {
    const view = moduleView(fakeHost());
    const facts = { shutdown: '/sbin/shutdown', boot: { exitCode: 0, stdout: 'id-1\n', stderr: '', durationMs: 1, timedOut: false } };
    const d = rebootModule.decide({ pre_reboot_delay: 150, msg: "it's time" }, facts, view);
    expect(d.kind === 'change' && d.change).toEqual({
      command: `/sbin/shutdown -r 2 'it'\\''s time'`,
      bootId: 'id-1',
      bootTimeCommand: BOOT_ID,
      testCommand: 'whoami',
      rebootTimeout: 600,
      postRebootDelay: 0,
    });
    const own = rebootModule.decide(
      { reboot_command: 'systemctl reboot --force', msg: 'x' },
      { ...facts, shutdown: '/bin/systemctl' },
      view,
    );
    expect(own.kind === 'change' && own.change.command).toBe('/bin/systemctl reboot --force');
    const noBoot = rebootModule.decide({}, { ...facts, boot: { ...facts.boot, exitCode: 1, stderr: 'no such file' } }, view);
    expect(noBoot).toEqual({
      kind: 'failed',
      msg: 'failed to read the boot time before the reboot: no such file',
      data: { rebooted: false },
    });
  });

  it('a real run reads the boot time with the look-up', async () => {
    const h = fakeHost({
      answers: [
        [/for p in/, '/sbin/shutdown\n'],
        [BOOT_ID, 'id-1\n'],
      ],
    });
    const plan = await planModule(rebootModule, {}, h);
    expect(plan.kind).toBe('change');
    expect(h.commands.slice(-1)).toEqual([BOOT_ID]);
  });
});

const CHANGE: RebootChange = {
  command: "/sbin/shutdown -r 0 'Reboot initiated by Ansible'",
  bootId: 'id-1',
  bootTimeCommand: BOOT_ID,
  testCommand: 'whoami',
  rebootTimeout: 30,
  connectTimeout: 5,
  postRebootDelay: 0,
};

/**
 * A host that reboots: the reboot command drops the session; the first `down` logins are refused; the
 * boot time reads `id-1` for the first `sameBoot` reads after that, then `id-2`; test_command fails
 * `testFails` times. Every call and wait moves a fake clock.
 */
function rebootingHost(o: { down?: number; sameBoot?: number; testFails?: number; rebootExit?: number; loginError?: Error }) {
  let t = 0;
  const waits: number[] = [];
  const logins: ReconnectOptions[] = [];
  let boots = 0;
  let tests = 0;
  const h = fakeHost({
    reply: (cmd) => {
      t += 100;
      if (cmd.includes('shutdown')) {
        if (o.rebootExit) return { exitCode: o.rebootExit, stderr: 'Failed to talk to init daemon.' };
        throw new UnreachableError('h', 'connection to 10.0.0.9:22 dropped while running a command');
      }
      if (cmd === BOOT_ID) return boots++ < (o.sameBoot ?? 0) ? 'id-1\n' : 'id-2\n';
      if (cmd === 'whoami') return tests++ < (o.testFails ?? 0) ? { exitCode: 1, stderr: 'not yet' } : 'root\n';
      throw new Error(`unexpected ${cmd}`);
    },
  });
  const clock = {
    now: () => t,
    wait: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
  const host = {
    name: 'h',
    run: h.run,
    reconnect: async (opts: ReconnectOptions) => {
      logins.push(opts);
      t += 1000;
      if (o.loginError) throw o.loginError;
      if (logins.length <= (o.down ?? 0)) throw new UnreachableError('h', 'cannot connect to 10.0.0.9:22: connect ECONNREFUSED');
    },
  };
  return { h, host, clock, waits, logins };
}

describe('reboot apply', () => {
  it('reboots, logs in again until the boot time changed, then runs test_command until it succeeds', async () => {
    const r = rebootingHost({ down: 2, sameBoot: 1, testFails: 1 });
    const out = await reboot(CHANGE, r.host, r.clock);
    expect(out).toEqual({ kind: 'changed', msg: 'rebooted in 12s', data: { rebooted: true, elapsed: 12 } });
    // login 1 answers with the old boot (sshd not yet down), 2 and 3 are refused, 4 sees the new boot.
    expect(r.h.commands).toEqual([CHANGE.command, BOOT_ID, BOOT_ID, 'whoami', 'whoami']);
    expect(r.logins).toHaveLength(4);
    expect(r.logins.every((l) => l.deadline === 30_100 && l.attemptTimeoutMs === 5000)).toBe(true);
    // Ansible's backoff: 1, 2, 4 s between boot-time attempts; 1 s before test_command's second try.
    expect(r.waits).toEqual([1000, 2000, 4000, 1000]);
  });

  it("without connect_timeout, each login is limited by the connection's own connect timeout", async () => {
    const r = rebootingHost({});
    const { connectTimeout: _, ...rest } = CHANGE;
    expect(await reboot(rest, r.host, r.clock)).toMatchObject({ kind: 'changed' });
    expect(r.logins).toEqual([{ deadline: 30_100 }]);
  });

  it('waits post_reboot_delay before the first login', async () => {
    const r = rebootingHost({});
    expect(await reboot({ ...CHANGE, postRebootDelay: 7 }, r.host, r.clock)).toMatchObject({ kind: 'changed' });
    expect(r.waits).toEqual([7000]);
  });

  it('fails after reboot_timeout when the boot time never changes, saying why', async () => {
    const r = rebootingHost({ sameBoot: 1000 });
    const out = await reboot(CHANGE, r.host, r.clock);
    expect(out).toEqual({
      kind: 'failed',
      msg: 'the host did not come back from the reboot: timed out after 30s: the boot time has not changed',
      data: { rebooted: true, elapsed: 31 }, // the last attempt began before the deadline
    });
    expect(r.h.commands).not.toContain('whoami');
  });

  it('a failing reboot command fails the task without waiting', async () => {
    const r = rebootingHost({ rebootExit: 1 });
    expect(await reboot(CHANGE, r.host, r.clock)).toEqual({
      kind: 'failed',
      msg: 'Reboot command failed. Error was: Failed to talk to init daemon.',
      data: { rebooted: false },
    });
    expect(r.logins).toEqual([]);
  });

  it('a host back with another host key fails at once', async () => {
    const r = rebootingHost({ loginError: new HostKeyError('h', 'HOST KEY MISMATCH for h') });
    expect(await reboot(CHANGE, r.host, r.clock)).toMatchObject({
      kind: 'failed',
      msg: 'the host did not come back from the reboot: HOST KEY MISMATCH for h',
      data: { rebooted: true },
    });
    expect(r.logins).toHaveLength(1);
  });

  it('without a connection that can log in again (a delegated task), nothing is run', async () => {
    const h = fakeHost();
    expect(await reboot(CHANGE, { name: 'h', run: h.run })).toMatchObject({ kind: 'failed', data: { rebooted: false } });
    expect(h.commands).toEqual([]);
  });
});
