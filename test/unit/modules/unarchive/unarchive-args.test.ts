// unarchive's Ansible arguments for real: the probe and extract scripts under /bin/sh on this machine,
// on an archive on "the host" (remote_src or copy: false). Check mode says what the real run then does.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import type { Vars } from '../../../../engine/types.ts';
import { unarchiveModule } from '../../../../modules/unarchive/index.ts';
import { unarchiveSchema } from '../../../../modules/unarchive/schema.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

let work: string;
let archive: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-args-'));
  const root = path.join(work, 'src', 'pkg');
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  writeFileSync(path.join(root, 'run'), 'run v1\n');
  writeFileSync(path.join(root, 'docs', 'README'), 'read me\n');
  writeFileSync(path.join(root, 'skip.log'), 'noise\n');
  chmodSync(path.join(root, 'run'), 0o755);
  // Members dated in the past, so a file written now is newer (keep_newer).
  for (const f of ['run', 'docs/README', 'skip.log']) utimesSync(path.join(root, f), 1_600_000_000, 1_600_000_000);
  archive = path.join(work, 'pkg.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', path.join(work, 'src'), 'pkg']);
});

function destDir(): string {
  return mkdtempSync(path.join(work, 'dest-'));
}

/** Check mode, then the real run (applied), then the real run again: their outcomes. */
async function cycle(args: Vars) {
  const check = await planModule(unarchiveModule, args, fakeHost({ check: true, reply: runLocally }));
  const plan = await planModule(unarchiveModule, args, fakeHost({ reply: runLocally }));
  const real = plan.kind === 'change' ? await plan.apply() : plan;
  const again = await planModule(unarchiveModule, args, fakeHost({ reply: runLocally }));
  return { check, real, again };
}

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

describe('unarchive arguments on this machine', () => {
  it('exclude leaves the patterns out, list_files lists the rest, and the result reports dest', async () => {
    const dest = destDir();
    const { check, real, again } = await cycle({ src: archive, dest, remote_src: true, exclude: ['*.log'], list_files: true });
    expect(check.kind).toBe('change');
    expect(real.kind).toBe('changed');
    expect(again.kind).toBe('ok');
    expect(existsSync(path.join(dest, 'pkg', 'skip.log'))).toBe(false);
    expect(readFileSync(path.join(dest, 'pkg', 'run'), 'utf8')).toBe('run v1\n');
    expect([...((again.data?.files as string[]) ?? [])].sort()).toEqual(['pkg', 'pkg/docs', 'pkg/docs/README', 'pkg/run']);
    expect(check.data?.files).toEqual(again.data?.files);
    expect(again.data).toMatchObject({ state: 'directory', owner: os.userInfo().username, mode: modeOf(dest), uid: os.userInfo().uid });
  });

  it('mode is set on every extracted file and directory, and a mode drift alone is fixed in place', async () => {
    const dest = destDir();
    const { check, real, again } = await cycle({ src: archive, dest, remote_src: true, mode: '0750' });
    expect([check.kind, real.kind, again.kind]).toEqual(['change', 'changed', 'ok']);
    for (const p of ['pkg', 'pkg/docs', 'pkg/run', 'pkg/docs/README']) expect(modeOf(path.join(dest, p))).toBe('0750');
    const readme = path.join(dest, 'pkg', 'docs', 'README');
    const inode = statSync(readme).ino;
    chmodSync(readme, 0o644);
    const fix = await cycle({ src: archive, dest, remote_src: true, mode: '0750' });
    expect(fix.check).toMatchObject({ kind: 'change', msg: expect.stringContaining('1 members owned wrongly') });
    expect([fix.real.kind, fix.again.kind]).toEqual(['changed', 'ok']);
    expect(modeOf(readme)).toBe('0750');
    // Not extracted again: the same file, only chmod'ed.
    expect(statSync(readme).ino).toBe(inode);
  });

  it('keep_newer keeps a dest file newer than its member and replaces an older one', async () => {
    const dest = destDir();
    await cycle({ src: archive, dest, remote_src: true });
    const run = path.join(dest, 'pkg', 'run');
    writeFileSync(run, 'local edit\n');
    // Kept, and changed as Ansible reports it (tar --diff sees the file differ; the extraction keeps it).
    const keep = await cycle({ src: archive, dest, remote_src: true, keep_newer: true });
    expect([keep.check.kind, keep.real.kind, keep.again.kind]).toEqual(['change', 'changed', 'change']);
    expect(keep.real).toMatchObject({ msg: expect.stringContaining('kept 1 newer files (keep_newer)') });
    expect(readFileSync(run, 'utf8')).toBe('local edit\n');
    // Older than the member: replaced even with keep_newer.
    utimesSync(run, 1_500_000_000, 1_500_000_000);
    const older = await cycle({ src: archive, dest, remote_src: true, keep_newer: true });
    expect([older.check.kind, older.real.kind, older.again.kind]).toEqual(['change', 'changed', 'ok']);
    expect(readFileSync(run, 'utf8')).toBe('run v1\n');
  });

  it('copy: false reads src on the host as remote_src: true does; both together are refused as in Ansible', async () => {
    const dest = destDir();
    const { check, real } = await cycle({ src: archive, dest, copy: false });
    expect([check.kind, real.kind]).toEqual(['change', 'changed']);
    expect(readFileSync(path.join(dest, 'pkg', 'run'), 'utf8')).toBe('run v1\n');
    const both = await planModule(unarchiveModule, { src: archive, dest, copy: false, remote_src: true }, fakeHost());
    expect(both).toMatchObject({ kind: 'failed', msg: "parameters are mutually exclusive: ('copy', 'remote_src')" });
  });

  it('accepts io_buffer_size and decrypt, and refuses keep_newer for zip as for extra_opts', async () => {
    expect(unarchiveSchema.properties).toHaveProperty('io_buffer_size');
    expect(unarchiveSchema.properties).toHaveProperty('decrypt');
    const zip = await planModule(unarchiveModule, { src: '/tmp/x.zip', dest: '/tmp', remote_src: true, keep_newer: true }, fakeHost());
    expect(zip).toMatchObject({ kind: 'failed', msg: 'keep_newer is supported for tar archives only' });
  });
});
