// file's results and run-time checks as Ansible's file.py has them (its integration target asserts them):
// the path's info (add_path_info), `dest`/`src`/`state`, the diff dictionary, link refusals in Ansible's
// order, `_diff_peek`, check mode's warnings for unknown accounts, and touch removing what it made on failure.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import type { Plan } from '../../../../engine/types.ts';
import { fileModule } from '../../../../modules/file/index.ts';
import { parsePathInfo } from '../../../../modules/file/pathInfo.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-file-results-'));

async function plan(written: Record<string, unknown>, check = false): Promise<Plan> {
  const { args } = canonicalArgs(fileModule.schema as Record<string, unknown>, written);
  return planModule(fileModule, args, fakeHost({ reply: runLocally, check }));
}

/** Plans for real, applies, and gives the registered data (ok: the plan's). */
async function run(args: Record<string, unknown>): Promise<{ kind: string; msg: string; data: Record<string, unknown> }> {
  const p = await plan(args);
  if (p.kind !== 'change') return { kind: p.kind, msg: p.msg, data: p.data ?? {} };
  const out = await p.apply();
  return { kind: out.kind, msg: out.msg, data: { ...(p.data ?? {}), ...(out.data ?? {}) } };
}

describe('file result fields', () => {
  it('reports the path info after acting: dest, state and a mode with the special bits as Ansible prints it', async () => {
    const f = path.join(tmp(), 'f');
    const touched = await run({ dest: f, state: 'touch', mode: '0644' });
    expect(touched).toMatchObject({ kind: 'changed', data: { dest: f, state: 'file', mode: '0644', owner: 'root', uid: 0, size: 0 } });
    expect((await run({ dest: f, state: 'touch', mode: 'o+t' })).data).toMatchObject({ mode: '01644' });
    expect((await run({ path: f, state: 'file' })).data).toMatchObject({ path: f, state: 'file' });
    expect((await run({ path: f, state: 'absent' })).data).toMatchObject({ path: f, state: 'absent' });
    expect((await run({ path: f, state: 'absent' })).data).toEqual({ path: f, state: 'absent' });
    // A missing path without state: Ansible's state for it is absent.
    expect(await run({ path: f })).toMatchObject({
      kind: 'failed',
      msg: `file (${f}) is absent, cannot continue`,
      data: { state: 'absent' },
    });
  });

  it('reads the info in the change’s own command (no extra round trip), and not after a failed step', async () => {
    const f = path.join(tmp(), 'f');
    const ctx = fakeHost({ reply: runLocally });
    const p = await planModule(fileModule, { path: f, state: 'touch' }, ctx);
    const before = ctx.commands.length;
    if (p.kind !== 'change') throw new Error(p.msg);
    expect(await p.apply()).toMatchObject({ kind: 'changed', data: { dest: f, state: 'file' } });
    expect(ctx.commands.length - before).toBe(1);
    const bad = fakeHost({
      reply: (command) =>
        command.startsWith('touch')
          ? { exitCode: 1, stderr: 'no' }
          : { stdout: command.includes("/f'") ? 'type=absent\n' : 'type=directory\nmode=755\nowner=root\ngroup=root\n' },
    });
    const q = await planModule(fileModule, { path: f, state: 'touch' }, bad);
    if (q.kind !== 'change') throw new Error(q.msg);
    expect(await q.apply()).toEqual({ kind: 'failed', msg: 'no' });
  });

  it('says hard for a file with a second name, and reports the link with its src', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'a'), 'x');
    const hard = await run({ src: path.join(d, 'a'), dest: path.join(d, 'b'), state: 'hard' });
    expect(hard.data).toMatchObject({ dest: path.join(d, 'b'), src: path.join(d, 'a'), state: 'hard' });
    const link = await run({ src: 'a', dest: path.join(d, 'l'), state: 'link' });
    expect(link.data).toMatchObject({ dest: path.join(d, 'l'), src: 'a', state: 'link', mode: '0777' });
  });

  it('puts Ansible’s diff dictionary in the result: the old and new src of a link, the times, the path alone when ok', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'a'), 'x');
    await run({ src: path.join(d, 'a'), dest: path.join(d, 'l'), state: 'link' });
    const relinked = await run({ src: 'a', dest: path.join(d, 'l'), state: 'link' });
    expect(relinked.data.diff).toEqual({
      before: { path: path.join(d, 'l'), src: path.join(d, 'a') },
      after: { path: path.join(d, 'l'), src: 'a' },
    });
    const timed = await run({ path: path.join(d, 'a'), modification_time: '202202081414.00' });
    expect(Object.keys((timed.data.diff as { after: object }).after)).toEqual(['path', 'mtime']);
    const again = await run({ path: path.join(d, 'a'), modification_time: '202202081414.00' });
    expect(again).toMatchObject({ kind: 'ok', data: { diff: { after: { path: path.join(d, 'a') } } } });
    expect(Object.keys((again.data.diff as { after: object }).after)).toEqual(['path']);
  });

  it('lists what a removed directory holds in the diff (check mode), a file has no path_content', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'sub'));
    writeFileSync(path.join(d, 'sub/f'), '');
    const p = await plan({ path: d, state: 'absent' }, true);
    expect(p.kind).toBe('change');
    expect(p.data?.diff).toMatchObject({
      before: {
        path: d,
        state: 'directory',
        path_content: { directories: [path.join(d, 'sub')], files: [path.join(d, 'sub/f')] },
      },
    });
    // check mode reports the unchanged host, as Ansible's add_path_info reads it.
    expect(p.data).toMatchObject({ path: d, state: 'directory' });
    expect(existsSync(d)).toBe(true);
    const f = await plan({ path: path.join(d, 'sub/f'), state: 'absent' }, true);
    expect(f.data?.diff).toEqual({
      before: { path: path.join(d, 'sub/f'), state: 'file' },
      after: { path: path.join(d, 'sub/f'), state: 'absent' },
    });
  });

  it('parses stat’s fields: an unknown owner is its number, a link is link whatever its links count', () => {
    expect(parsePathInfo('1234\t0\tUNKNOWN\troot\t81a4\t1\t5\n')).toEqual({
      uid: 1234,
      gid: 0,
      owner: '1234',
      group: 'root',
      mode: '0644',
      state: 'file',
      size: 5,
    });
    expect(parsePathInfo('0\t0\troot\troot\ta1ff\t2\t1\n')?.state).toBe('link');
    expect(parsePathInfo('absent\n')).toBeUndefined();
  });
});

describe('file state link, as ensure_symlink', () => {
  it('keeps an existing link’s target without src, and fails at run time for a new one', async () => {
    const d = tmp();
    symlinkSync('target', path.join(d, 'l'));
    expect(await run({ path: path.join(d, 'l'), state: 'link' })).toMatchObject({ kind: 'ok', data: { src: 'target' } });
    expect(readlinkSync(path.join(d, 'l'))).toBe('target');
    expect(await run({ path: path.join(d, 'new'), state: 'link' })).toMatchObject({
      kind: 'failed',
      msg: 'src is required for creating new symlinks',
    });
  });

  it('refuses a missing src without force, a file or directory without force, a full directory with it', async () => {
    const d = tmp();
    expect(await run({ src: '/nonexistent-fp', dest: path.join(d, 'l'), state: 'link' })).toMatchObject({
      kind: 'failed',
      msg: 'src file does not exist, use "force=yes" if you really want to create the link: /nonexistent-fp',
    });
    expect(await run({ src: '/nonexistent-fp', dest: path.join(d, 'l'), state: 'link', force: true })).toMatchObject({ kind: 'changed' });
    writeFileSync(path.join(d, 'f'), '');
    expect(await run({ src: '/', dest: path.join(d, 'f'), state: 'link' })).toMatchObject({
      kind: 'failed',
      msg: `refusing to convert from file to symlink for ${path.join(d, 'f')}`,
    });
    mkdirSync(path.join(d, 'dir'));
    writeFileSync(path.join(d, 'dir/x'), '');
    expect(await run({ src: '/', dest: path.join(d, 'dir'), state: 'link' })).toMatchObject({
      kind: 'failed',
      msg: `refusing to convert from directory to symlink for ${path.join(d, 'dir')}`,
    });
    expect(await run({ src: '/', dest: path.join(d, 'dir'), state: 'link', force: true })).toMatchObject({
      kind: 'failed',
      msg: `the directory ${path.join(d, 'dir')} is not empty, refusing to convert it`,
    });
    mkdirSync(path.join(d, 'empty'));
    expect(await run({ src: '/', dest: path.join(d, 'empty'), state: 'link', force: true })).toMatchObject({ kind: 'changed' });
    expect(lstatSync(path.join(d, 'empty')).isSymbolicLink()).toBe(true);
  });
});

describe('file recurse with follow (the default), as recursive_set_attributes', () => {
  it('sets what links below lead to, through linked directories too; a broken link stays as it is', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'top'));
    mkdirSync(path.join(d, 'tdir'), { mode: 0o700 });
    writeFileSync(path.join(d, 'tfile'), '', { mode: 0o700 });
    writeFileSync(path.join(d, 'tdir/foo'), '', { mode: 0o700 });
    symlinkSync('../tfile', path.join(d, 'top/l1'));
    symlinkSync('../tdir', path.join(d, 'top/l2'));
    symlinkSync('nothere', path.join(d, 'top/l3'));
    const mode = (p: string) => (lstatSync(path.join(d, p)).mode & 0o7777).toString(8);
    expect(await run({ path: path.join(d, 'top'), recurse: true, mode: 'a-x', follow: false })).toMatchObject({ kind: 'changed' });
    expect([mode('tfile'), mode('tdir'), mode('tdir/foo')]).toEqual(['700', '700', '700']);
    expect(await run({ path: path.join(d, 'top'), recurse: true, mode: 'a-x' })).toMatchObject({ kind: 'changed' });
    expect([mode('tfile'), mode('tdir'), mode('tdir/foo')]).toEqual(['600', '600', '600']);
    expect(await run({ path: path.join(d, 'top'), recurse: true, mode: 'a-x' })).toMatchObject({ kind: 'ok' });
  });
});

describe('file on a directory path, as additional_parameter_handling', () => {
  it('places a hard link inside a directory under src’s name, and a touch under _original_basename', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'sub'));
    writeFileSync(path.join(d, 'a'), 'x');
    const hard = await run({ src: path.join(d, 'a'), dest: path.join(d, 'sub'), state: 'hard' });
    expect(hard).toMatchObject({ kind: 'changed', data: { dest: path.join(d, 'sub/a'), state: 'hard' } });
    expect(lstatSync(path.join(d, 'sub')).isDirectory()).toBe(true);
    expect(lstatSync(path.join(d, 'sub/a')).ino).toBe(lstatSync(path.join(d, 'a')).ino);
    expect(await run({ path: path.join(d, 'sub'), state: 'touch', _original_basename: 'n' })).toMatchObject({ kind: 'changed' });
    expect(existsSync(path.join(d, 'sub/n'))).toBe(true);
    // Without a name to place, the directory itself: touch sets its times.
    expect(await run({ path: path.join(d, 'sub'), state: 'touch' })).toMatchObject({ kind: 'changed', data: { state: 'directory' } });
  });
});

describe('file state hard with relative paths', () => {
  it('reads src from the working directory, as os.link does (not from the link’s directory)', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'sub'));
    writeFileSync(path.join(d, 'orig'), 'x');
    const inDir: typeof runLocally = (command, c) => runLocally(`cd '${d}' && {\n${command}\n}`, c);
    const { args } = canonicalArgs(fileModule.schema as Record<string, unknown>, { src: 'orig', dest: 'sub/link', state: 'hard' });
    const p = await planModule(fileModule, args, fakeHost({ reply: inDir }));
    expect(p.kind).toBe('change');
    if (p.kind === 'change')
      expect(await p.apply()).toMatchObject({ kind: 'changed', data: { dest: 'sub/link', src: 'orig', state: 'hard' } });
    expect(lstatSync(path.join(d, 'sub/link')).ino).toBe(lstatSync(path.join(d, 'orig')).ino);
  });
});

describe('file internals and check mode', () => {
  it('answers _diff_peek with whether the head holds a NUL byte, and changes nothing', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 't'), 'text\n');
    writeFileSync(path.join(d, 'b'), Buffer.from([1, 0, 2]));
    expect(await run({ path: path.join(d, 't'), _diff_peek: true })).toMatchObject({ kind: 'ok', data: { appears_binary: false } });
    expect(await run({ path: path.join(d, 'b'), _diff_peek: true })).toMatchObject({ kind: 'ok', data: { appears_binary: true } });
  });

  it('warns in check mode about an owner or group the host does not know, by name or by id', async () => {
    const f = path.join(tmp(), 'f');
    writeFileSync(f, '');
    const p = await plan({ path: f, owner: 'fp-no-such-user', group: '987654' }, true);
    expect(p.data?.warnings).toEqual([
      'failed to look up user fp-no-such-user. Create user up to this point in real play',
      'failed to look up group with gid 987654. Create group up to this point in real play',
    ]);
    expect((await plan({ path: f, owner: 'root' }, true)).data?.warnings).toBeUndefined();
  });

  it('removes the file touch made when its attributes cannot be set', async () => {
    const f = path.join(tmp(), 'f');
    const out = await run({ path: f, state: 'touch', owner: 'fp-no-such-user' });
    expect(out.kind).toBe('failed');
    expect(existsSync(f)).toBe(false);
  });
});
