// mount: the probe and the apply script run under a real /bin/sh in a temporary directory, with `mount` and
// `umount` replaced by stubs that log their arguments (and fail on demand): the fstab written atomically,
// the mount point created, the undo after a failed mount, the backup, and the unmount and rmdir of absent.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import type { Plan } from '../../../../engine/types.ts';
import { mountinfoPath, mountModule } from '../../../../modules/mount/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

let dir: string;
let fstab: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fp-mount-'));
  fstab = path.join(dir, 'etc', 'fstab');
  mkdirSync(path.join(dir, 'bin'));
  for (const name of ['mount', 'umount']) {
    const stub = path.join(dir, 'bin', name);
    writeFileSync(
      stub,
      `#!/bin/sh\necho "${name} $*" >> '${dir}/log'\nif [ -e '${dir}/${name}.fail' ]; then echo "${name}: boom" >&2; exit 32; fi\n`,
    );
    chmodSync(stub, 0o755);
  }
});

/** A host running commands here with the stubs first on PATH; `mounted` makes the probe see a mount. */
function localHost(mounted = false) {
  return fakeHost({
    reply: async (command, call) => {
      const r = await runLocally(`PATH='${dir}/bin':$PATH\n${command}`, call);
      if (mounted && command.includes('/proc/self/mountinfo') && typeof r !== 'string') return { ...r, stdout: `${r.stdout}@mounted\n` };
      return r;
    },
  });
}

async function run(args: Record<string, unknown>, mounted = false) {
  const plan = (await planModule(mountModule, { fstab, ...args }, localHost(mounted))) as Plan;
  if (plan.kind !== 'change') return plan;
  return plan.apply();
}

const log = () => (existsSync(`${dir}/log`) ? readFileSync(`${dir}/log`, 'utf8') : '');

describe('mount apply on a real shell', () => {
  it('mounted: creates the fstab directory, the fstab and the mount point, then mounts with -T', async () => {
    const mnt = path.join(dir, 'mnt', 'a b', 'c');
    const r = await run({ path: mnt, src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'mounted' });
    expect(r).toMatchObject({ kind: 'changed', msg: `created ${mnt}; updated ${fstab}; mounted ${mnt}` });
    expect(readFileSync(fstab, 'utf8')).toBe(`tmpfs ${mnt.replace(' ', '\\040')} tmpfs size=1m 0 0\n`);
    expect(statSync(fstab).mode & 0o777).toBe(0o644);
    expect(statSync(mnt).isDirectory()).toBe(true);
    expect(log()).toBe(`mount -T ${fstab} ${mnt}\n`);
  });

  it('quotes every value: a mount point and an fstab path with quotes and $(...) stay words', async () => {
    const mnt = path.join(dir, `it's $(touch ${dir}/pwned)`);
    fstab = path.join(dir, `tab $(touch ${dir}/pwned2)`);
    const r = await run({ path: mnt, src: 'tmpfs', fstype: 'tmpfs', opts: "a'b", state: 'mounted', backup: true });
    expect(r.kind).toBe('changed');
    expect(existsSync(`${dir}/pwned`) || existsSync(`${dir}/pwned2`)).toBe(false);
    expect(statSync(mnt).isDirectory()).toBe(true);
    expect(readFileSync(fstab, 'utf8')).toBe(`tmpfs ${mnt.replaceAll(' ', '\\040')} tmpfs a'b 0 0\n`);
    expect(log()).toBe(`mount -T ${fstab} ${mnt}\n`);
  });

  it("a failed mount puts the fstab back and removes the directories it created, with Ansible's message", async () => {
    mkdirSync(path.dirname(fstab));
    writeFileSync(fstab, '# keep\n');
    writeFileSync(`${dir}/mount.fail`, '');
    const mnt = path.join(dir, 'new', 'point');
    const r = await run({ path: mnt, src: '/dev/nope', fstype: 'ext4', state: 'mounted' });
    expect(r).toMatchObject({ kind: 'failed', msg: `Error mounting ${mnt}: mount: boom` });
    expect(readFileSync(fstab, 'utf8')).toBe('# keep\n');
    expect(existsSync(path.join(dir, 'new'))).toBe(false);
    expect(existsSync(dir)).toBe(true);
  });

  it('present with backup keeps a copy named as Ansible names it, and reports it', async () => {
    mkdirSync(path.dirname(fstab));
    writeFileSync(fstab, '/dev/sda1 / ext4 defaults 0 1\n');
    const r = await run({ path: '/srv/x', src: '/dev/sdb', fstype: 'xfs', state: 'present', backup: true });
    expect(r.kind).toBe('changed');
    const backup = String(r.data?.backup_file);
    expect(backup).toMatch(new RegExp(`^${fstab}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(backup, 'utf8')).toBe('/dev/sda1 / ext4 defaults 0 1\n');
    expect(readFileSync(fstab, 'utf8')).toBe('/dev/sda1 / ext4 defaults 0 1\n/dev/sdb /srv/x xfs defaults 0 0\n');
    expect(log()).toBe('');
  });

  it('writes through an fstab that is a symlink, keeping the link', async () => {
    mkdirSync(path.dirname(fstab));
    writeFileSync(`${dir}/real-fstab`, '');
    symlinkSync(`${dir}/real-fstab`, fstab);
    await run({ path: '/srv/x', src: '/dev/sdb', fstype: 'xfs', state: 'present' });
    expect(lstatSync(fstab).isSymbolicLink()).toBe(true);
    expect(readlinkSync(fstab)).toBe(`${dir}/real-fstab`);
    expect(readFileSync(`${dir}/real-fstab`, 'utf8')).toBe('/dev/sdb /srv/x xfs defaults 0 0\n');
  });

  it('absent removes the line, unmounts and removes the mount point', async () => {
    const mnt = path.join(dir, 'point');
    mkdirSync(mnt);
    mkdirSync(path.dirname(fstab));
    writeFileSync(fstab, `# c\ntmpfs ${mnt} tmpfs defaults 0 0\n`);
    const r = await run({ path: mnt, state: 'absent' }, true);
    expect(r).toMatchObject({ kind: 'changed', msg: `updated ${fstab}; unmounted ${mnt}; removed ${mnt}` });
    expect(readFileSync(fstab, 'utf8')).toBe('# c\n');
    expect(log()).toBe(`umount ${mnt}\n`);
    expect(existsSync(mnt)).toBe(false);
  });

  it("remounted with opts fails with Ansible's message when the remount fails, without a umount", async () => {
    writeFileSync(`${dir}/mount.fail`, '');
    const r = await run({ path: '/srv/x', state: 'remounted', opts: 'ro' }, true);
    expect(r).toMatchObject({ kind: 'failed', msg: expect.stringMatching(/^Options were specified with remounted/) });
    expect(log()).toBe(`mount -o remount,ro -T ${fstab} /srv/x\n`);
  });

  it('remounted without opts falls back to umount and mount', async () => {
    writeFileSync(`${dir}/mount.fail`, '');
    const r = await run({ path: '/srv/x', state: 'remounted', fstab: '/etc/fstab' }, true);
    expect(r).toMatchObject({ kind: 'failed', msg: 'Error remounting /srv/x: mount: boom' });
    expect(log()).toBe('mount -o remount /srv/x\numount /srv/x\nmount /srv/x\n');
  });
});

describe('mount probe on a real shell', () => {
  it('names a mount point as mountinfo does: escapes, no trailing slash', () => {
    expect(mountinfoPath('/mnt/a b\\c\td/')).toBe('/mnt/a\\040b\\134c\\011d');
    expect(mountinfoPath('/')).toBe('/');
  });

  it('sees / mounted and a missing path with a space not mounted', async () => {
    const h = fakeHost({ reply: runLocally });
    expect((await planModule(mountModule, { path: '/', state: 'unmounted', fstab }, h)).kind).toBe('change');
    const spaced = path.join(dir, 'a b');
    expect(await planModule(mountModule, { path: spaced, state: 'unmounted', fstab }, h)).toMatchObject({ kind: 'ok' });
  });
});
