// mount: decisions state by state on a fake host (Ansible's main() in ansible.posix mount.py), the argument
// rules, and check mode's prediction carried from one task to the next.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../../engine/errors.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { Plan, PredictedState } from '../../../../engine/types.ts';
import { mountModule } from '../../../../modules/mount/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const BASE = '/dev/sda1 / ext4 defaults 0 1\n';
const WWW = '/dev/sdc1 /srv/www ext4 defaults 0 0\n';

/** A host whose probe answers with this fstab text (undefined: no fstab), mount state and mount point. */
function host(o: { fstab?: string; mounted?: boolean; dir?: boolean; check?: boolean; predicted?: PredictedState }) {
  const out = [
    ...(o.fstab !== undefined ? ['@fstab=/etc/fstab', '@attrs=644 root root', `@text=${b64(o.fstab)}`] : []),
    ...(o.dir ? ['@dir'] : []),
    ...(o.mounted ? ['@mounted'] : []),
  ];
  return fakeHost({
    check: o.check ?? false,
    ...(o.predicted ? { predicted: o.predicted } : {}),
    answers: [['/proc/self/mountinfo', `${out.join('\n')}\n`]],
  });
}

const www = { path: '/srv/www', src: '/dev/sdc1', fstype: 'ext4' };
const plan = (args: Record<string, unknown>, h: ReturnType<typeof host>) => planModule(mountModule, args, h);
type Change = Extract<Plan, { kind: 'change' }>;

describe('mount decisions', () => {
  it('path none: a swap line, written and removed by its src, never mounted, and no directory touched', async () => {
    const swap = { path: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw' };
    expect(checkSchema(mountModule.schema, { ...swap, state: 'present' }, 'mount')).toEqual([]);
    expect(checkSchema(mountModule.schema, { ...swap, path: 'relative', state: 'present' }, 'mount')).not.toEqual([]);
    const other = '/swap2 none swap sw 0 0\n';
    const add = (await plan({ ...swap, state: 'present' }, host({ fstab: BASE + other, dir: true }))) as Change;
    expect(add.kind).toBe('change');
    expect(add.diff).toEqual([{ header: '/etc/fstab', before: BASE + other, after: `${BASE + other}/swapfile none swap sw 0 0\n` }]);
    const mine = '/swapfile none swap sw 0 0\n';
    expect((await plan({ ...swap, state: 'present' }, host({ fstab: BASE + mine + other }))).kind).toBe('ok');
    const gone = (await plan({ ...swap, state: 'absent' }, host({ fstab: BASE + mine + other, dir: true }))) as Change;
    expect(gone.diff).toEqual([{ header: '/etc/fstab', before: BASE + mine + other, after: BASE + other }]);
    expect(gone.msg).not.toMatch(/remove none|rmdir/);
    expect(await plan({ ...swap, state: 'mounted' }, host({ fstab: BASE }))).toMatchObject({
      kind: 'failed',
      msg: 'path none names a swap line in /etc/fstab: only state present, absent or absent_from_fstab apply',
    });
  });

  it("present adds the entry only (no mount), with the fstab diff and Ansible's result data", async () => {
    const p = (await plan({ ...www, state: 'present' }, host({ fstab: BASE }))) as Change;
    expect(p.kind).toBe('change');
    expect(p.msg).toBe('update /etc/fstab');
    expect(p.diff).toEqual([{ header: '/etc/fstab', before: BASE, after: BASE + WWW }]);
    expect(p.data).toEqual({
      name: '/srv/www',
      src: '/dev/sdc1',
      fstype: 'ext4',
      opts: 'defaults',
      dump: '0',
      passno: '0',
      fstab: '/etc/fstab',
      boot: 'yes',
    });
  });

  it('present is ok when the entry is there, mounted or not', async () => {
    expect((await plan({ ...www, state: 'present' }, host({ fstab: BASE + WWW }))).kind).toBe('ok');
  });

  it('mounted creates a missing mount point, adds the entry and mounts', async () => {
    const p = (await plan({ ...www, state: 'mounted' }, host({ fstab: BASE }))) as Change;
    expect(p.msg).toBe('create /srv/www; update /etc/fstab; mount /srv/www');
    expect(p.summary).toEqual([
      { verb: 'write', object: 'fstab entry', plural: 'fstab entries' },
      { verb: 'mount', object: '/srv/www', named: true },
    ]);
  });

  it('mounted mounts an entry already in the fstab without writing it', async () => {
    const p = (await plan({ ...www, state: 'mounted' }, host({ fstab: BASE + WWW, dir: true }))) as Change;
    expect(p.msg).toBe('mount /srv/www');
  });

  it('mounted is ok when mounted with the same entry, and remounts when the entry changed', async () => {
    expect((await plan({ ...www, state: 'mounted' }, host({ fstab: BASE + WWW, dir: true, mounted: true }))).kind).toBe('ok');
    const p = (await plan({ ...www, state: 'mounted', opts: 'noatime' }, host({ fstab: BASE + WWW, dir: true, mounted: true }))) as Change;
    expect(p.msg).toBe('update /etc/fstab; remount /srv/www');
  });

  it('boot: false appends noauto to opts', async () => {
    const p = (await plan({ ...www, state: 'present', boot: false }, host({ fstab: '' }))) as Change;
    expect(p.diff?.[0]?.after).toBe('/dev/sdc1 /srv/www ext4 defaults,noauto 0 0\n');
    expect(p.data?.boot).toBe('no');
  });

  it('unmounted unmounts and keeps the entry; ok when not mounted', async () => {
    const p = (await plan({ path: '/srv/www', state: 'unmounted' }, host({ fstab: BASE + WWW, dir: true, mounted: true }))) as Change;
    expect(p.msg).toBe('unmount /srv/www');
    expect(p.diff).toEqual([{ header: 'mount /srv/www', before: 'mounted', after: 'unmounted' }]);
    expect((await plan({ path: '/srv/www', state: 'unmounted' }, host({ fstab: BASE + WWW, dir: true }))).kind).toBe('ok');
  });

  it('absent removes the entry, unmounts and removes the mount point', async () => {
    const p = (await plan({ path: '/srv/www', state: 'absent' }, host({ fstab: BASE + WWW, dir: true, mounted: true }))) as Change;
    expect(p.msg).toBe('update /etc/fstab; unmount /srv/www; remove /srv/www');
    expect(p.diff?.[0]).toEqual({ header: '/etc/fstab', before: BASE + WWW, after: BASE });
  });

  it('absent without an fstab entry is ok even when mounted (Ansible unmounts only when a line went)', async () => {
    const p = await plan({ path: '/srv/www', state: 'absent' }, host({ fstab: BASE, dir: true, mounted: true }));
    expect(p).toMatchObject({ kind: 'ok', msg: '/srv/www is not in /etc/fstab (mounted)' });
  });

  it('absent_from_fstab removes the entry only', async () => {
    const p = (await plan(
      { path: '/srv/www', state: 'absent_from_fstab' },
      host({ fstab: BASE + WWW, dir: true, mounted: true }),
    )) as Change;
    expect(p.msg).toBe('update /etc/fstab');
  });

  it('remounted always changes when mounted, and fails when nothing is mounted there', async () => {
    expect(((await plan({ path: '/srv/www', state: 'remounted' }, host({ fstab: '', mounted: true }))) as Change).msg).toBe(
      'remount /srv/www',
    );
    expect(await plan({ path: '/srv/www', state: 'remounted' }, host({ fstab: '' }))).toMatchObject({
      kind: 'failed',
      msg: 'Error remounting /srv/www: /srv/www is not mounted',
    });
  });

  it('a probe that fails is a failure naming the fstab', async () => {
    const h = fakeHost({ answers: [['mountinfo', { exitCode: 1, stderr: 'base64: /etc/fstab: Permission denied' }]] });
    expect(await plan({ path: '/srv/www', state: 'unmounted' }, h)).toMatchObject({
      kind: 'failed',
      msg: 'cannot read /etc/fstab or the mounts: base64: /etc/fstab: Permission denied',
    });
  });
});

describe('mount arguments', () => {
  const issues = (a: unknown) => checkSchema(mountModule.schema, a, "module 'mount'");

  it("takes Ansible's arguments; paths must be absolute and fields one line without tabs", () => {
    expect(
      issues({
        path: '/mnt/x',
        src: 'tmpfs',
        fstype: 'tmpfs',
        opts: 'size=1m',
        dump: 0,
        passno: '2',
        state: 'mounted',
        fstab: '/tmp/fstab',
        backup: true,
        boot: false,
      }),
    ).toEqual([]);
    expect(issues({ path: 'mnt/x', state: 'mounted' })).toHaveLength(1);
    expect(issues({ path: '/mnt/x', state: 'mounted', fstab: 'fstab' })).toHaveLength(1);
    expect(issues({ path: '/mnt/x', state: 'mounted', opts: 'a\tb' })).toHaveLength(1);
    expect(issues({ path: '/mnt/x\n/y', state: 'present' })).toHaveLength(1);
    expect(issues({ path: '/mnt/x', state: 'gone' })).toHaveLength(1);
  });

  it('refuses ephemeral, and mounted or present without src and fstype, before reading anything', async () => {
    const h = host({ fstab: '' });
    await expect(plan({ ...www, state: 'ephemeral' }, h)).rejects.toThrow(/'ephemeral'.*not supported/);
    await expect(plan({ path: '/srv/www', src: 'x', state: 'mounted' }, h)).rejects.toThrow(FleetError);
    await expect(plan({ path: '/srv/www', state: 'present' }, h)).rejects.toThrow(
      'state is present but all of the following are missing: src, fstype',
    );
    expect(h.commands).toEqual([]);
  });
});

describe('mount in check mode', () => {
  it('carries the fstab text and the mount state to the next tasks', async () => {
    const predicted = createPredictedState();
    const h = () => host({ fstab: BASE, check: true, predicted });
    const first = (await plan({ ...www, state: 'mounted' }, h())) as Change;
    expect(first.msg).toBe('create /srv/www; update /etc/fstab; mount /srv/www');
    expect(predicted.file('/etc/fstab')).toMatchObject({ type: 'file', content: BASE + WWW, mode: '0644' });
    expect(predicted.file('/srv/www')).toEqual({ type: 'directory' });
    expect((await plan({ ...www, state: 'mounted' }, h())).kind).toBe('ok');
    expect(((await plan({ path: '/srv/www', state: 'unmounted' }, h())) as Change).msg).toBe('unmount /srv/www');
    expect(((await plan({ path: '/srv/www', state: 'remounted' }, h())) as Plan).kind).toBe('failed');
    expect(((await plan({ path: '/srv/www', state: 'absent' }, h())) as Change).msg).toBe('update /etc/fstab; remove /srv/www');
    expect(predicted.file('/etc/fstab')).toMatchObject({ content: BASE });
    expect(predicted.file('/srv/www')).toEqual({ type: 'absent' });
    expect((await plan({ path: '/srv/www', state: 'absent' }, h())).kind).toBe('ok');
  });

  it('is unknown when an earlier task writes the fstab with text check mode does not know', async () => {
    const predicted = createPredictedState();
    predicted.setFile('/etc/fstab', { type: 'file' });
    const p = await plan({ ...www, state: 'present' }, host({ fstab: BASE, check: true, predicted }));
    expect(p).toMatchObject({ kind: 'unknown', msg: expect.stringContaining('/etc/fstab') });
  });
});
