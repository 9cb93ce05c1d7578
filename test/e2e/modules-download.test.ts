// End-to-end: get_url and unarchive on a 2-node clean lab. An HTTP server in this process (127.0.0.1,
// which the nodes share) serves release-shaped tarballs and upstream-style .sha256sum files, and logs
// every request, so the tests can tell a download from a no-op.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, labInventory, onNode, tmpDir, type EngineRun } from './support.ts';

const PB = 'test/e2e/playbooks/download';
const GET_DIR = '/opt/fp-get';
const APP = '/opt/fp-app';
let lab: LabState;
let inventory: string;
let server: http.Server;
let base: string;
const requests: string[] = [];
const files = new Map<string, Buffer>();
const releaseFiles = new Map<string, string>();
const sums: Record<string, string> = {};
const cacheDir = tmpDir();

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Builds app-<version>.tar.gz holding app-<version>/bin/{a,b,sub/c}, plus its .sha256sum. */
function buildRelease(version: string, contents: { a: string; b: string; c: string }): void {
  const dir = tmpDir();
  const top = path.join(dir, `app-${version}`);
  mkdirSync(path.join(top, 'bin', 'sub'), { recursive: true });
  writeFileSync(path.join(top, 'bin', 'a'), contents.a, { mode: 0o755 });
  writeFileSync(path.join(top, 'bin', 'b'), contents.b, { mode: 0o755 });
  writeFileSync(path.join(top, 'bin', 'sub', 'c'), contents.c);
  const name = `app-${version}.tar.gz`;
  execFileSync('tar', ['-czf', path.join(dir, name), '-C', dir, `app-${version}`]);
  releaseFiles.set(name, path.join(dir, name));
  const bytes = readFileSync(path.join(dir, name));
  files.set(`/${name}`, bytes);
  sums[name] = sha256(bytes);
  files.set(`/${name}.sha256sum`, Buffer.from(`${sha256('other')}  runc.amd64\n${sums[name]}  ${name}\n`));
}

beforeAll(async () => {
  buildRelease('1.0', { a: 'a version 1\n', b: 'b stays the same\n', c: 'c\n' });
  buildRelease('2.0', { a: 'a version 2, longer\n', b: 'b stays the same\n', c: 'c\n' });
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await labDown({ name: 'dl' }); // fresh nodes: these tests change them
  lab = await bootLab('dl', 2, 'clean', 51);
  inventory = labInventory(lab);
  for (const n of names()) sh(n, `mkdir -p ${GET_DIR} ${GET_DIR}2`);
});

afterAll(async () => {
  server?.close();
  await labDown({ name: 'dl' });
});

const names = () => lab.nodes.map((n) => n.name);
const sh = (node: string, command: string) => onNode(lab, node, command).stdout;
const gets = (file: string) => requests.filter((r) => r === `GET /${file}`).length;

function run(playbook: string, vars: Record<string, string>, ...extra: string[]): Promise<EngineRun> {
  const e = Object.entries({ base, ...vars }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return engine(['run', `${PB}/${playbook}`, '-i', inventory, ...e, ...extra], {
    withReport: true,
    env: { FLEETPLAY_CACHE_DIR: cacheDir },
  });
}

/** The result of one task on one host. */
function result(r: EngineRun, host: string, task: string) {
  const x = r.report!.results.find((y) => y.host === host && y.task === task);
  if (!x) throw new Error(`no result for ${task} on ${host}:\n${r.stdout}`);
  return x;
}

describe('get_url', () => {
  const hex = () => `sha256:${sums['app-1.0.tar.gz']}`;
  const dest = `${GET_DIR}/app-1.0.tar.gz`;

  it('--check predicts the download, downloads nothing and changes nothing', async () => {
    const before = requests.length;
    const r = await run('get_url.yml', { checksum: hex(), dest_dir: GET_DIR }, '--check');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of names())
      expect(result(r, n, 'Fetch the tarball')).toMatchObject({
        status: 'changed',
        msg: expect.stringContaining(`${dest} does not exist`),
      });
    // Like Ansible, check mode asks for the URL (HEAD) where it predicts a download; it fetches nothing.
    expect(requests.slice(before)).toEqual(names().map(() => 'HEAD /app-1.0.tar.gz'));
    for (const n of names()) expect(sh(n, `ls -A ${GET_DIR}`)).toBe('');
  });

  it('downloads with sha256:<hex>, then is ok without downloading again', async () => {
    const r1 = await run('get_url.yml', { checksum: hex(), dest_dir: GET_DIR });
    expect(r1.code, r1.stdout + r1.stderr).toBe(0);
    for (const n of names()) {
      expect(result(r1, n, 'Fetch the tarball')).toMatchObject({
        status: 'changed',
        msg: expect.stringMatching(/^downloaded .*app-1\.0\.tar\.gz to \/opt\/fp-get\/app-1\.0\.tar\.gz/),
      });
      expect(sh(n, `sha256sum ${dest} | cut -c1-64; stat -c %a ${dest}; ls -A ${GET_DIR}`)).toBe(
        `${sums['app-1.0.tar.gz']}\n640\napp-1.0.tar.gz\n`,
      );
    }
    expect(gets('app-1.0.tar.gz')).toBe(2);
    const r2 = await run('get_url.yml', { checksum: hex(), dest_dir: GET_DIR });
    expect(r2.code).toBe(0);
    for (const n of names()) expect(r2.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
    expect(gets('app-1.0.tar.gz')).toBe(2);
  });

  it('with sha256:<url> reads the upstream checksum file: a download into a new place, then ok', async () => {
    const checksum = `sha256:${base}/app-1.0.tar.gz.sha256sum`;
    const sumsBefore = gets('app-1.0.tar.gz.sha256sum');
    const ok = await run('get_url.yml', { checksum, dest_dir: GET_DIR });
    for (const n of names())
      expect(result(ok, n, 'Fetch the tarball')).toMatchObject({
        status: 'ok',
        msg: `${dest} already has sha256 ${sums['app-1.0.tar.gz']}`,
      });
    expect(gets('app-1.0.tar.gz')).toBe(2);
    expect(gets('app-1.0.tar.gz.sha256sum')).toBe(sumsBefore + 2);
    const fresh = await run('get_url.yml', { checksum, dest_dir: `${GET_DIR}2` });
    for (const n of names()) expect(result(fresh, n, 'Fetch the tarball').status).toBe('changed');
    expect(gets('app-1.0.tar.gz')).toBe(4);
    const again = await run('get_url.yml', { checksum, dest_dir: `${GET_DIR}2` });
    for (const n of names()) expect(again.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
    expect(gets('app-1.0.tar.gz')).toBe(4);
  });

  it('fails on a wrong checksum naming both sums, and leaves the existing file byte-identical', async () => {
    // The server now hands out other bytes under the same name (a corrupted mirror); the task still
    // expects some other digest, so dest (the good 1.0 file) mismatches and the download must be refused.
    const good = files.get('/app-1.0.tar.gz')!;
    const tampered = Buffer.concat([good, Buffer.from('tampered')]);
    const wrong = sums['app-2.0.tar.gz']!;
    const before = names().map((n) => sh(n, `sha256sum ${dest}; ls -A ${GET_DIR}`));
    expect(before[0]).toContain(sums['app-1.0.tar.gz']);
    files.set('/app-1.0.tar.gz', tampered);
    try {
      const check = await run('get_url.yml', { checksum: `sha256:${wrong}`, dest_dir: GET_DIR }, '--check');
      expect(check.code).toBe(0);
      for (const n of names())
        expect(result(check, n, 'Fetch the tarball')).toMatchObject({
          status: 'changed',
          msg: expect.stringContaining(`expected ${wrong}`),
        });
      const r = await run('get_url.yml', { checksum: `sha256:${wrong}`, dest_dir: GET_DIR });
      expect(r.code).toBe(2);
      for (const n of names()) {
        expect(result(r, n, 'Fetch the tarball')).toMatchObject({
          status: 'failed',
          msg: `checksum mismatch for ${base}/app-1.0.tar.gz: expected sha256 ${wrong}, got sha256 ${sha256(tampered)}; ${dest} left untouched`,
        });
      }
      expect(names().map((n) => sh(n, `sha256sum ${dest}; ls -A ${GET_DIR}`))).toEqual(before);
    } finally {
      files.set('/app-1.0.tar.gz', good);
    }
  });

  it('fails clearly on a host with neither curl nor wget', async () => {
    const [, second] = names();
    sh(second!, 'mv /usr/bin/curl /usr/bin/curl.fp-off');
    try {
      const r = await run('get_url.yml', { checksum: hex(), dest_dir: `${GET_DIR}2` }, '--limit', second!);
      expect(r.code).toBe(0); // the file is there already: no download needed, so no downloader needed
      sh(second!, `rm -f ${GET_DIR}2/app-1.0.tar.gz`);
      const missing = await run('get_url.yml', { checksum: hex(), dest_dir: `${GET_DIR}2` }, '--limit', second!);
      expect(missing.code).toBe(2);
      expect(result(missing, second!, 'Fetch the tarball').msg).toBe(
        `neither curl nor wget is installed on ${second}; install one of them so the host can download`,
      );
    } finally {
      sh(second!, 'mv /usr/bin/curl.fp-off /usr/bin/curl');
    }
  });
});

describe('unarchive (remote_src, --strip-components=1)', () => {
  const v1 = { archive: 'app-1.0.tar.gz' };
  const tree = (n: string) => sh(n, `cd ${APP} && find . | sort && cat bin/a bin/b bin/sub/c && stat -c '%a %n' bin/a bin/sub/c`);

  it('--check before anything predicts the download and the extraction from predicted state, and changes nothing', async () => {
    const r = await run('unarchive.yml', v1, '--check');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of names()) {
      expect(result(r, n, 'Fetch the release').status).toBe('changed');
      // The tarball is not on the host and its directory not yet created: check mode reads the
      // archive from its URL (or the manifest cache) and knows what would be extracted.
      expect(result(r, n, 'Unpack it')).toMatchObject({ status: 'changed', msg: expect.stringContaining('bin/a') });
      expect(sh(n, `test -e ${APP} || echo absent`)).toBe('absent\n');
    }
  });

  it('run 1 extracts; run 2 changes nothing', async () => {
    const r1 = await run('unarchive.yml', v1);
    expect(r1.code, r1.stdout + r1.stderr).toBe(0);
    for (const n of names()) {
      expect(result(r1, n, 'Unpack it')).toMatchObject({
        status: 'changed',
        msg: expect.stringMatching(/^extracted 3 files into \/opt\/fp-app \(3 changed: bin\/.* \(missing\), .*; created 2 directories\)$/),
      });
      expect(tree(n)).toBe(
        '.\n./bin\n./bin/a\n./bin/b\n./bin/sub\n./bin/sub/c\na version 1\nb stays the same\nc\n755 bin/a\n644 bin/sub/c\n',
      );
    }
    const r2 = await run('unarchive.yml', v1);
    expect(r2.code).toBe(0);
    for (const n of names()) {
      expect(r2.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
      expect(result(r2, n, 'Unpack it').msg).toBe(`${APP} matches all 5 members of /opt/fp-dl/app-1.0.tar.gz`);
    }
  });

  it('notices a deleted file and an altered one, and restores them', async () => {
    const [first, second] = names();
    sh(first!, `rm ${APP}/bin/b; printf 'X\\n' > ${APP}/bin/sub/c`);
    const r = await run('unarchive.yml', v1);
    expect(r.code).toBe(0);
    expect(result(r, first!, 'Unpack it')).toMatchObject({
      status: 'changed',
      msg: 'extracted 3 files into /opt/fp-app (2 changed: bin/b (missing), bin/sub/c (content differs))',
    });
    expect(result(r, second!, 'Unpack it').status).toBe('ok');
    expect(tree(first!)).toBe(tree(second!));
  });

  it('--check notices drift without repairing it', async () => {
    const [first] = names();
    sh(first!, `chmod 600 ${APP}/bin/a`);
    const r = await run('unarchive.yml', v1, '--check');
    expect(result(r, first!, 'Unpack it')).toMatchObject({
      status: 'changed',
      msg: expect.stringContaining('bin/a (mode 0600, archive has 0755)'),
    });
    expect(sh(first!, `stat -c %a ${APP}/bin/a`)).toBe('600\n');
    expect((await run('unarchive.yml', v1)).code).toBe(0);
    expect(sh(first!, `stat -c %a ${APP}/bin/a`)).toBe('755\n');
  });

  it('a new version replaces only the members that differ', async () => {
    const inodes = (n: string) => sh(n, `stat -c '%i %n' ${APP}/bin/a ${APP}/bin/b`).split('\n');
    const before = names().map(inodes);
    const check = await run('unarchive.yml', { archive: 'app-2.0.tar.gz' }, '--check');
    // The new tarball is not on the host yet: the prediction comes from its URL or the manifest cache.
    for (const n of names())
      expect(result(check, n, 'Unpack it')).toMatchObject({ status: 'changed', msg: expect.stringContaining('bin/a (content differs)') });
    const r = await run('unarchive.yml', { archive: 'app-2.0.tar.gz' });
    expect(r.code, r.stdout).toBe(0);
    names().forEach((n, i) => {
      expect(result(r, n, 'Unpack it').msg).toBe('extracted 3 files into /opt/fp-app (1 changed: bin/a (content differs))');
      expect(sh(n, `cat ${APP}/bin/a`)).toBe('a version 2, longer\n');
      const after = inodes(n);
      expect(after[0]).not.toBe(before[i]![0]);
      expect(after[1]).toBe(before[i]![1]);
      expect(sh(n, `ls -A ${APP}`)).toBe('bin\n');
    });
    const again = await run('unarchive.yml', { archive: 'app-2.0.tar.gz' });
    for (const n of names()) expect(again.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
  });

  it('fails clearly for a zip archive on a host without unzip', async () => {
    const r = await run('unzip-missing.yml', {});
    expect(r.code).toBe(2);
    // Ansible's words, with the host named.
    for (const n of names())
      expect(result(r, n, 'Unpack a zip').msg).toBe(
        `Failed to find handler for "/etc/hostname.zip" on ${n}. Make sure the required command to extract the file is installed. Unable to find required 'unzip' binary in the path.`,
      );
  });
});

describe('unarchive from the controller', () => {
  it('uploads and extracts, then is ok; a chown or a deleted file brings it back', async () => {
    const local_archive = releaseFiles.get('app-1.0.tar.gz')!;
    const r1 = await run('unarchive-local.yml', { local_archive });
    expect(r1.code, r1.stdout + r1.stderr).toBe(0);
    for (const n of names()) {
      expect(result(r1, n, 'Unpack it').status).toBe('changed');
      expect(sh(n, 'cd /opt/fp-local && find . -printf "%u %p\\n" | sort -k2 && cat app-1.0/bin/a')).toBe(
        'root .\nnobody ./app-1.0\nnobody ./app-1.0/bin\nnobody ./app-1.0/bin/a\nnobody ./app-1.0/bin/b\nnobody ./app-1.0/bin/sub\nnobody ./app-1.0/bin/sub/c\na version 1\n',
      );
    }
    const r2 = await run('unarchive-local.yml', { local_archive });
    for (const n of names()) expect(r2.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
    const [first] = names();
    sh(first!, 'chown root /opt/fp-local/app-1.0/bin/b; rm /opt/fp-local/app-1.0/bin/sub/c');
    const r3 = await run('unarchive-local.yml', { local_archive });
    expect(result(r3, first!, 'Unpack it').msg).toBe(
      'extracted 3 files into /opt/fp-local (1 changed: app-1.0/bin/sub/c (missing); set owner of 1)',
    );
    expect(sh(first!, 'stat -c %U /opt/fp-local/app-1.0/bin/b /opt/fp-local/app-1.0/bin/sub/c')).toBe('nobody\nnobody\n');
  });
});
