// copy's Ansible arguments on a real shell: a directory src (with and without its trailing slash,
// directory_mode, local_follow), mode: preserve and symbolic modes, checksum, follow. Check mode plans what
// the real run does, the real run leaves the files, and a second run is ok.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-copy-args-'));
const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const SHA1_HELLO = 'f572d396fae9206628714fb2ce00f72e94f2258f'; // sha1('hello\n')

async function plan(args: Record<string, unknown>, check = false, predicted = createPredictedState()) {
  return planModule(copyModule, args, fakeHost({ reply: runLocally, check, predicted }));
}

async function converge(args: Record<string, unknown>): Promise<{ kind: string; msg: string }> {
  const check = await plan(args, true);
  const real = await plan(args);
  expect({ kind: check.kind, msg: check.msg }).toEqual({ kind: real.kind, msg: real.msg });
  if (real.kind === 'change') {
    expect(await real.apply()).toMatchObject({ kind: 'changed' });
    const again = await plan(args);
    expect(again.kind, again.msg).toBe('ok');
  }
  return { kind: real.kind, msg: real.msg };
}

function sourceTree(): string {
  const src = path.join(tmp(), 'conf');
  mkdirSync(path.join(src, 'sub/empty'), { recursive: true });
  writeFileSync(path.join(src, 'a.txt'), 'hello\n');
  writeFileSync(path.join(src, 'sub/run.sh'), '#!/bin/sh\n');
  chmodSync(path.join(src, 'sub/run.sh'), 0o750);
  symlinkSync('a.txt', path.join(src, 'link'));
  return src;
}

describe('copy of a directory src', () => {
  it('copies the directory itself without a trailing slash, with directory_mode on the directories it creates', async () => {
    const src = sourceTree();
    const dest = path.join(tmp(), 'out');
    const r = await converge({ src, dest, directory_mode: '0750' });
    expect(r).toEqual({ kind: 'change', msg: `copy 4 directories, 3 files to ${path.join(dest, 'conf')}` });
    expect(readFileSync(path.join(dest, 'conf/a.txt'), 'utf8')).toBe('hello\n');
    // local_follow (default): the link's file is copied as a file.
    expect(lstatSync(path.join(dest, 'conf/link')).isFile()).toBe(true);
    expect([modeOf(dest), modeOf(path.join(dest, 'conf')), modeOf(path.join(dest, 'conf/sub/empty'))]).toEqual(['0750', '0750', '0750']);
    expect(modeOf(path.join(dest, 'conf/sub/run.sh'))).toBe('0644');
  });

  it('copies the contents with a trailing slash, keeps links with local_follow: false, and preserves modes', async () => {
    const src = sourceTree();
    const dest = path.join(tmp(), 'out');
    mkdirSync(dest);
    const r = await converge({ src: `${src}/`, dest, local_follow: false, mode: 'preserve' });
    expect(r).toEqual({ kind: 'change', msg: `copy 2 directories, 2 files, 1 link to ${dest}` });
    expect(readlinkSync(path.join(dest, 'link'))).toBe('a.txt');
    expect(modeOf(path.join(dest, 'sub/run.sh'))).toBe('0750');
    // force: false leaves a changed file alone; the default replaces it.
    writeFileSync(path.join(dest, 'a.txt'), 'changed\n');
    expect(await plan({ src: `${src}/`, dest, local_follow: false, mode: 'preserve', force: false })).toMatchObject({ kind: 'ok' });
    const again = await plan({ src: `${src}/`, dest, local_follow: false, mode: 'preserve', backup: true, validate: 'grep -q hello %s' });
    expect(again).toMatchObject({ kind: 'change', msg: `copy 1 file to ${dest}` });
    if (again.kind === 'change') expect(await again.apply()).toMatchObject({ kind: 'changed' });
    // The replaced file was backed up beside it (Ansible's <dest>.<pid>.<date>~).
    expect(readdirSync(dest).filter((n) => n.startsWith('a.txt.') && n.endsWith('~'))).toHaveLength(1);
    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('hello\n');
  });

  it('predicts the tree for later tasks in check mode', async () => {
    const src = sourceTree();
    const dest = path.join(tmp(), 'out');
    const predicted = createPredictedState();
    expect(await plan({ src: `${src}/`, dest }, true, predicted)).toMatchObject({ kind: 'change' });
    expect(predicted.file(path.join(dest, 'sub/run.sh'))).toMatchObject({ type: 'file', content: '#!/bin/sh\n' });
    expect(predicted.file(path.join(dest, 'sub/empty'))).toMatchObject({ type: 'directory' });
    // The same copy again in the same check run is ok.
    expect(await plan({ src: `${src}/`, dest }, true, predicted)).toMatchObject({ kind: 'ok' });
  });
});

describe('copy mode, checksum and follow', () => {
  it('computes a symbolic mode against the new file (0644) and the existing one', async () => {
    const d = tmp();
    const dest = path.join(d, 'f');
    expect((await converge({ content: 'x', dest, mode: 'u+x,go-r' })).kind).toBe('change');
    expect(modeOf(dest)).toBe('0700');
    expect((await converge({ content: 'x', dest, mode: 'g+r' })).kind).toBe('change');
    expect(modeOf(dest)).toBe('0740');
    expect(await plan({ content: 'x', dest, mode: 'u+z' })).toMatchObject({ kind: 'failed', msg: 'bad symbolic permission for mode: u+z' });
  });

  it("keeps src's mode with preserve, for a host src too", async () => {
    const d = tmp();
    const src = path.join(d, 's');
    writeFileSync(src, 'hello\n');
    chmodSync(src, 0o604);
    expect((await converge({ src, dest: path.join(d, 'a'), mode: 'preserve' })).kind).toBe('change');
    expect(modeOf(path.join(d, 'a'))).toBe('0604');
    expect((await converge({ src, dest: path.join(d, 'b'), mode: 'preserve', remote_src: true })).kind).toBe('change');
    expect(modeOf(path.join(d, 'b'))).toBe('0604');
  });

  it('copies only a src with the given SHA1, in check mode too', async () => {
    const d = tmp();
    const src = path.join(d, 's');
    writeFileSync(src, 'hello\n');
    expect((await converge({ src, dest: path.join(d, 'ok'), checksum: SHA1_HELLO })).kind).toBe('change');
    const wrong = { src, dest: path.join(d, 'no'), checksum: '0'.repeat(40) };
    for (const check of [true, false]) {
      expect(await plan(wrong, check)).toMatchObject({
        kind: 'failed',
        msg: 'Copied file does not match the expected checksum. Transfer failed.',
        data: { checksum: SHA1_HELLO, expected_checksum: '0'.repeat(40) },
      });
    }
    expect(await plan({ ...wrong, remote_src: true })).toMatchObject({ kind: 'failed', data: { checksum: SHA1_HELLO } });
  });

  it('writes through a dest link with follow, and replaces the link without it (the default)', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'real'), 'old\n');
    symlinkSync('real', path.join(d, 'l1'));
    symlinkSync('real', path.join(d, 'l2'));
    expect((await converge({ content: 'new\n', dest: path.join(d, 'l1'), follow: true })).msg).toBe(
      `update ${path.join(d, 'real')} (4 bytes)`,
    );
    expect(lstatSync(path.join(d, 'l1')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(d, 'real'), 'utf8')).toBe('new\n');
    expect((await converge({ content: 'other\n', dest: path.join(d, 'l2') })).kind).toBe('change');
    expect(lstatSync(path.join(d, 'l2')).isFile()).toBe(true);
    expect(readFileSync(path.join(d, 'real'), 'utf8')).toBe('new\n');
  });
});

describe('copy of a directory on the host (remote_src)', () => {
  it('copies the tree on the host, compares files by sha256, and keeps links with local_follow: false', async () => {
    const src = sourceTree();
    const dest = path.join(tmp(), 'out');
    // A host tree keeps its links unless local_follow is true (Ansible's module: copytree(symlinks=not local_follow)).
    const r = await converge({ src, dest, remote_src: true, directory_mode: '0700' });
    expect(r).toEqual({ kind: 'change', msg: `copy 4 directories, 2 files, 1 link to ${path.join(dest, 'conf')}` });
    const followed = path.join(tmp(), 'followed');
    expect(await converge({ src, dest: followed, remote_src: true, local_follow: true })).toEqual({
      kind: 'change',
      msg: `copy 4 directories, 3 files to ${path.join(followed, 'conf')}`,
    });
    expect(readFileSync(path.join(dest, 'conf/sub/run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect(modeOf(path.join(dest, 'conf/sub'))).toBe('0700');
    // Without mode, a file copied on the host keeps src's (Ansible's copytree), unlike one from the controller.
    expect(modeOf(path.join(dest, 'conf/sub/run.sh'))).toBe('0750');
    const flat = path.join(tmp(), 'flat');
    expect(await converge({ src: `${src}/`, dest: flat, remote_src: true, local_follow: false, mode: 'preserve' })).toEqual({
      kind: 'change',
      msg: `copy 3 directories, 2 files, 1 link to ${flat}`,
    });
    expect(readlinkSync(path.join(flat, 'link'))).toBe('a.txt');
    expect(modeOf(path.join(flat, 'sub/run.sh'))).toBe('0750');
    // A file with src's content keeps its own mode (Ansible's copy_diff_files only copies differing files).
    chmodSync(path.join(flat, 'sub/run.sh'), 0o700);
    expect(await plan({ src: `${src}/`, dest: flat, remote_src: true, local_follow: false })).toMatchObject({ kind: 'ok' });
    writeFileSync(path.join(src, 'a.txt'), 'changed\n');
    expect(await converge({ src: `${src}/`, dest: flat, remote_src: true, local_follow: false })).toEqual({
      kind: 'change',
      msg: `copy 1 file to ${flat}`,
    });
    expect(readFileSync(path.join(flat, 'a.txt'), 'utf8')).toBe('changed\n');
  });

  it('is unknown in check mode when an earlier task changes the host tree', async () => {
    const src = sourceTree();
    const predicted = createPredictedState();
    predicted.setFile(path.join(src, 'new.txt'), { type: 'file', content: 'n' });
    expect(await plan({ src: `${src}/`, dest: path.join(tmp(), 'x'), remote_src: true }, true, predicted)).toMatchObject({
      kind: 'unknown',
      msg: `an earlier task would change files under ${src}/; check mode cannot list them`,
    });
  });
});
