// copy's backup: an existing dest whose content changes is copied to <dest>.<pid>.<YYYY-MM-DD@HH:MM:SS~> first (Ansible's backup_local).
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const BACKUP_NAME = /^dest\.conf\.\d+\.\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}~$/;

function setup(old: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-backup-'));
  const dest = path.join(dir, 'dest.conf');
  writeFileSync(dest, old);
  chmodSync(dest, 0o640);
  return { dir, dest };
}

async function run(args: Record<string, unknown>) {
  const plan = await planModule(copyModule, args, fakeHost({ reply: runLocally }));
  if (plan.kind !== 'change') return plan;
  return plan.apply();
}

describe('copy backup', () => {
  it('copies the old file aside, keeping its mode, and reports backup_file', async () => {
    const { dir, dest } = setup('old\n');
    const out = await run({ content: 'new\n', dest, backup: true });
    expect(out).toMatchObject({ kind: 'changed', data: { dest, backup_file: expect.stringMatching(/\.\d+\.\d{4}-/) } });
    const backup = String(out.data?.backup_file);
    expect(path.dirname(backup)).toBe(dir);
    expect(path.basename(backup)).toMatch(BACKUP_NAME);
    expect(readFileSync(backup, 'utf8')).toBe('old\n');
    expect(statSync(backup).mode & 0o777).toBe(0o640);
    expect(readFileSync(dest, 'utf8')).toBe('new\n');
  });

  it('makes no backup when only attributes change, when nothing changes, or when dest is new', async () => {
    const { dir, dest } = setup('same\n');
    expect(await run({ content: 'same\n', dest, backup: true, mode: '0600' })).toMatchObject({
      kind: 'changed',
      msg: `set mode of ${dest}`,
    });
    expect(await run({ content: 'same\n', dest, backup: true })).toMatchObject({ kind: 'ok' });
    const fresh = await run({ content: 'x', dest: path.join(dir, 'fresh'), backup: true });
    expect(fresh).toMatchObject({ kind: 'changed' });
    expect((fresh as { data?: Record<string, unknown> }).data?.backup_file).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['dest.conf', 'fresh']);
  });

  it('backs up with remote_src too', async () => {
    const { dir, dest } = setup('old\n');
    const src = path.join(dir, 'src');
    writeFileSync(src, 'from host\n');
    const out = await run({ src, dest, remote_src: true, backup: true });
    const backup = String(out.data?.backup_file);
    expect(path.basename(backup)).toMatch(BACKUP_NAME);
    expect(readFileSync(backup, 'utf8')).toBe('old\n');
    expect(readFileSync(dest, 'utf8')).toBe('from host\n');
  });

  it('writes nothing in check mode', async () => {
    const { dir, dest } = setup('old\n');
    const h = fakeHost({ check: true, reply: runLocally });
    const plan = await planModule(copyModule, { content: 'new\n', dest, backup: true }, h);
    expect(plan).toMatchObject({ kind: 'change', data: { dest } });
    expect((plan as { data?: Record<string, unknown> }).data?.backup_file).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['dest.conf']);
    expect(h.commands.some((c) => c.includes('cp -p'))).toBe(false);
  });
});
