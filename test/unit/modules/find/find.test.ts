// find on a real tree (the fake host runs its commands on this machine): os.walk's order, the name,
// type, depth, hidden, age, size, mode, contains and limit tests, the result fields, and check mode.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import type { Plan } from '../../../../engine/types.ts';
import { findFilesModule } from '../../../../modules/find/index.ts';
import { globToPython } from '../../../../modules/find/match.ts';
import { normpath } from '../../../../modules/find/select.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const HOSTS_TOML = 'server = "https://registry-1.docker.io"\n';
let root: string;
let T: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fleetplay-find-'));
  T = path.join(root, "certs.d it's");
  for (const d of ['docker.io', 'quay.io/sub/deeper', '.hidden/inner']) mkdirSync(path.join(T, d), { recursive: true });
  writeFileSync(path.join(T, 'docker.io/hosts.toml'), HOSTS_TOML);
  writeFileSync(path.join(T, 'quay.io/app.log'), 'a\nwally here\n');
  chmodSync(path.join(T, 'quay.io/app.log'), 0o600);
  writeFileSync(path.join(T, 'quay.io/sub/old.log'), 'nothing\n');
  utimesSync(path.join(T, 'quay.io/sub/old.log'), new Date('2020-01-01'), new Date('2020-01-01'));
  writeFileSync(path.join(T, 'quay.io/bad.log'), Buffer.from([0xff, 0xfe, 0x0a]));
  writeFileSync(path.join(T, '.hidden/inner/f.conf'), '');
  writeFileSync(path.join(T, 'quay.io/sub/deeper/z.conf'), 'x'.repeat(3000));
  symlinkSync('docker.io', path.join(T, 'link-dir'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const find = (args: Record<string, unknown>, check = false) => {
  const host = fakeHost({ check, reply: runLocally });
  return { plan: planModule(findFilesModule, { paths: T, ...args }, host), host };
};
type Found = { files: Array<Record<string, unknown>>; matched: number; examined: number; skipped_paths: Record<string, string> };
const data = (p: Plan): Found | undefined => (p.kind === 'ok' ? (p.data as unknown as Found) : undefined);
const rel = (p: Plan) => data(p)?.files.map((f) => path.relative(T, String(f.path)));

describe('find', () => {
  it('lists directories like the antmelekhin role loops over, with stat fields, in one command', async () => {
    const { plan, host } = find({ file_type: 'directory' });
    const p = await plan;
    expect(p).toMatchObject({ kind: 'ok', msg: 'All paths examined' });
    expect(rel(p)?.sort()).toEqual(['docker.io', 'quay.io']);
    expect(data(p)?.examined).toBe(4);
    const dir = data(p)?.files.find((f) => String(f.path).endsWith('docker.io'));
    expect(dir).toMatchObject({ isdir: true, isreg: false, islnk: false, mode: '0755', rusr: true, woth: false, nlink: 2 });
    expect(typeof dir?.mtime).toBe('number');
    expect(host.commands).toHaveLength(1);
    expect(host.commands[0]).toContain(`'${T.replace("'", "'\\''")}'`);
  });

  it("walks as os.walk does: a directory's files, then its directories, each subtree in turn", async () => {
    const order = rel(await find({ recurse: true, file_type: 'any' }).plan) ?? [];
    // the top's entries first (quay.io among them), then each directory's subtree, all of it at once
    expect(order.indexOf('quay.io')).toBeLessThan(order.indexOf('docker.io/hosts.toml'));
    const q = order.findIndex((r) => r.startsWith('quay.io/'));
    expect(order.slice(q, q + 6).sort()).toEqual([
      'quay.io/app.log',
      'quay.io/bad.log',
      'quay.io/sub',
      'quay.io/sub/deeper',
      'quay.io/sub/deeper/z.conf',
      'quay.io/sub/old.log',
    ]);
    for (const file of ['quay.io/app.log', 'quay.io/bad.log']) expect(order.indexOf(file)).toBeLessThan(order.indexOf('quay.io/sub'));
    expect(order.indexOf('quay.io/sub/old.log')).toBeLessThan(order.indexOf('quay.io/sub/deeper'));
  });

  it('lists a link to a directory as a link without descending; follow descends into it', async () => {
    const p = await find({ recurse: true, file_type: 'any' }).plan;
    expect(data(p)?.files.find((f) => String(f.path).endsWith('link-dir'))).toMatchObject({ islnk: true, isdir: false, mode: '0777' });
    expect(rel(p)?.some((r) => r.startsWith('link-dir/'))).toBe(false);
    const followed = await find({ recurse: true, follow: true, file_type: 'any' }).plan;
    expect(rel(followed)).toContain('link-dir/hosts.toml');
    // under follow the link itself is still reported with its own (lstat) fields
    expect(data(followed)?.files.find((f) => String(f.path).endsWith('link-dir'))).toMatchObject({ islnk: true, size: 'docker.io'.length });
  });

  it('skips hidden names but walks into hidden directories', async () => {
    const found = rel(await find({ recurse: true }).plan) ?? [];
    expect(found).toContain('.hidden/inner/f.conf');
    expect(found.some((r) => r.split('/').at(-1)?.startsWith('.'))).toBe(false);
    expect(rel(await find({ recurse: true, hidden: true, file_type: 'directory' }).plan)).toContain('.hidden');
  });

  it('matches globs and excludes on the base name, and regexes with re.match', async () => {
    expect(rel(await find({ recurse: true, patterns: '*.log,*.toml', excludes: 'bad*' }).plan)?.sort()).toEqual([
      'docker.io/hosts.toml',
      'quay.io/app.log',
      'quay.io/sub/old.log',
    ]);
    expect(rel(await find({ recurse: true, patterns: ['a.*\\.lo'], use_regex: true }).plan)).toEqual(['quay.io/app.log']);
    expect(globToPython('[!a-c]?*.conf')).toBe('[^a-c]..*\\.conf');
    expect(globToPython('[z-a]')).toBeUndefined();
  });

  it('depth counts levels below the path; recurse: false is depth 1', async () => {
    const p = await find({ recurse: true, depth: 2, file_type: 'any' }).plan;
    expect(rel(p)?.every((r) => r.split('/').length <= 2)).toBe(true);
    expect(rel(p)).toContain('quay.io/sub');
    expect(rel(await find({ recurse: false, depth: 5 }).plan)).toEqual([]);
  });

  it('filters by age, size and mode', async () => {
    expect(rel(await find({ recurse: true, age: '2w' }).plan)).toEqual(['quay.io/sub/old.log']);
    expect(rel(await find({ recurse: true, size: '2k' }).plan)).toEqual(['quay.io/sub/deeper/z.conf']);
    expect(rel(await find({ recurse: true, mode: '0600' }).plan)).toEqual(['quay.io/app.log']);
  });

  it('contains: a line starting with a match; a file that is not UTF-8 stops that path as Ansible does', async () => {
    expect(rel(await find({ recurse: true, contains: 'wally', patterns: 'app.log,*.toml' }).plan)).toEqual(['quay.io/app.log']);
    const bad = await find({ recurse: true, contains: 'nothing', patterns: '*.log' }).plan;
    expect(bad).toMatchObject({ kind: 'ok', msg: 'Not all paths examined, check warnings for details' });
    expect(data(bad)?.skipped_paths[T]).toMatch(/encoding error/);
  });

  it('stops at limit, and adds checksums', async () => {
    const p = await find({ recurse: true, limit: 1, file_type: 'any' }).plan;
    expect(p).toMatchObject({ kind: 'ok', msg: 'Limit of matches reached' });
    expect(data(p)?.matched).toBe(1);
    const sum = await find({ recurse: true, patterns: 'hosts.toml', get_checksum: true }).plan;
    expect(data(sum)?.files[0]?.checksum).toBe(createHash('sha1').update(HOSTS_TOML).digest('hex'));
  });

  it('reports a path that is not a directory, and refuses bad arguments before any read', async () => {
    const p = await find({ paths: [T, '/nonexistent-dir'] }).plan;
    expect(p).toMatchObject({ kind: 'ok', msg: 'Not all paths examined, check warnings for details' });
    expect(data(p)?.skipped_paths).toEqual({ '/nonexistent-dir': "'/nonexistent-dir' is not a directory" });
    for (const [args, msg] of [
      [{ age: 'x' }, 'failed to process age'],
      [{ size: '1q' }, 'failed to process size'],
      [{ limit: 0 }, 'limit cannot be 0 (use None for unlimited)'],
      [{ paths: 'relative/dir' }, "paths must be absolute: 'relative/dir'"],
    ] as const) {
      const { plan, host } = find(args);
      expect(await plan).toMatchObject({ kind: 'failed', msg });
      expect(host.commands).toHaveLength(0);
    }
  });

  it('runs in check mode, and is unknown there when an earlier task would change files under a path', async () => {
    expect((await find({}, true).plan).kind).toBe('ok');
    const predicted = createPredictedState();
    predicted.setFile(path.join(T, 'docker.io/new.toml'), { type: 'file', content: '' });
    const host = fakeHost({ check: true, predicted, reply: runLocally });
    expect(await planModule(findFilesModule, { paths: `${T}/` }, host)).toMatchObject({ kind: 'unknown' });
    expect(host.commands).toHaveLength(0);
  });

  it("normalizes paths as Python's normpath", () => {
    expect(normpath('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(normpath('//a/b')).toBe('//a/b');
    expect(normpath('///a')).toBe('/a');
  });
});
