// The apt_repository module on a fake host: its one read of apt's sources files, the fetch of a new source
// before any file changes, atomic writes, check mode's prediction, and what it refuses.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { aptRepositoryModule } from '../../../../modules/apt_repository/index.ts';
import { parseSources, sourcesCommand } from '../../../../modules/apt_repository/probe.ts';
import { fetchSourcesScript } from '../../../../modules/lib/aptUpdate.ts';
import { sourcesChangedInCheck } from '../../../../modules/lib/aptSources.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const D = '/etc/apt/sources.list.d';
const REPO = 'deb [signed-by=/etc/apt/keyrings/x.asc] http://127.0.0.1:8765/apt/docker bookworm stable';
const FILE = `${D}/127_0_0_1_8765_apt_docker.list`;

/** The sources read's answer for files given as path → text (mode 644, root). */
function sourcesReply(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([p, t]) => `@@ ${Buffer.from(p).toString('base64')}\nfile 644 root root\n${Buffer.from(t).toString('base64')}\n`)
    .join('');
}

function host(
  files: Record<string, string>,
  opts: { check?: boolean; fetch?: { exitCode: number; stderr?: string }; probe?: string } = {},
) {
  return fakeHost({
    ...(opts.check !== undefined ? { check: opts.check } : {}),
    answers: [
      ['@@', sourcesReply(files)],
      ['InRelease', opts.probe ?? 'ok 0\n'],
      ['fetch.list', opts.fetch ? { exitCode: opts.fetch.exitCode, stderr: opts.fetch.stderr ?? '' } : ''],
    ],
  });
}

describe('apt_repository', () => {
  it('adds a new source: fetches its indexes alone first, then writes the derived file atomically', async () => {
    const ctx = host({ '/etc/apt/sources.list': 'deb http://deb.debian.org/debian bookworm main\n' });
    const p = await planModule(aptRepositoryModule, { repo: REPO }, ctx);
    expect(p.kind).toBe('change');
    if (p.kind !== 'change') return;
    expect(p.diff).toEqual([{ header: FILE, before: '', after: `${REPO}\n` }]);
    expect(p.msg).toContain('and fetch its indexes');
    expect(await p.apply()).toMatchObject({ kind: 'changed', data: { sources_added: [FILE], sources_removed: [] } });
    const [, fetch, mkdir, write] = ctx.calls;
    expect(fetch?.command).toContain('-o Dir::Etc::SourceParts=-');
    expect(fetch?.stdin).toBe(`${REPO}\n`);
    expect(mkdir?.command).toContain('mkdir -p');
    expect(write?.stdin).toBe(`${REPO}\n`);
    expect(write?.command).toContain(`mv -f -- "$tmp" ${FILE}`);
    expect(ctx.calls).toHaveLength(4);
  });

  it('is ok, with one read, when any sources file already has the line enabled', async () => {
    const ctx = host({ '/etc/apt/sources.list': `${REPO.replace(' http', '   http')}\n`, [`${D}/other.list`]: '' });
    expect(await planModule(aptRepositoryModule, { repo: REPO, filename: 'docker' }, ctx)).toMatchObject({ kind: 'ok' });
    expect(ctx.commands).toHaveLength(1);
  });

  it('re-enables a commented-out copy in place, keeping the file mode, and appends nothing', async () => {
    const ctx = host({ [`${D}/docker.list`]: `# ${REPO}\n` });
    const p = await planModule(aptRepositoryModule, { repo: REPO, update_cache: false, mode: '0600' }, ctx);
    if (p.kind !== 'change') throw new Error(p.msg);
    expect(p.diff).toEqual([{ header: `${D}/docker.list`, before: `# ${REPO}\n`, after: `${REPO}\n` }]);
    await p.apply();
    expect(ctx.calls).toHaveLength(2);
    expect(ctx.calls[1]?.command).not.toContain('chmod 0600');
    expect(ctx.calls[1]?.command).toContain(`${D}/docker.list`);
  });

  it('sets mode on the file it appends to', async () => {
    const ctx = host({});
    const p = await planModule(aptRepositoryModule, { repo: REPO, update_cache: false, mode: 0o600, filename: 'docker' }, ctx);
    if (p.kind !== 'change') throw new Error(p.msg);
    await p.apply();
    expect(ctx.calls.at(-1)?.command).toContain('0600');
    expect(ctx.calls.at(-1)?.command).toContain(`${D}/docker.list`);
  });

  it('a source apt cannot fetch fails the task and writes nothing', async () => {
    const ctx = host({}, { fetch: { exitCode: 100, stderr: 'E: The repository is not signed.\n' } });
    const p = await planModule(aptRepositoryModule, { repo: REPO }, ctx);
    if (p.kind !== 'change') throw new Error(p.msg);
    const r = await p.apply();
    expect(r).toMatchObject({ kind: 'failed' });
    expect(r.msg).toContain('Failed to update apt cache: The repository is not signed.');
    expect(ctx.calls).toHaveLength(2);
  });

  it('absent removes every enabled copy and deletes a file left without lines, with no update', async () => {
    const ctx = host({ '/etc/apt/sources.list': `deb http://deb.debian.org/debian bookworm main\n${REPO}\n`, [FILE]: `${REPO}\n` });
    const p = await planModule(aptRepositoryModule, { repo: REPO, state: 'absent' }, ctx);
    if (p.kind !== 'change') throw new Error(p.msg);
    expect(await p.apply()).toMatchObject({ kind: 'changed', data: { sources_removed: [FILE] } });
    const cmds = ctx.calls.slice(1);
    expect(cmds.map((c) => c.stdin)).toEqual(['deb http://deb.debian.org/debian bookworm main\n', undefined]);
    expect(cmds[1]?.command).toBe(`rm -f -- ${FILE}`);
    expect(ctx.commands.some((c) => c.includes('apt-get'))).toBe(false);
    expect(await planModule(aptRepositoryModule, { repo: REPO, state: 'absent' }, host({}))).toMatchObject({ kind: 'ok' });
  });

  it('check mode predicts the file (apt then knows its sources changed) and a later task sees it', async () => {
    const predicted = createPredictedState();
    const ctx = fakeHost({
      check: true,
      predicted,
      answers: [
        ['@@', ''],
        ['InRelease', 'ok 0\n'],
      ],
    });
    const p = await planModule(aptRepositoryModule, { repo: REPO }, ctx);
    expect(p.kind).toBe('change');
    expect(predicted.file(FILE)).toMatchObject({ type: 'file', content: `${REPO}\n`, mode: '0644' });
    expect(sourcesChangedInCheck({ check: true, predicted })).toBe(true);
    expect(await planModule(aptRepositoryModule, { repo: REPO, filename: 'other' }, ctx)).toMatchObject({ kind: 'ok' });
    const q = await planModule(aptRepositoryModule, { repo: REPO, state: 'absent' }, ctx);
    expect(q).toMatchObject({ kind: 'change', diff: [{ header: FILE, before: `${REPO}\n`, after: '' }] });
    expect(predicted.file(FILE)).toEqual({ type: 'absent' });
    expect(ctx.calls.every((c) => c.stdin === undefined)).toBe(true);
  });

  it('check mode is unknown when an earlier task changes a sources file without a predicted text', async () => {
    const predicted = createPredictedState();
    predicted.setFile(`${D}/x.list`, { type: 'file', checksum: 'abc' });
    const ctx = fakeHost({ check: true, predicted, answers: [['@@', sourcesReply({ [`${D}/x.list`]: '' })]] });
    expect(await planModule(aptRepositoryModule, { repo: REPO }, ctx)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringContaining(`${D}/x.list`),
    });
  });

  it('check mode fails as the real run would when the repository cannot be fetched', async () => {
    const ctx = host({}, { check: true, probe: 'unreachable 0 curl: (7) Failed to connect\n' });
    const p = await planModule(aptRepositoryModule, { repo: REPO }, ctx);
    expect(p).toMatchObject({ kind: 'failed' });
    expect(p.msg).toContain('apt could not fetch http://127.0.0.1:8765/apt/docker/dists/bookworm/InRelease');
  });

  it('refuses a PPA, a bad entry and a bad file name before anything runs', async () => {
    for (const repo of ['ppa:deadsnakes/ppa', 'deb http://a/debian bookworm']) {
      const ctx = host({});
      expect(await planModule(aptRepositoryModule, { repo }, ctx)).toMatchObject({ kind: 'failed' });
      expect(ctx.commands).toHaveLength(0);
    }
    const bad = (args: Record<string, unknown>) => checkSchema(aptRepositoryModule.schema, args, "module 'apt_repository'");
    expect(bad({ repo: REPO })).toEqual([]);
    expect(bad({ repo: `${REPO}\ndeb http://evil/ x main` })).not.toEqual([]);
    expect(bad({ repo: REPO, filename: '../../cron.d/x' })).not.toEqual([]);
    expect(bad({ repo: REPO, filename: '.hidden' })).not.toEqual([]);
    expect(bad({ repo: REPO, filename: 'a b' })).not.toEqual([]);
    expect(bad({ repo: REPO, codename: 'bookworm', install_python_apt: false, validate_certs: true, update_cache_retries: 2 })).toEqual([]);
  });
});

describe('apt_repository shell', () => {
  it('the sources read lists sources.list and the .list files (not .sources), with modes and exact text', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'aptrepo-'));
    mkdirSync(path.join(root, 'sources.list.d'));
    writeFileSync(path.join(root, 'sources.list'), 'deb http://a/debian bookworm main\n');
    writeFileSync(path.join(root, 'sources.list.d', 'x y.list'), 'deb http://b/x y z', { mode: 0o600 });
    writeFileSync(path.join(root, 'sources.list.d', 'd.sources'), 'Types: deb\n');
    mkdirSync(path.join(root, 'sources.list.d', 'dir.list'));
    const r = await runLocally(sourcesCommand().replaceAll('/etc/apt', root), { index: 0 });
    const files = parseSources(typeof r === 'string' ? r : (r.stdout ?? ''));
    expect([...files.keys()].sort()).toEqual([
      `${root}/sources.list`,
      `${root}/sources.list.d/dir.list`,
      `${root}/sources.list.d/x y.list`,
    ]);
    expect(files.get(`${root}/sources.list.d/x y.list`)).toMatchObject({ type: 'file', mode: '0600', text: 'deb http://b/x y z' });
    expect(files.get(`${root}/sources.list.d/dir.list`)).toEqual({ type: 'other' });
  });

  it('the fetch retries with growing pauses and reports apt’s errors after the last try', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'aptrepo-'));
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'apt-get'), `#!/bin/sh\necho try >> ${root}/tries\necho 'E: Failed to fetch x'\nexit 100\n`, {
      mode: 0o755,
    });
    writeFileSync(path.join(bin, 'sleep'), `#!/bin/sh\necho "$1" >> ${root}/sleeps\n`, { mode: 0o755 });
    const script = fetchSourcesScript('deb http://a/ x main\n', { retries: 3, maxDelay: 1 }).replace('/etc/apt/', `${root}/`);
    const r = await runLocally(`PATH=${bin}:$PATH\n${script}`, { index: 0, options: { stdin: 'deb http://a/ x main\n' } });
    expect(typeof r === 'string' ? 0 : r.exitCode).toBe(100);
    expect(typeof r === 'string' ? '' : r.stderr).toContain('E: Failed to fetch x');
    expect(readFileSync(path.join(root, 'tries'), 'utf8')).toBe('try\ntry\ntry\n');
    expect(readFileSync(path.join(root, 'sleeps'), 'utf8')).toBe('1\n1\n');
  });
});
