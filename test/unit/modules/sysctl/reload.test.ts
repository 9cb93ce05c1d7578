// sysctl's reload, as Ansible's: after a change, `sysctl -p <file>` (-e with ignoreerrors) sets every key of
// the file; its failures (a key the kernel lacks, a read-only key, sysctl's "setting key" errors with exit 0)
// fail the task; check mode reads the file's other keys and predicts their live values.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import type { Plan } from '../../../../engine/types.ts';
import { sysctlApplyScript, sysctlModule } from '../../../../modules/sysctl/index.ts';
import { applySysctl } from '../../../../modules/sysctl/apply.ts';
import { fileKeys } from '../../../../modules/sysctl/text.ts';
import { fakeHost, type FakeHost } from '../../../support/fakeHost.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const FILE = '/etc/sysctl.d/99-kernel-parameters.conf';
const TEXT = 'vm.swappiness=10\nnet.core.somaxconn=4096\n';
const args = { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: FILE };
type Change = Extract<Plan, { kind: 'change' }>;

/** The task's key exists at 0; `others` answers the read of vm.swappiness (0) and net.core.somaxconn (1). */
function host(others: string, opts: { check?: boolean; reload?: string } = {}): FakeHost {
  return fakeHost({
    check: opts.check ?? false,
    answers: [
      [(c) => c.includes('echo @e0'), others],
      [(c) => c.startsWith('p='), `@live=${b64('0\n')}\n@writable\n@exists\n@file=${b64(TEXT)}\n`],
      [(c) => c.startsWith('set -e'), `@live=${b64('1\n')}\n${opts.reload ?? '@reload=0 \n'}`],
    ],
  });
}
const BOTH = `@e0\n@w0\n@0=${b64('60\n')}\n@e1\n@w1\n@1=${b64('4096\n')}\n`;

describe('reload: sysctl -p the file', () => {
  it('reads the keys of a file, the last line of a key winning', () => {
    expect(fileKeys('# c\n-vm.swappiness = 10\nkernel/panic=3\nvm.swappiness=20\n')).toEqual([
      { name: 'kernel/panic', path: 'kernel/panic', value: '3' },
      { name: 'vm.swappiness', path: 'vm/swappiness', value: '20' },
    ]);
  });

  it("shows and predicts the other keys' live values that the reload sets", async () => {
    const h = host(BOTH, { check: true });
    const plan = (await planModule(sysctlModule, args, h)) as Change;
    expect(plan.msg).toBe(`set net.ipv4.ip_forward = 1 live (was 0); write net.ipv4.ip_forward=1 to ${FILE}; reload ${FILE}`);
    expect(plan.diff?.map((d) => d.header)).toEqual([
      'live value of net.ipv4.ip_forward',
      FILE,
      `live value of vm.swappiness (reloaded from ${FILE})`,
    ]);
    expect(h.predicted.file('/proc/sys/vm/swappiness')).toEqual({ type: 'file', content: '10\n' });
    expect(h.predicted.file('/proc/sys/net/core/somaxconn')).toEqual({ type: 'file', content: '4096\n' });
    expect(h.commands[1]).toContain('p=/proc/sys/vm/swappiness; if [ -f "$p" ]; then echo @e0;');
  });

  it('runs sysctl -p after writing and reports its failures as Ansible does', async () => {
    const ok = (await planModule(sysctlModule, args, host(BOTH))) as Change;
    expect(await ok.apply()).toMatchObject({ kind: 'changed' });
    // "setting key ... Invalid argument" on stderr fails the task though sysctl exits 0.
    const err = 'sysctl: setting key "vm.swappiness": Invalid argument';
    const bad = (await planModule(sysctlModule, args, host(BOTH, { reload: `@reload=0 ${b64(err)}\n` }))) as Change;
    expect(await bad.apply()).toEqual({ kind: 'failed', msg: `Failed to reload sysctl: ${err}` });
    const rc = (await planModule(sysctlModule, args, host(BOTH, { reload: `@reload=255 ${b64('sysctl: oops')}\n` }))) as Change;
    expect(await rc.apply()).toEqual({ kind: 'failed', msg: 'Failed to reload sysctl: sysctl: oops' });
  });

  it('fails before writing when a key of the file is unknown, unless ignoreerrors; a read-only key fails either way', async () => {
    const unknown = `@e1\n@w1\n@1=${b64('4096\n')}\n`;
    expect(await planModule(sysctlModule, args, host(unknown))).toMatchObject({
      kind: 'failed',
      msg: `Failed to reload sysctl: sysctl -p ${FILE} would fail on unknown key vm.swappiness (ignoreerrors: true skips them); ${FILE} was not changed`,
    });
    expect((await planModule(sysctlModule, { ...args, ignoreerrors: true }, host(unknown))).kind).toBe('change');
    const readOnly = `@e0\n@0=${b64('10\n')}\n@e1\n@w1\n@1=${b64('4096\n')}\n`;
    expect(await planModule(sysctlModule, { ...args, ignoreerrors: true }, host(readOnly))).toMatchObject({
      kind: 'failed',
      msg: expect.stringContaining('would fail on read-only vm.swappiness'),
    });
  });

  it('with reload: false neither reads the other keys nor runs sysctl -p', async () => {
    const h = host(BOTH);
    const plan = (await planModule(sysctlModule, { ...args, reload: false, sysctl_set: true }, h)) as Change;
    expect(plan.msg).toBe(`set net.ipv4.ip_forward = 1 live (was 0); write net.ipv4.ip_forward=1 to ${FILE}`);
    await plan.apply();
    expect(h.commands).toHaveLength(2);
    expect(h.commands[1]).not.toContain('sysctl -p');
  });
});

/** Whether this machine has procps sysctl (the reload script's test needs it). */
function hasSysctl(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v sysctl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the reload under a real /bin/sh (a file whose only key the kernel lacks: nothing is set)', () => {
  it.skipIf(!hasSysctl())('fails on the unknown key, and passes with -e', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fp-sysctl-')), 'x.conf');
    writeFileSync(file, 'net.ipv4.fleetplay_no_such_key=1\n');
    const local = new LocalConnection('local');
    const hostOf = { name: 'local', run: (c: string) => local.exec(c) };
    const change = (ignoreErrors: boolean) => ({ name: 'x', value: '1', file, setLive: false, done: 'done', reload: { ignoreErrors } });
    expect(sysctlApplyScript(change(true))).toContain(`sysctl -e -p -- ${file}`);
    expect(await applySysctl(hostOf, change(false))).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^Failed to reload sysctl: sysctl: cannot stat \/proc\/sys\/net\/ipv4\/fleetplay_no_such_key/),
    });
    expect(await applySysctl(hostOf, change(true))).toEqual({ kind: 'changed', msg: 'done' });
  });
});
