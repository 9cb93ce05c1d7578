// stat on the module contract: one read, the result in Ansible's shape (stat.py), on a real shell.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import { statModule } from '../../../../modules/stat/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-stat-'));
const file = path.join(dir, 'a.txt');
writeFileSync(file, 'hello\n');
chmodSync(file, 0o640);
const link = path.join(dir, 'l');
symlinkSync('a.txt', link);
const sum = (algo: string) => createHash(algo).update('hello\n').digest('hex');

async function stat(written: Record<string, unknown>, check = false) {
  const h = fakeHost({ reply: runLocally, check });
  // As the loader does: Ansible's other names are renamed before the module sees them.
  const { args, problems } = canonicalArgs(statModule.schema as Record<string, unknown>, written);
  expect(problems).toEqual([]);
  const plan = await planModule(statModule, args, h);
  return { plan, stat: (plan as { data?: { stat?: Record<string, unknown> } }).data?.stat ?? {}, commands: h.commands };
}

describe('stat', () => {
  it('reports a missing path as Ansible does: exists false alone', async () => {
    const r = await stat({ path: path.join(dir, 'nope') });
    expect(r.plan).toEqual({ kind: 'ok', msg: `${path.join(dir, 'nope')} does not exist`, data: { stat: { exists: false } } });
    expect(r.commands).toHaveLength(1);
  });

  it("returns stat.py's fields for a file, sha1 by default", async () => {
    const { stat: s } = await stat({ path: file });
    const st = statSync(file);
    expect(s).toMatchObject({
      exists: true,
      path: file,
      mode: '0640',
      isreg: true,
      isdir: false,
      islnk: false,
      ischr: false,
      isblk: false,
      isfifo: false,
      issock: false,
      uid: st.uid,
      gid: st.gid,
      size: 6,
      inode: st.ino,
      dev: st.dev,
      nlink: 1,
      rusr: true,
      wusr: true,
      xusr: false,
      rgrp: true,
      wgrp: false,
      roth: false,
      isuid: false,
      isgid: false,
      blocks: st.blocks,
      block_size: st.blksize,
      device_type: 0,
      readable: true,
      writeable: true,
      executable: false,
      checksum: sum('sha1'),
      mimetype: 'text/plain',
      charset: 'us-ascii',
    });
    expect(Math.abs((s.mtime as number) - st.mtimeMs / 1000)).toBeLessThan(0.01);
    expect(s).toHaveProperty('attr_flags');
    expect(Array.isArray(s.attributes)).toBe(true);
    expect(s.pw_name).toBe(os.userInfo().username);
  });

  it('computes every checksum algorithm Ansible offers, under its aliases too', async () => {
    for (const algo of ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
      expect((await stat({ path: file, checksum_algorithm: algo })).stat.checksum).toBe(sum(algo));
    }
    expect((await stat({ dest: file, checksum: 'sha256' })).stat.checksum).toBe(sum('sha256'));
    expect((await stat({ name: file, checksum_algo: 'md5' })).stat.checksum).toBe(sum('md5'));
    const none = await stat({ path: file, get_checksum: false, mime: false, attr: false });
    expect(none.stat).not.toHaveProperty('checksum');
    expect(none.stat).not.toHaveProperty('mimetype');
    expect(none.stat).not.toHaveProperty('attributes');
    expect(none.commands[0]).not.toContain('lsattr');
  });

  it('reads a link itself by default and its target with follow', async () => {
    const own = await stat({ path: link });
    expect(own.stat).toMatchObject({
      islnk: true,
      isreg: false,
      mode: '0777',
      lnk_target: 'a.txt',
      lnk_source: file,
      mimetype: 'inode/symlink',
    });
    expect(own.stat).not.toHaveProperty('checksum');
    expect(own.stat.inode).toBe(lstatSync(link).ino);
    const followed = await stat({ path: link, follow: true });
    expect(followed.stat).toMatchObject({ islnk: false, isreg: true, mode: '0640', checksum: sum('sha1') });
    expect(followed.stat).not.toHaveProperty('lnk_target');
    const broken = path.join(dir, 'broken');
    symlinkSync('nowhere', broken);
    expect((await stat({ path: broken })).stat).toMatchObject({ exists: true, islnk: true });
    expect((await stat({ path: broken, follow: true })).stat).toEqual({ exists: false });
  });

  it('reads lsattr flags into attributes and attr_flags', async () => {
    const h = fakeHost({
      reply: `rawmode=81a4\nuid=0\ngid=0\npw_name=root\ngr_name=root\nsize=1\nlsattr=42 ----i---------e------- /x\n`,
    });
    const plan = await planModule(statModule, { path: '/x' }, h);
    expect(plan).toMatchObject({
      data: { stat: { version: '42', attr_flags: 'ie', attributes: ['immutable', 'extents'], mimetype: 'unknown', charset: 'unknown' } },
    });
  });

  it('in check mode, an earlier task’s prediction wins (and an unknown checksum is unknown)', async () => {
    const predicted = createPredictedState();
    predicted.setFile('/srv/new.conf', { type: 'file', content: 'x\n', mode: '0600', owner: 'app', group: 'app' });
    predicted.setFile('/srv/blob', { type: 'file', checksum: 'f'.repeat(64), size: 9 });
    predicted.setFile('/srv/gone', { type: 'absent' });
    const h = fakeHost({ check: true, predicted, reply: 'absent=1\n' });
    expect(await planModule(statModule, { path: '/srv/new.conf', checksum_algorithm: 'md5' }, h)).toMatchObject({
      kind: 'ok',
      data: {
        stat: { exists: true, isreg: true, mode: '0600', pw_name: 'app', size: 2, checksum: createHash('md5').update('x\n').digest('hex') },
      },
    });
    expect(await planModule(statModule, { path: '/srv/blob' }, h)).toMatchObject({ kind: 'unknown' });
    expect(await planModule(statModule, { path: '/srv/blob', checksum_algorithm: 'sha256' }, h)).toMatchObject({
      data: { stat: { checksum: 'f'.repeat(64), size: 9 } },
    });
    expect(await planModule(statModule, { path: '/srv/gone' }, fakeHost({ check: true, predicted, reply: runLocally }))).toMatchObject({
      data: { stat: { exists: false } },
    });
  });
});
