// kernel_blacklist: Ansible's line matching and rewrite, and the module on real files under /bin/sh
// (probe, atomic write, symlinks, a missing file or directory), in the real run and in check mode.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { Plan } from '../../../../engine/types.ts';
import { moduleRegistry } from '../../../../modules/index.ts';
import { blacklists, editBlacklist, fileLines, kernelBlacklistModule } from '../../../../modules/kernel_blacklist/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

describe('blacklist lines, as community.general.kernel_blacklist reads and writes them', () => {
  it('matches `blacklist <name>` with any spacing, never a comment or another module', () => {
    expect(blacklists('blacklist nouveau', 'nouveau')).toBe(true);
    expect(blacklists('  blacklist\t nouveau  ', 'nouveau')).toBe(true);
    expect(blacklists('blacklistnouveau', 'nouveau')).toBe(false);
    expect(blacklists('blacklist nouveau2', 'nouveau')).toBe(false);
    expect(blacklists('blacklist nouveau # why', 'nouveau')).toBe(false);
    expect(blacklists('install nouveau /bin/true', 'nouveau')).toBe(false);
    expect(editBlacklist('# blacklist nouveau\n', 'nouveau', true)).toBe('# blacklist nouveau\nblacklist nouveau\n');
  });

  it('appends for present, drops every matching line for absent, and leaves a file as wanted alone', () => {
    expect(editBlacklist('', 'usb_storage', true)).toBe('blacklist usb_storage\n');
    expect(editBlacklist('blacklist a', 'b', true)).toBe('blacklist a\nblacklist b\n');
    expect(editBlacklist('blacklist a  \nblacklist b\n', 'b', true)).toBeUndefined();
    expect(editBlacklist('blacklist b\n# keep  \nblacklist  b\n', 'b', false)).toBe('# keep\n');
    expect(editBlacklist('blacklist a\n', 'b', false)).toBeUndefined();
  });

  it("reads lines as Python's readlines + rstrip", () => {
    expect(fileLines('a \r\n\nb')).toEqual(['a', '', 'b']);
    expect(fileLines('')).toEqual([]);
  });

  it('validates its arguments and is registered under its collection name', () => {
    const issues = (a: unknown) => checkSchema(kernelBlacklistModule.schema, a, "module 'kernel_blacklist'").map((i) => i.message);
    expect(issues({ name: 'nouveau', state: 'absent', blacklist_file: '/etc/modprobe.d/x.conf' })).toEqual([]);
    expect(issues({ state: 'present' })[0]).toMatch(/missing required argument 'name'/);
    expect(issues({ name: 'a b' })).toHaveLength(1);
    expect(issues({ name: 'a\nblacklist b' })).toHaveLength(1);
    expect(issues({ name: 'a', blacklist_file: 'relative.conf' })).toHaveLength(1);
    expect(issues({ name: 'a', state: 'blocked' })).toHaveLength(1);
    expect(moduleRegistry.find('community.general.kernel_blacklist')).toBe(kernelBlacklistModule);
  });
});

describe('kernel_blacklist on real files', () => {
  const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'fp-kbl-'));
  type Change = Extract<Plan, { kind: 'change' }>;

  it('adds the line atomically, keeping the mode, then is ok', async () => {
    const dir = tmp();
    const file = path.join(dir, 'blacklist.conf');
    writeFileSync(file, '# managed\nblacklist pcspkr  \n', { mode: 0o600 });
    const host = fakeHost({ reply: runLocally });
    const plan = (await planModule(kernelBlacklistModule, { name: 'nouveau', blacklist_file: file }, host)) as Change;
    expect(plan).toMatchObject({
      kind: 'change',
      msg: `add blacklist nouveau in ${file}`,
      diff: [{ header: file, before: '# managed\nblacklist pcspkr  \n', after: '# managed\nblacklist pcspkr\nblacklist nouveau\n' }],
      data: { name: 'nouveau', state: 'present', lines: ['# managed', 'blacklist pcspkr', 'blacklist nouveau'] },
    });
    expect(readFileSync(file, 'utf8')).toBe('# managed\nblacklist pcspkr  \n');
    expect(await plan.apply()).toMatchObject({ kind: 'changed', msg: `add blacklist nouveau in ${file}` });
    expect(readFileSync(file, 'utf8')).toBe('# managed\nblacklist pcspkr\nblacklist nouveau\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['blacklist.conf']);
    expect(
      await planModule(kernelBlacklistModule, { name: 'nouveau', blacklist_file: file }, fakeHost({ reply: runLocally })),
    ).toMatchObject({
      kind: 'ok',
      msg: `nouveau is blacklisted in ${file}`,
    });
  });

  it('removes the line, writing the target of a symlinked file', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'real.conf'), 'blacklist nouveau\nblacklist pcspkr\n');
    symlinkSync('real.conf', path.join(dir, 'link.conf'));
    const plan = (await planModule(
      kernelBlacklistModule,
      { name: 'nouveau', state: 'absent', blacklist_file: path.join(dir, 'link.conf') },
      fakeHost({ reply: runLocally }),
    )) as Change;
    expect(plan.msg).toBe(`remove blacklist nouveau in ${path.join(dir, 'link.conf')}`);
    await plan.apply();
    expect(readFileSync(path.join(dir, 'real.conf'), 'utf8')).toBe('blacklist pcspkr\n');
    expect(lstatSync(path.join(dir, 'link.conf')).isSymbolicLink()).toBe(true);
  });

  it('creates a missing file (empty for absent, as Ansible), and fails when its directory is missing', async () => {
    const dir = tmp();
    const file = path.join(dir, 'blacklist-ansible.conf');
    const absent = (await planModule(
      kernelBlacklistModule,
      { name: 'nouveau', state: 'absent', blacklist_file: file },
      fakeHost({ reply: runLocally }),
    )) as Change;
    expect(absent).toMatchObject({ kind: 'change', msg: `create ${file} (empty, as Ansible does)` });
    await absent.apply();
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const missing = path.join(dir, 'nodir', 'x.conf');
    expect(
      await planModule(kernelBlacklistModule, { name: 'nouveau', blacklist_file: missing }, fakeHost({ reply: runLocally })),
    ).toMatchObject({
      kind: 'failed',
      msg: `cannot create ${missing}: directory ${path.join(dir, 'nodir')} does not exist`,
    });
  });

  it('fails on a directory', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'd'));
    expect(
      (await planModule(kernelBlacklistModule, { name: 'x', blacklist_file: path.join(dir, 'd') }, fakeHost({ reply: runLocally }))).kind,
    ).toBe('failed');
  });
});

describe('kernel_blacklist in check mode', () => {
  it('loop items see each other through the predicted file, and nothing is written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-kbl-'));
    const file = path.join(dir, 'blacklist.conf');
    const host = fakeHost({ check: true, reply: runLocally });
    for (const name of ['nouveau', 'pcspkr']) {
      expect(await planModule(kernelBlacklistModule, { name, blacklist_file: file }, host)).toMatchObject({ kind: 'change' });
    }
    expect(host.predicted.file(file)).toMatchObject({ type: 'file', content: 'blacklist nouveau\nblacklist pcspkr\n', mode: '0644' });
    expect(await planModule(kernelBlacklistModule, { name: 'nouveau', blacklist_file: file }, host)).toMatchObject({ kind: 'ok' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('counts a directory an earlier task would create, and is unknown after a write of unknown text', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-kbl-'));
    const file = path.join(dir, 'modprobe.d', 'bl.conf');
    const host = fakeHost({ check: true, reply: runLocally });
    expect((await planModule(kernelBlacklistModule, { name: 'a', blacklist_file: file }, host)).kind).toBe('failed');
    host.predicted.setFile(path.join(dir, 'modprobe.d'), { type: 'directory', mode: '0755' });
    expect(await planModule(kernelBlacklistModule, { name: 'a', blacklist_file: file }, host)).toMatchObject({ kind: 'change' });
    host.predicted.setFile(file, { type: 'file', checksum: 'ab'.repeat(32) });
    expect((await planModule(kernelBlacklistModule, { name: 'a', blacklist_file: file }, host)).kind).toBe('unknown');
  });
});
