// Check mode of get_url and unarchive against the state earlier tasks would leave (ctx.predicted): they
// read through it, record what they would write, and fail exactly where the real run would.
import { planModule } from '../../../engine/executor/moduleDriver.ts';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPredictedState } from '../../../engine/executor/predicted.ts';
import type { PredictedState } from '../../../engine/types.ts';
import { getUrlModule } from '../../../modules/get_url/index.ts';
import type { ManifestEntry, ManifestSpec } from '../../../modules/unarchive/archiveManifest.ts';
import { rememberManifest } from '../../../modules/unarchive/manifestCache.ts';
import { unarchiveModule } from '../../../modules/unarchive/index.ts';
import { fakeHost } from '../../support/fakeHost.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const URL = 'http://mirror.test/v1.7.24/containerd-1.7.24-linux-amd64.tar.gz';
const TARBALL = '/var/cache/dl/containerd-1.7.24-linux-amd64.tar.gz';
const SPEC: ManifestSpec = { format: { kind: 'tar', compression: 'gzip' }, extraOpts: [], include: [] };

/** A check-mode host n1 answering every command with `stdout`. */
const checkCtx = (stdout: string, predicted?: PredictedState) => fakeHost({ name: 'n1', check: true, reply: stdout, predicted });

/** get_url probe output: curl, umask 022, the path, whether its parent exists, the upstream sums, and the URL's answer to HEAD. */
function urlProbe(p: string, parent: boolean, extra = ''): string {
  return `tool=curl\numask=0022\npath=${p}\n${parent ? 'parent=dir\n' : ''}sums_rc=0\nsums:${A}  containerd-1.7.24-linux-amd64.tar.gz\nhead_code=200\n${extra}`;
}

describe('get_url in check mode', () => {
  const args = { url: URL, dest: TARBALL, checksum: `sha256:${URL}.sha256sum`, mode: '0644' };

  it('downloads into a directory an earlier task would create, and records the file it would write', async () => {
    const predicted = createPredictedState();
    predicted.setFile('/var/cache/dl', { type: 'directory', mode: '0755' });
    const host = checkCtx(urlProbe(TARBALL, false), predicted);
    const sent = host.calls;
    const plan = await planModule(getUrlModule, args, host);
    expect(plan).toMatchObject({ kind: 'change', msg: `download ${URL} to ${TARBALL} (${TARBALL} does not exist)` });
    expect(plan.data).toEqual({ dest: TARBALL, url: URL, checksum_src: A, checksum_dest: A });
    expect(predicted.file(TARBALL)).toEqual({ type: 'file', checksum: A, mode: '0644', origin: { url: URL } });
    expect(sent).toHaveLength(1);
  });

  it('fails like the real run when no earlier task creates the directory', async () => {
    const plan = await planModule(getUrlModule, args, checkCtx(urlProbe(TARBALL, false)));
    expect(plan).toMatchObject({ kind: 'failed', msg: 'destination directory /var/cache/dl does not exist' });
  });

  it('fails when an earlier task would remove the directory the host has', async () => {
    const predicted = createPredictedState();
    predicted.setFile('/var/cache/dl', { type: 'absent' });
    const plan = await planModule(
      getUrlModule,
      args,
      checkCtx(urlProbe(TARBALL, true, `type=regular file\nmode=644\nowner=root\ngroup=root\nsize=3\nsum=${A}\n`), predicted),
    );
    expect(plan).toMatchObject({ kind: 'failed', msg: 'destination directory /var/cache/dl does not exist' });
  });

  it('is ok when an earlier task would already leave the same file, with its checksum registered', async () => {
    const predicted = createPredictedState();
    predicted.setFile(TARBALL, { type: 'file', checksum: A, mode: '0644', origin: { url: URL } });
    const plan = await planModule(getUrlModule, args, checkCtx(urlProbe(TARBALL, false), predicted));
    expect(plan).toMatchObject({ kind: 'ok', data: { checksum_dest: A, checksum_src: A } });
  });

  it('saves into dest/<file name> when an earlier task would make dest a directory', async () => {
    const predicted = createPredictedState();
    predicted.setFile('/opt/dl', { type: 'directory' });
    const plan = await planModule(
      getUrlModule,
      { url: URL, dest: '/opt/dl' },
      checkCtx('tool=curl\numask=0027\npath=/opt/dl\nparent=dir\nhead_code=200\n', predicted),
    );
    const saved = '/opt/dl/containerd-1.7.24-linux-amd64.tar.gz';
    expect(plan).toMatchObject({ kind: 'change', data: { dest: saved } });
    // No checksum: the content is not known in advance; a new file gets 0666 & ~umask.
    expect(predicted.file(saved)).toEqual({ type: 'file', mode: '0640', origin: { url: URL } });
  });

  it('cannot compare with a file an earlier task would write with unknown content', async () => {
    const predicted = createPredictedState();
    predicted.setFile(TARBALL, { type: 'file' });
    const plan = await planModule(getUrlModule, args, checkCtx(urlProbe(TARBALL, true), predicted));
    expect(plan.kind).toBe('unknown');
    expect(plan.msg).toContain('content not known in advance');
  });

  it('with force streams the URL for a file an earlier task would write, and only then', async () => {
    const predicted = createPredictedState();
    predicted.setFile('/opt/x.tgz', { type: 'file', checksum: A });
    const checking = checkCtx(`tool=curl\nstream_rc=0\nstream_sum=${A}\n`, predicted);
    const real = fakeHost({ name: 'n1', reply: 'tool=curl\n' });
    await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz', force: true }, checking);
    await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz', force: true }, real);
    const sent = [...checking.calls, ...real.calls];
    expect(sent[0]?.command).not.toContain('if [ -f "$p" ]; then {');
    expect(sent[1]?.command).toContain('if [ -f "$p" ]; then {');
  });

  it('keeps the existing mode and owner of a file it replaces', async () => {
    const predicted = createPredictedState();
    const host = urlProbe('/usr/local/sbin/runc', true, `type=regular file\nmode=700\nowner=root\ngroup=adm\nsize=3\nsum=${B}\n`);
    const plan = await planModule(
      getUrlModule,
      { url: URL, dest: '/usr/local/sbin/runc', checksum: `sha256:${A}` },
      checkCtx(host, predicted),
    );
    expect(plan.kind).toBe('change');
    expect(predicted.file('/usr/local/sbin/runc')).toEqual({
      type: 'file',
      checksum: A,
      mode: '0700',
      owner: 'root',
      group: 'adm',
      origin: { url: URL },
    });
  });
});

describe('unarchive in check mode', () => {
  const args = { src: TARBALL, dest: '/usr/local', remote_src: true };
  const entries: ManifestEntry[] = [
    { kind: 'd', name: 'bin/', mode: '0755' },
    { kind: 'f', name: 'bin/ctr', mode: '0755', size: 2, value: B },
    { kind: 'f', name: 'bin/containerd', mode: '0755', size: 3, value: C },
  ];
  const absent = (e: ManifestEntry) => `R\t${e.kind}\t${e.mode}\t${e.size ?? '-'}\t-\t${e.value ?? '-'}\tabsent\t-\t-\t-\t-\t-\t${e.name}`;

  beforeEach(() => {
    process.env.FLEETPLAY_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'fp-predicted-cache-'));
  });

  function downloaded(checksum?: string, origin = true): PredictedState {
    const predicted = createPredictedState();
    predicted.setFile(TARBALL, {
      type: 'file',
      ...(checksum ? { checksum } : {}),
      mode: '0644',
      ...(origin ? { origin: { url: URL } } : {}),
    });
    return predicted;
  }

  it('plans from the cached manifest of the sha256 the download would have, without any network', async () => {
    // Cached under the URL it was once read from; found by its sha256 alone.
    rememberManifest(URL, SPEC, { archiveSha: A, entries });
    const predicted = downloaded(A);
    const out = `uid=0\numask=0022\nmanifest=given\n${entries.map(absent).join('\n')}\n`;
    const host = checkCtx(out, predicted);
    const sent = host.calls;
    const plan = await planModule(unarchiveModule, args, host);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.stdin).toBe(`d\t0755\t-\t-\t-\tbin/\nf\t0755\t2\t-\t${B}\tbin/ctr\nf\t0755\t3\t-\t${C}\tbin/containerd\n`);
    expect(sent[0]?.command).not.toContain(URL);
    expect(sent[0]?.command).not.toContain(TARBALL);
    expect(plan).toMatchObject({ kind: 'change', data: { archive_sha256: A, changed_files: ['bin/', 'bin/ctr', 'bin/containerd'] } });
    expect(predicted.file('/usr/local/bin')).toEqual({ type: 'directory', mode: '0755' });
    expect(predicted.file('/usr/local/bin/ctr')).toEqual({ type: 'file', checksum: B, mode: '0755', size: 2 });
    expect(predicted.file('/usr/local/bin/containerd')).toEqual({ type: 'file', checksum: C, mode: '0755', size: 3 });
  });

  it('streams the origin URL through tar when no manifest is cached, writing nothing', async () => {
    const predicted = downloaded(A);
    const out = `uid=0\numask=0022\ntool=curl\nfetch_rc=0\narchive_sha=${A}\nmanifest=fresh\nmanifest_rc=0\n${entries.map(absent).join('\n')}\n`;
    const host = checkCtx(out, predicted);
    const sent = host.calls;
    const plan = await planModule(unarchiveModule, args, host);
    expect(sent[0]?.command).toContain(`-o - -- ${URL}`);
    expect(sent[0]?.command).not.toContain('mktemp');
    expect(plan.kind).toBe('change');
    // The manifest is now cached: a second plan sends it and needs no stream to succeed.
    const hostAgain = checkCtx(`uid=0\numask=0022\nmanifest=given\n${entries.map(absent).join('\n')}\n`, downloaded(A));
    const again = hostAgain.calls;
    await planModule(unarchiveModule, args, hostAgain);
    expect(again[0]?.command).not.toContain(URL);
  });

  it('cannot predict when the URL now serves another archive than the download was planned for', async () => {
    const out = `uid=0\numask=0022\ntool=curl\nfetch_rc=0\narchive_sha=${C}\nmanifest=fresh\nmanifest_rc=0\n${entries.map(absent).join('\n')}\n`;
    const plan = await planModule(unarchiveModule, args, checkCtx(out, downloaded(A)));
    expect(plan.kind).toBe('unknown');
    expect(plan.msg).toContain(`planned for sha256 ${A}`);
  });

  it('is unknown, saying why, when the src has neither an origin URL nor a cached manifest', async () => {
    const host = checkCtx('', downloaded(undefined, false));
    const sent = host.calls;
    const plan = await planModule(unarchiveModule, args, host);
    expect(plan.kind).toBe('unknown');
    expect(plan.msg).toContain('neither its download URL nor a cached manifest');
    expect(sent).toHaveLength(0);
  });

  it('treats a dest an earlier task would create as an empty directory', async () => {
    rememberManifest(URL, SPEC, { archiveSha: A, entries });
    const predicted = downloaded(A);
    predicted.setFile('/opt/cni/bin', { type: 'directory', mode: '0755' });
    const out = `uid=0\numask=0022\nmanifest=given\n${entries.map(absent).join('\n')}\n`;
    const host = checkCtx(out, predicted);
    const sent = host.calls;
    const plan = await planModule(unarchiveModule, { ...args, dest: '/opt/cni/bin' }, host);
    expect(sent[0]?.command).not.toContain('dest=missing');
    expect(plan.kind).toBe('change');
    expect(predicted.file('/opt/cni/bin/bin/ctr')).toMatchObject({ type: 'file', checksum: B });
  });

  it('fails like the real run when an earlier task would remove dest or src', async () => {
    const gone = createPredictedState();
    gone.setFile('/usr/local', { type: 'absent' });
    const noDest = await planModule(unarchiveModule, args, checkCtx('uid=0\numask=0022\nmanifest=given\n', gone));
    expect(noDest).toMatchObject({ kind: 'failed', msg: 'dest /usr/local does not exist or is not a directory' });
    const noSrc = createPredictedState();
    noSrc.setFile(TARBALL, { type: 'absent' });
    const host = checkCtx('uid=0\numask=0022\nmanifest=given\n', noSrc);
    const sent = host.calls;
    const plan = await planModule(unarchiveModule, args, host);
    expect(plan).toMatchObject({ kind: 'failed', msg: `${TARBALL} does not exist on n1` });
    expect(sent[0]?.stdin).toBe('');
  });

  it('sees members an earlier task would remove or write', async () => {
    const host = (e: ManifestEntry) =>
      e.kind === 'd'
        ? `R\td\t0755\t-\t-\t-\tdir\t755\troot\troot\t-\t-\t${e.name}`
        : `R\t${e.kind}\t0755\t${e.size}\t-\t${e.value}\tfile\t755\troot\troot\t${e.value}\t-\t${e.name}`;
    const out = `uid=0\numask=0022\narchive_sha=${A}\nmanifest=fresh\nmanifest_rc=0\n${entries.map(host).join('\n')}\n`;
    const predicted = createPredictedState();
    predicted.setFile('/usr/local/bin/ctr', { type: 'absent' });
    const plan = await planModule(unarchiveModule, args, checkCtx(out, predicted));
    expect(plan).toMatchObject({ kind: 'change', data: { changed_files: ['bin/ctr'] } });
    const same = createPredictedState();
    same.setFile('/usr/local/bin/ctr', { type: 'file', checksum: B, mode: '0755' });
    expect((await planModule(unarchiveModule, args, checkCtx(out, same))).kind).toBe('ok');
  });

  it('is ok without asking the host when an earlier task would create `creates`', async () => {
    const predicted = createPredictedState();
    predicted.setFile('/usr/local/bin/ctr', { type: 'file', checksum: B });
    const host = checkCtx('', predicted);
    const sent = host.calls;
    const plan = await planModule(unarchiveModule, { ...args, creates: '/usr/local/bin/ctr' }, host);
    expect(plan).toMatchObject({ kind: 'ok', msg: '/usr/local/bin/ctr exists' });
    expect(sent).toHaveLength(0);
  });
});
