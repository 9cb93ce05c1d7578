// copy's validate: the command runs on the temp file beside dest before the rename; a failure leaves dest as it was.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { validateCommand } from '../../../../modules/lib/validateCommand.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

async function run(args: Record<string, unknown>, check = false) {
  const h = fakeHost({ check, reply: runLocally });
  const plan = await planModule(copyModule, args, h);
  return { h, out: plan.kind === 'change' && !check ? await plan.apply() : plan };
}

describe('validateCommand', () => {
  it('quotes each word and puts the temp file where %s is, with %% a literal %', () => {
    expect(validateCommand('visudo -cf %s')).toEqual({ line: 'visudo -cf "$tmp"' });
    expect(validateCommand('sh -c \'test -s "$1"\' x --file=%s 100%%')).toEqual({ line: `sh -c 'test -s "$1"' x --file="$tmp" 100%` });
    // No shell features, as Ansible's run_command: `;` is a word.
    expect(validateCommand('echo %s ; reboot')).toEqual({ line: `echo "$tmp" ';' reboot` });
  });

  it('refuses a command without %s (Ansible: validate must contain %s), a second %s, another % sequence, an open quote', () => {
    expect(validateCommand('visudo -c')).toEqual({ problem: 'validate must contain %s: visudo -c' });
    expect(validateCommand('diff %s %s')).toMatchObject({ problem: expect.stringContaining('%s (once)') });
    expect(validateCommand('check %d %s')).toMatchObject({ problem: expect.stringContaining('%s (once)') });
    expect(validateCommand("check '%s")).toMatchObject({ problem: expect.stringContaining('unterminated') });
  });
});

describe('copy validate', () => {
  it('replaces dest when the command accepts the new file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp copy validate '));
    const dest = path.join(dir, 'a.conf');
    writeFileSync(dest, 'old\n');
    const { out } = await run({ content: 'ok=1\n', dest, validate: 'grep -q ^ok= %s' });
    expect(out).toMatchObject({ kind: 'changed' });
    expect(readFileSync(dest, 'utf8')).toBe('ok=1\n');
  });

  it('fails with the command output and leaves dest and its directory as they were (and the backup, as Ansible)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-validate-'));
    const dest = path.join(dir, 'a.conf');
    writeFileSync(dest, 'old\n');
    const validate = 'sh -c \'echo checked "$1"; echo bad line 1 >&2; exit 4\' x %s';
    const { out } = await run({ content: 'bad\n', dest, validate });
    expect(out).toMatchObject({
      kind: 'failed',
      msg: 'failed to validate',
      data: { exit_status: 4, stdout: expect.stringMatching(/^checked .*\/\.fleetplay\.\w+\n$/), stderr: 'bad line 1' },
    });
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['a.conf']);
    const withBackup = await run({ content: 'bad\n', dest, validate, backup: true });
    expect(withBackup.out).toMatchObject({ kind: 'failed', msg: 'failed to validate' });
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('validates a remote_src copy on the host as well', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-validate-'));
    const src = path.join(dir, 'src');
    writeFileSync(src, 'nope\n');
    const { out } = await run({ src, remote_src: true, dest: path.join(dir, 'dest'), validate: 'grep -q ^ok %s' });
    expect(out).toMatchObject({ kind: 'failed', msg: 'failed to validate', data: { exit_status: 1 } });
    expect(readdirSync(dir)).toEqual(['src']);
  });

  it('fails without %s when the content would change, in check mode too, and never runs the command in check mode', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-validate-'));
    const dest = path.join(dir, 'a.conf');
    writeFileSync(dest, 'same\n');
    expect((await run({ content: 'new\n', dest, validate: 'true' }, true)).out).toMatchObject({
      kind: 'failed',
      msg: 'validate must contain %s: true',
    });
    // Unchanged content: Ansible never looks at validate.
    expect((await run({ content: 'same\n', dest, validate: 'true' })).out).toMatchObject({ kind: 'ok' });
    const marker = path.join(dir, 'ran');
    const { h, out } = await run({ content: 'new\n', dest, validate: `touch ${marker} %s` }, true);
    expect(out).toMatchObject({ kind: 'change' });
    expect(h.commands.some((c) => c.includes('touch'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['a.conf']);
  });
});
