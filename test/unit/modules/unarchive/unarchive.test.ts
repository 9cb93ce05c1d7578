// unarchive: formats, the manifest (real tar/unzip on the controller), the probe parser, drift detection,
// the extract action list, and the plan's decisions with canned host answers.
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, linkSync, writeFileSync, chmodSync, statSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { unarchiveModule } from '../../../../modules/unarchive/index.ts';
import { findDrift, expectedMode } from '../../../../modules/unarchive/archiveCompare.ts';
import { extractStdin } from '../../../../modules/unarchive/archiveExtract.ts';
import { formatFromName, requiredPrograms } from '../../../../modules/unarchive/archiveFormat.ts';
import {
  manifestPipeline,
  manifestText,
  normalizePermissions,
  parseManifestRecord,
  type ManifestEntry,
} from '../../../../modules/unarchive/archiveManifest.ts';
import { archiveProbeScript, parseArchiveProbe, type DestMember } from '../../../../modules/unarchive/archiveProbe.ts';
import { rememberManifest } from '../../../../modules/unarchive/manifestCache.ts';
import { SHA256_PROBE } from '../../../../modules/lib/remoteSha256.ts';
import { createSlotStore } from '../../../../engine/stateSlots.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-'));
  const root = path.join(work, 'src', 'pkg');
  mkdirSync(path.join(root, 'bin', 'sub'), { recursive: true });
  writeFileSync(path.join(root, 'bin', 'a'), 'a\n');
  writeFileSync(path.join(root, 'bin', 'b'), 'bb\n');
  writeFileSync(path.join(root, 'bin', 'sub', 'c'), 'c\n');
  writeFileSync(path.join(root, 'bin', "it's 100%"), 'odd\n');
  chmodSync(path.join(root, 'bin', 'a'), 0o755);
  symlinkSync('a', path.join(root, 'bin', 'link'));
  linkSync(path.join(root, 'bin', 'b'), path.join(root, 'bin', 'hard'));
  execFileSync('tar', ['-czf', path.join(work, 'pkg.tgz'), '-C', path.join(work, 'src'), 'pkg']);
});

function localManifest(file: string, extraOpts: string[] = [], include: string[] = []): { entries: ManifestEntry[]; rc: string } {
  const format = formatFromName(file)!;
  const script = `${SHA256_PROBE}\n{ ${manifestPipeline({ format, extraOpts, include }, `'${file}'`)}; } 3>&1`;
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const entries = out
    .split('\n')
    .map((l) => parseManifestRecord(l.split('\t')))
    .filter((e): e is ManifestEntry => !!e);
  return { entries, rc: /manifest_rc=(\d+)/.exec(out)?.[1] ?? '' };
}

const sha = (s: string) => execFileSync('sha256sum', { input: s, encoding: 'utf8' }).slice(0, 64);

describe('formats', () => {
  it('tells formats apart by name and lists the programs they need', () => {
    expect(formatFromName('containerd-1.7.0-linux-amd64.tar.gz')).toEqual({ kind: 'tar', compression: 'gzip' });
    expect(formatFromName('cni-plugins.tgz')).toEqual({ kind: 'tar', compression: 'gzip' });
    expect(formatFromName('x.tar.xz')).toEqual({ kind: 'tar', compression: 'xz' });
    expect(formatFromName('x.tar.bz2')).toEqual({ kind: 'tar', compression: 'bzip2' });
    expect(formatFromName('x.tar')).toEqual({ kind: 'tar', compression: 'none' });
    expect(formatFromName('X.ZIP')).toEqual({ kind: 'zip' });
    expect(formatFromName('runc.amd64')).toBeUndefined();
    expect(requiredPrograms({ kind: 'tar', compression: 'xz' })).toEqual(['tar', 'xz']);
    expect(requiredPrograms({ kind: 'zip' })).toEqual(['unzip']);
  });
});

describe('manifest', () => {
  it('converts permission strings, setuid and sticky included', () => {
    expect(normalizePermissions('-rwxr-xr-x')).toBe('0755');
    expect(normalizePermissions('-rwsr-x---')).toBe('4750');
    expect(normalizePermissions('drwxrwxrwt')).toBe('1777');
    expect(normalizePermissions('hrw-r--r--')).toBe('0644');
    expect(normalizePermissions('644')).toBe('0644');
    expect(normalizePermissions('-rw-a--')).toBeUndefined();
  });

  it('lists every member with the names --strip-components gives, in one pass', () => {
    const { entries, rc } = localManifest(path.join(work, 'pkg.tgz'), ['--strip-components=1']);
    expect(rc).toBe('0');
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect([...byName.keys()].sort()).toEqual(['bin', 'bin/a', 'bin/b', 'bin/hard', "bin/it's 100%", 'bin/link', 'bin/sub', 'bin/sub/c']);
    expect(byName.get('bin/a')).toEqual({ kind: 'f', name: 'bin/a', mode: '0755', size: 2, mtime: expect.any(Number), value: sha('a\n') });
    // tar's mtime of the member (keep_newer compares it with dest's).
    expect(byName.get('bin/a')?.mtime).toBe(Math.floor(statSync(path.join(work, 'src', 'pkg', 'bin', 'a')).mtimeMs / 1000));
    expect(byName.get('bin/link')).toEqual({ kind: 'l', name: 'bin/link', mode: '0777', value: 'a' });
    expect(byName.get('bin/sub')).toEqual({ kind: 'd', name: 'bin/sub', mode: '0755' });
    expect(byName.get('bin/hard')).toMatchObject({ kind: 'h', value: 'bin/b' });
    expect(byName.get("bin/it's 100%")).toMatchObject({ kind: 'f', value: sha('odd\n') });
  });

  it('honours include and reports a member that is not there', () => {
    expect(localManifest(path.join(work, 'pkg.tgz'), [], ['pkg/bin/sub']).entries.map((e) => e.name)).toEqual([
      'pkg/bin/sub',
      'pkg/bin/sub/c',
    ]);
    expect(localManifest(path.join(work, 'pkg.tgz'), [], ['pkg/nope']).rc).toBe('2');
  });

  it.skipIf(spawnSync('sh', ['-c', 'command -v zip && command -v unzip']).status !== 0)('reads zip archives with unzip', () => {
    const zip = path.join(work, 'pkg.zip');
    execFileSync('zip', ['-qry', zip, 'pkg'], { cwd: path.join(work, 'src') });
    const { entries, rc } = localManifest(zip);
    expect(rc).toBe('0');
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('pkg/bin/a')).toEqual({ kind: 'f', name: 'pkg/bin/a', mode: '0755', size: 2, value: sha('a\n') });
    expect(byName.get('pkg/bin/link')).toMatchObject({ kind: 'l', value: 'a' });
    expect(byName.get('pkg/bin/sub')).toMatchObject({ kind: 'd' });
  });

  it('round-trips through the record text the host reads', () => {
    const entries: ManifestEntry[] = [
      { kind: 'd', name: 'bin', mode: '0755' },
      { kind: 'f', name: 'bin/a b', mode: '0755', size: 2, value: A },
      { kind: 'l', name: 'bin/l', mode: '0777', value: 'a b' },
    ];
    const back = manifestText(entries)
      .split('\n')
      .map((l) => parseManifestRecord(l.split('\t')));
    expect(back).toEqual(entries);
  });
});

describe('probe output and drift', () => {
  const root = { root: true, umask: 0o022 };
  const f: ManifestEntry = { kind: 'f', name: 'bin/a', mode: '0755', size: 2, value: A };
  const file = (over: Partial<DestMember> = {}): DestMember => ({
    type: 'file',
    mode: '0755',
    owner: 'root',
    group: 'root',
    value: A,
    ...over,
  });

  it('parses facts and member lines', () => {
    const out = [
      'uid=0',
      'umask=0027',
      `archive_sha=${B}`,
      'manifest=fresh',
      `R\tf\t0755\t2\t-\t${A}\tfile\t755\troot\tstaff\t${A}\t1700000000\tbin/a`,
      'R\td\tdrwxr-xr-x\t-\t-\t-\tabsent\t-\t-\t-\t-\t-\tbin',
      'R\tl\tlrwxrwxrwx\t-\t-\ta\tlink\t777\troot\troot\tb\t-\tbin/l',
      `dest_stat=directory\t755\tapp\tstaff\t4096\t1:2:3:4:5\t1001:50`,
      'manifest_rc=0',
    ].join('\n');
    const p = parseArchiveProbe(out);
    expect(p).toMatchObject({ uid: 0, umask: 0o027, archiveSha: B, manifest: 'fresh', manifestRc: 0 });
    expect(p.members).toEqual([
      { entry: f, dest: { type: 'file', mode: '0755', owner: 'root', group: 'staff', value: A, mtime: 1700000000 } },
      { entry: { kind: 'd', name: 'bin', mode: '0755' }, dest: { type: 'absent' } },
      {
        entry: { kind: 'l', name: 'bin/l', mode: '0777', value: 'a' },
        dest: { type: 'link', mode: '0777', owner: 'root', group: 'root', value: 'b' },
      },
    ]);
    expect(p.destInfo).toEqual({ uid: 1001, gid: 50, mode: '0755', size: 4096, owner: 'app', group: 'staff' });
  });

  it('finds missing, altered, re-moded and retargeted members, and nothing when all match', () => {
    const l: ManifestEntry = { kind: 'l', name: 'bin/l', value: 'a' };
    const d: ManifestEntry = { kind: 'd', name: 'bin', mode: '0755' };
    const h: ManifestEntry = { kind: 'h', name: 'bin/h', value: 'bin/a' };
    expect(
      findDrift(
        [
          { entry: f, dest: file() },
          { entry: l, dest: { type: 'link', value: 'a' } },
          { entry: d, dest: { type: 'link' } },
          { entry: h, dest: file({ value: 'same' }) },
        ],
        root,
      ),
    ).toEqual([]);
    const reasons = findDrift(
      [
        { entry: f, dest: { type: 'absent' } },
        { entry: { ...f, name: 'bin/b' }, dest: file({ value: undefined }) },
        { entry: { ...f, name: 'bin/c' }, dest: file({ mode: '0644' }) },
        { entry: l, dest: { type: 'link', value: 'b' } },
        { entry: d, dest: file() },
        { entry: h, dest: file({ value: undefined }) },
      ],
      root,
    ).map((x) => `${x.entry.name}: ${x.reason}`);
    expect(reasons).toEqual([
      'bin/a: missing',
      'bin/b: content differs',
      'bin/c: mode 0644, archive has 0755',
      'bin/l: links to b, archive has a',
      'bin: is a file, not a directory',
      'bin/h: is not a hard link to bin/a',
    ]);
  });

  it('expects the umask to apply when not extracting as root', () => {
    expect(expectedMode('4775', { root: true, umask: 0o022 })).toBe('4775');
    expect(expectedMode('4775', { root: false, umask: 0o022 })).toBe('0755');
    expect(findDrift([{ entry: { ...f, mode: '0777' }, dest: file() }], { root: false, umask: 0o022 })).toEqual([]);
  });

  it('reports owner drift as chown-only', () => {
    const drift = findDrift([{ entry: f, dest: file() }], { ...root, owner: 'app' });
    expect(drift).toEqual([{ entry: f, reason: 'owned by root:root, wanted app:root', action: 'chown' }]);
  });
});

describe('the probe script, run by /bin/sh on a real directory', () => {
  it("reports each member's type, mode, owner and content in manifest order, with one stat for all", () => {
    const dest = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-probe-'));
    mkdirSync(path.join(dest, 'bin'));
    writeFileSync(path.join(dest, 'bin', 'same'), 'a\n');
    writeFileSync(path.join(dest, 'bin', 'resized'), 'longer\n');
    writeFileSync(path.join(dest, 'bin', "it's 100% $HOME"), 'odd\n');
    writeFileSync(path.join(dest, 'empty'), '');
    chmodSync(path.join(dest, 'bin', 'same'), 0o750);
    symlinkSync('same', path.join(dest, 'bin', 'link'));
    symlinkSync('nowhere', path.join(dest, 'bin', 'dangling'));
    linkSync(path.join(dest, 'bin', 'same'), path.join(dest, 'bin', 'hard'));
    execFileSync('mkfifo', [path.join(dest, 'fifo')]);
    const entries: ManifestEntry[] = [
      { kind: 'd', name: 'bin', mode: '0755' },
      { kind: 'f', name: 'bin/same', mode: '0755', size: 2, value: A },
      { kind: 'f', name: 'bin/absent', mode: '0644', size: 1, value: A },
      { kind: 'f', name: 'bin/resized', mode: '0644', size: 3, value: A },
      { kind: 'f', name: "bin/it's 100% $HOME", mode: '0644', size: 4, value: A },
      { kind: 'f', name: 'empty', mode: '0644', size: 0, value: A },
      { kind: 'l', name: 'bin/link', mode: '0777', value: 'same' },
      { kind: 'l', name: 'bin/dangling', mode: '0777', value: 'x' },
      { kind: 'h', name: 'bin/hard', mode: '0755', value: 'bin/same' },
      { kind: 'f', name: 'fifo', mode: '0644', size: 1, value: A },
      { kind: 'f', name: 'bin/absent2', mode: '0644', size: 1, value: A },
      { kind: 'f', name: 'bin/same', mode: '0755', size: 2, value: A },
    ];
    const script = archiveProbeScript({
      source: { kind: 'given' },
      dest,
      spec: { format: { kind: 'tar', compression: 'gzip' }, extraOpts: [], include: [] },
      programs: [],
    });
    // A `stat` first on PATH that logs each call, so the test sees how many processes the probe starts.
    const shim = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-shim-'));
    writeFileSync(
      path.join(shim, 'stat'),
      `#!/bin/sh\necho x >> '${shim}/calls'\nexec ${execFileSync('sh', ['-c', 'command -v stat'], { encoding: 'utf8' }).trim()} "$@"\n`,
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${shim}:${process.env.PATH ?? ''}` };
    const out = execFileSync('/bin/sh', ['-c', script], { input: manifestText(entries), encoding: 'utf8', env });
    const probe = parseArchiveProbe(out);
    expect(readFileSync(path.join(shim, 'calls'), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    const me = os.userInfo().username;
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    const owned = (mode: string) => ({ mode, owner: me, group });
    const mode = (name: string) => (statSync(path.join(dest, name)).mode & 0o7777).toString(8).padStart(4, '0');
    expect(probe.manifest).toBe('given');
    // dest's own attributes came with the members' stat.
    expect(probe.destInfo).toMatchObject({ owner: me, group, mode: mode('.') });
    expect(probe.members.map((m) => m.entry.name)).toEqual(entries.map((e) => e.name));
    expect(probe.members.map((m) => m.dest)).toEqual([
      { type: 'dir', ...owned(mode('bin')), mtime: expect.any(Number) },
      { type: 'file', ...owned('0750'), value: sha('a\n'), mtime: expect.any(Number) },
      { type: 'absent' },
      { type: 'file', ...owned(mode('bin/resized')), mtime: expect.any(Number) },
      { type: 'file', ...owned(mode("bin/it's 100% $HOME")), value: sha('odd\n'), mtime: expect.any(Number) },
      { type: 'file', ...owned(mode('empty')), value: sha(''), mtime: expect.any(Number) },
      { type: 'link', ...owned('0777'), value: 'same', mtime: expect.any(Number) },
      { type: 'link', ...owned('0777'), value: 'nowhere', mtime: expect.any(Number) },
      { type: 'file', ...owned('0750'), value: 'same', mtime: expect.any(Number) },
      { type: 'other', ...owned(mode('fifo')), mtime: expect.any(Number) },
      { type: 'absent' },
      { type: 'file', ...owned('0750'), value: sha('a\n'), mtime: expect.any(Number) },
    ]);
    // The files hashed are reported for the controller to remember, once per probe of a file.
    expect(
      out
        .split('\n')
        .filter((l) => l.startsWith('H\t'))
        .map((l) => l.split('\t')[3]),
    ).toEqual([
      path.join(dest, 'bin', 'same'),
      path.join(dest, 'bin', "it's 100% $HOME"),
      path.join(dest, 'empty'),
      path.join(dest, 'bin', 'same'),
    ]);
  });

  it('reports an empty manifest as no members, and a missing dest without statting', () => {
    const dest = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-probe-'));
    const req = {
      source: { kind: 'given' as const },
      dest,
      spec: { format: { kind: 'tar' as const, compression: 'gzip' as const }, extraOpts: [], include: [] },
      programs: [],
    };
    expect(parseArchiveProbe(execFileSync('/bin/sh', ['-c', archiveProbeScript(req)], { input: '', encoding: 'utf8' })).members).toEqual(
      [],
    );
    const gone = parseArchiveProbe(
      execFileSync('/bin/sh', ['-c', archiveProbeScript({ ...req, dest: path.join(dest, 'nope') })], { input: '', encoding: 'utf8' }),
    );
    expect(gone.destMissing).toBe(true);
  });
});

describe('extract action list', () => {
  it('creates directories first and hard links last, escaping printf specials, then the archive bytes', () => {
    const drift = [
      { entry: { kind: 'h' as const, name: 'bin/h', value: 'bin/a' }, reason: 'missing', action: 'write' as const },
      { entry: { kind: 'f' as const, name: 'bin/100%\\x', mode: '0755', value: A }, reason: 'missing', action: 'write' as const },
      { entry: { kind: 'd' as const, name: 'bin', mode: '0755' }, reason: 'missing', action: 'write' as const },
      { entry: { kind: 'f' as const, name: 'bin/o', value: A }, reason: 'owner', action: 'chown' as const },
    ];
    const job = { archiveSha: A, dest: '/d', spec: { format: { kind: 'zip' as const }, extraOpts: [], include: [] }, drift };
    expect(extractStdin({ ...job, source: { kind: 'remote', path: '/a.zip' } }).toString()).toBe(
      `d\t0755\t-\tbin\nm\t0755\t${A}\tbin/100%%\\\\x\nh\t-\tbin/a\tbin/h\nc\t-\t${A}\tbin/o\n.\n`,
    );
    const withBytes = extractStdin({ ...job, source: { kind: 'controller', bytes: Buffer.from([0, 1, 2]) } });
    expect([...withBytes.subarray(-5)]).toEqual([46, 10, 0, 1, 2]);
  });
});

describe('module plan with canned host answers', () => {
  beforeAll(() => {
    process.env.FLEETPLAY_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-cache-'));
  });

  /** A host on n1 answering every command with `stdout`. */
  const ctx = (stdout: string, check: boolean) => fakeHost({ name: 'n1', check, reply: stdout });
  const args = { src: '/tmp/c.tar.gz', dest: '/usr/local', remote_src: true };

  it('fails when src does not exist and no earlier task creates it, in check mode as in a real run', async () => {
    const predicted = await planModule(unarchiveModule, args, ctx('uid=0\numask=0022\nsrc=missing\n', true));
    expect(predicted).toMatchObject({ kind: 'failed', msg: '/tmp/c.tar.gz does not exist on n1' });
    const failed = await planModule(unarchiveModule, args, ctx('uid=0\numask=0022\nsrc=missing\n', false));
    expect(failed).toMatchObject({ kind: 'failed', msg: '/tmp/c.tar.gz does not exist on n1' });
  });

  it('is ok when creates exists, fails on a missing dest or program', async () => {
    expect((await planModule(unarchiveModule, { ...args, creates: '/usr/local/bin/ctr' }, ctx('creates=1\n', false))).msg).toBe(
      '/usr/local/bin/ctr exists',
    );
    expect((await planModule(unarchiveModule, args, ctx('dest=missing\n', false))).msg).toBe(
      'dest /usr/local does not exist or is not a directory',
    );
    expect((await planModule(unarchiveModule, args, ctx('dest=missing\n', true))).msg).toBe(
      'dest /usr/local does not exist or is not a directory',
    );
    const xz = await planModule(unarchiveModule, { ...args, src: '/tmp/c.tar.xz' }, ctx('missing= xz\n', false));
    expect(xz).toMatchObject({
      kind: 'failed',
      msg: `Failed to find handler for "/tmp/c.tar.xz" on n1. Make sure the required command to extract the file is installed. Unable to find required 'xz' binary in the path.`,
    });
    const zip = await planModule(unarchiveModule, { ...args, src: '/tmp/c.zip' }, ctx('missing= unzip\n', false));
    expect(zip.msg).toBe(
      `Failed to find handler for "/tmp/c.zip" on n1. Make sure the required command to extract the file is installed. Unable to find required 'unzip' binary in the path.`,
    );
  });

  it('sends cached manifests on stdin and plans the differing members only', async () => {
    const entries: ManifestEntry[] = [{ kind: 'f', name: 'bin/ctr', mode: '0755', size: 2, value: A }];
    rememberManifest(
      'host:/tmp/c.tar.gz',
      { format: { kind: 'tar', compression: 'gzip' }, extraOpts: [], include: [] },
      { archiveSha: B, entries },
    );
    const out = `uid=0\numask=0022\narchive_sha=${B}\nmanifest=cached\nR\tf\t0755\t2\t-\t${A}\tabsent\t-\t-\t-\t-\t-\tbin/ctr\n`;
    const host = ctx(out, true);
    const seen = host.calls;
    const plan = await planModule(unarchiveModule, args, host);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.stdin).toBe(`@${B}\nf\t0755\t2\t-\t${A}\tbin/ctr\n`);
    expect(plan).toMatchObject({ kind: 'change', msg: 'extract /tmp/c.tar.gz into /usr/local: 1 of 1 files differ: bin/ctr (missing)' });
    expect(plan.data).toMatchObject({ changed_files: ['bin/ctr'], archive_sha256: B });
    const ok = await planModule(unarchiveModule, args, ctx(out.replace('absent\t-\t-\t-\t-\t-', `file\t755\troot\troot\t${A}\t-`), true));
    expect(ok).toMatchObject({ kind: 'ok', msg: '/usr/local matches all 1 members of /tmp/c.tar.gz' });
  });

  it("fails with tar's words when the archive cannot be read", async () => {
    const plan = await planModule(
      unarchiveModule,
      args,
      fakeHost({
        name: 'n1',
        reply: {
          stdout: `uid=0\numask=0022\narchive_sha=${A}\nmanifest=fresh\nmanifest_rc=2\n`,
          stderr: 'gzip: stdin: not in gzip format',
        },
      }),
    );
    expect(plan).toMatchObject({
      kind: 'failed',
      msg: 'Unable to list files in the archive: gzip: stdin: not in gzip format (reading /tmp/c.tar.gz)',
    });
  });

  it('lists an archive the controller has no manifest of on one host for all the hosts with the same sha256', async () => {
    process.env.FLEETPLAY_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-cold-'));
    const runState = createSlotStore();
    const src = path.join(work, 'pkg.tgz');
    const hosts = ['n1', 'n2', 'n3'].map((name) => {
      const dest = path.join(work, `cold-${name}`);
      mkdirSync(dest, { recursive: true });
      return { dest, host: fakeHost({ name, runState, reply: runLocally }) };
    });
    // One host already has the files, so its plan is ok; the others differ in every file.
    execFileSync('tar', ['-xzf', src, '-C', hosts[0]!.dest]);
    const plans = await Promise.all(hosts.map(({ dest, host }) => planModule(unarchiveModule, { src, dest, remote_src: true }, host)));
    expect(plans[0]).toMatchObject({ kind: 'ok', msg: `${hosts[0]!.dest} matches all 9 members of ${src}` });
    for (const p of plans.slice(1)) expect(p).toMatchObject({ kind: 'change', msg: expect.stringMatching(/: 6 of 6 files differ: /) });
    const listings = hosts.flatMap(({ host }) => host.commands.filter((c) => c.includes('--to-command')));
    expect(listings).toHaveLength(1);
    // The next run finds the manifest in the cache: one read per host, and no listing at all.
    const again = hosts.map(({ host: h }) => fakeHost({ name: h.host, reply: runLocally }));
    const replans = await Promise.all(hosts.map(({ dest }, i) => planModule(unarchiveModule, { src, dest, remote_src: true }, again[i]!)));
    expect(replans.map((p) => p.kind)).toEqual(plans.map((p) => p.kind));
    for (const h of again) {
      expect(h.commands).toHaveLength(1);
      expect(h.commands[0]).not.toContain('--to-command');
    }
  });

  it('refuses zip from a URL and extra_opts with zip', async () => {
    expect((await planModule(unarchiveModule, { src: 'https://h/x.zip', dest: '/d' }, ctx('', false))).msg).toContain(
      'zip archives cannot be read from a URL',
    );
    expect((await planModule(unarchiveModule, { ...args, src: '/x.zip', extra_opts: ['-j'] }, ctx('', false))).msg).toBe(
      'extra_opts is supported for tar archives only',
    );
    expect((await planModule(unarchiveModule, { src: 'https://h/download', dest: '/d' }, ctx('', false))).msg).toContain(
      'cannot tell the archive format',
    );
  });

  it('a controller-side archive is hashed and listed in a local stage: nothing of it happens before the first yield', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-stage-'));
    process.env.FLEETPLAY_CACHE_DIR = cache;
    const local = { src: path.join(work, 'pkg.tgz'), dest: '/opt' };
    const stage = firstStage(unarchiveModule, local, moduleView(fakeHost({ name: 'n1' })));
    expect(stage).toMatchObject({ kind: 'local' });
    // The look ahead takes the first stage only and never runs it: no manifest gets computed or cached.
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(path.join(cache, 'unarchive'))).toBe(false);
    const host = fakeHost({ name: 'n1', reply: 'uid=0\numask=0022\nmanifest=given\n' });
    await planModule(unarchiveModule, local, host);
    expect(host.calls).toHaveLength(1);
    expect(host.calls[0]?.stdin).toContain('pkg/bin/a');
    expect(existsSync(path.join(cache, 'unarchive'))).toBe(true);
  });

  it('a remote or URL archive starts with the probe read, the same the plan then sends (the look ahead can send it early)', async () => {
    const view = moduleView(fakeHost({ name: 'n1' }));
    for (const a of [args, { src: 'https://h/x.tar.gz', dest: '/opt' }]) {
      const stage = firstStage(unarchiveModule, a, view);
      expect(stage?.kind).toBe('reads');
      const host = ctx('uid=0\numask=0022\ndest=missing\n', false);
      await planModule(unarchiveModule, a, host);
      const reads = stage?.kind === 'reads' ? stage.reads : [];
      expect(reads.map((r) => [r.command, r.stdin])).toEqual(host.calls.map((c) => [c.command, c.stdin]));
    }
  });

  it('refuses a bad owner before any stage', () => {
    expect(() => firstStage(unarchiveModule, { ...args, owner: '-x' }, moduleView(fakeHost()))).toThrow();
  });
});
