// slurp: a remote file as base64, run for real under /bin/sh; its refusals; check mode reads predictions.
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shellQuote } from '../../../../engine/quote.ts';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { parseSlurp, slurpCommand, slurpModule } from '../../../../modules/slurp/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-slurp-'));

describe('slurp', () => {
  it('returns the bytes of a file as base64, binary included, and never changes anything', async () => {
    const dir = tmp();
    const bytes = Buffer.from([0, 1, 2, 255, 10, 0x41]);
    writeFileSync(path.join(dir, 'f'), bytes);
    const h = fakeHost({ reply: runLocally });
    const plan = await planModule(slurpModule, { src: path.join(dir, 'f') }, h);
    expect(plan).toEqual({
      kind: 'ok',
      msg: `read ${path.join(dir, 'f')} (6 bytes)`,
      data: { content: bytes.toString('base64'), encoding: 'base64', source: path.join(dir, 'f') },
    });
    expect(h.commands).toHaveLength(1);
  });

  it('reads an empty file and a name that starts with a dash', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '-n'), '');
    const h = fakeHost({ reply: (c, o) => runLocally(`cd ${dir} && { ${c}; }`, o) });
    expect(await planModule(slurpModule, { src: '-n' }, h)).toMatchObject({ kind: 'ok', data: { content: '', source: '-n' } });
  });

  it('fails as Ansible does on a missing file, a directory, and refuses a FIFO', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'd'));
    const h = fakeHost({ reply: runLocally });
    expect(await planModule(slurpModule, { src: path.join(dir, 'nope') }, h)).toEqual({
      kind: 'failed',
      msg: `file not found: ${path.join(dir, 'nope')}`,
    });
    expect(await planModule(slurpModule, { src: path.join(dir, 'd') }, h)).toEqual({
      kind: 'failed',
      msg: `source is a directory and must be a file: ${path.join(dir, 'd')}`,
    });
    expect(await planModule(slurpModule, { src: '/dev/null' }, h)).toMatchObject({
      kind: 'failed',
      msg: expect.stringContaining('not a regular file'),
    });
  });

  it('fails on an unreadable file (root reads every file, so the shell runs as nobody here)', async () => {
    const dir = tmp();
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'secret'), 'x');
    chmodSync(path.join(dir, 'secret'), 0o000);
    // As root, the probe runs as an unprivileged user, for whom the file is unreadable as for any login.
    const asNobody: typeof runLocally = (command, options) =>
      process.getuid?.() === 0 ? runLocally(`su -s /bin/sh -c ${shellQuote(command)} nobody`, options) : runLocally(command, options);
    const h = fakeHost({ reply: asNobody });
    expect(await planModule(slurpModule, { src: path.join(dir, 'secret') }, h)).toEqual({
      kind: 'failed',
      msg: `file is not readable: ${path.join(dir, 'secret')}`,
    });
  });

  it('refuses a file over the limit before reading it, and one that grew over it while read', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'big'), 'x'.repeat(11));
    const h = fakeHost({ reply: runLocally });
    const r = await h.run(slurpCommand(path.join(dir, 'big'), 10));
    expect(r.stdout).toBe('too-big 11\n');
    expect(parseSlurp('big', 10)(r)).toEqual({ kind: 'too-big', size: 11 });
    const grown = {
      exitCode: 0,
      stdout: `content\n${Buffer.from('x'.repeat(11)).toString('base64')}\n`,
      stderr: '',
      durationMs: 1,
      timedOut: false,
    };
    expect(parseSlurp('big', 10)(grown)).toEqual({ kind: 'too-big', size: 11 });
    const big = fakeHost({ reply: 'too-big 70000000\n' });
    expect(await planModule(slurpModule, { src: '/var/log/huge' }, big)).toEqual({
      kind: 'failed',
      msg: 'file is too large to slurp: /var/log/huge is 70000000 bytes, over the limit of 64 MiB (use fetch instead)',
    });
  });

  it("check mode: runs, and an earlier task's predicted content or absence wins over the host", async () => {
    const predicted = createPredictedState();
    predicted.setFile('/etc/a', { type: 'file', content: 'new\n' });
    predicted.setFile('/etc/b', { type: 'absent' });
    predicted.setFile('/etc/c', { type: 'file', checksum: 'abc' });
    const h = fakeHost({ check: true, predicted, reply: `content\n${Buffer.from('old\n').toString('base64')}\n` });
    expect(await planModule(slurpModule, { src: '/etc/a' }, h)).toMatchObject({
      kind: 'ok',
      data: { content: Buffer.from('new\n').toString('base64') },
    });
    expect(await planModule(slurpModule, { src: '/etc/b' }, h)).toEqual({ kind: 'failed', msg: 'file not found: /etc/b' });
    expect(await planModule(slurpModule, { src: '/etc/c' }, h)).toMatchObject({ kind: 'unknown' });
    expect(h.commands).toHaveLength(0);
    expect(await planModule(slurpModule, { src: '/etc/d' }, h)).toMatchObject({
      kind: 'ok',
      data: { content: Buffer.from('old\n').toString('base64') },
    });
    expect(h.commands).toHaveLength(1);
  });

  it('check mode: a missing file that an unpredictable earlier task may create is unknown, not failed', async () => {
    const predicted = createPredictedState();
    predicted.markOpaque('run the installer');
    const h = fakeHost({ check: true, predicted, reply: 'absent\n' });
    expect(await planModule(slurpModule, { src: '/opt/x' }, h)).toEqual({
      kind: 'unknown',
      msg: "/opt/x does not exist, but the earlier task 'run the installer' may create it",
    });
  });
});
