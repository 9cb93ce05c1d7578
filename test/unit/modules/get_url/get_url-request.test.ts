// get_url's request arguments for real: the scripts under /bin/sh on this machine, curl against a local
// server that asks for credentials, headers and an agent. Check mode says what the real run then does.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import type { Vars } from '../../../../engine/types.ts';
import { downloadScript, getUrlModule } from '../../../../modules/get_url/index.ts';
import { getUrlSchema } from '../../../../modules/get_url/schema.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const PASSWORD = `pa"ss $(touch /tmp/x) 100%\\n`;
const BASIC = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
let base = '';
const server = http.createServer((req, res) => {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
  const u = req.url ?? '';
  const authed = req.headers.authorization === BASIC;
  if (u === '/challenge.bin') {
    // Asks for credentials the way urllib expects: a 401 with a challenge.
    if (authed) res.writeHead(200).end('secret bytes\n');
    else res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="lab"' }).end();
  } else if (u === '/nochallenge.bin') {
    // No challenge: only a client that sends the credentials first (force_basic_auth) gets in.
    if (authed) res.writeHead(200).end('forced bytes\n');
    else res.writeHead(404).end();
  } else if (u === '/header.bin') {
    if (req.headers['x-token'] === 'tok"en') res.writeHead(200).end(`agent ${req.headers['user-agent']}\n`);
    else res.writeHead(403).end();
  } else if (u === '/plain.bin') res.writeHead(200).end('plain v2\n');
  else res.writeHead(404).end();
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

/** Plans (check or real) and, in a real run, applies; returns the outcome and every call the host got. */
async function run(args: Vars, check = false) {
  const h = fakeHost({ check, reply: runLocally });
  const plan = await planModule(getUrlModule, args, h);
  const outcome = plan.kind === 'change' && !check ? await plan.apply() : plan;
  return { outcome, calls: h.calls };
}

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'fp-geturl-req-'));
}

describe('credentials', () => {
  it('downloads behind a 401 challenge; check mode predicts it; the password is only ever on stdin', async () => {
    const dest = path.join(dir(), 'secret.bin');
    const args = { url: `${base}/challenge.bin`, dest, url_username: 'admin', url_password: PASSWORD };
    const check = await run(args, true);
    expect(check.outcome.kind).toBe('change');
    const real = await run(args);
    expect(real.outcome.kind).toBe('changed');
    expect(readFileSync(dest, 'utf8')).toBe('secret bytes\n');
    const again = await run(args);
    expect(again.outcome.kind).toBe('ok');
    for (const c of [...check.calls, ...real.calls]) expect(c.command).not.toContain('pa"ss');
    expect(real.calls.some((c) => String(c.stdin ?? '').includes('admin:pa\\"ss'))).toBe(true);
    // Without force_basic_auth the first request goes without credentials, as urllib's does.
    const gets = seen.filter((s) => s.url === '/challenge.bin' && s.method === 'GET');
    expect(gets.some((s) => s.headers.authorization === undefined)).toBe(true);
  });

  it('a wrong password fails in check mode as in the real run', async () => {
    const dest = path.join(dir(), 'secret.bin');
    const args = { url: `${base}/challenge.bin`, dest, url_username: 'admin', url_password: 'wrong' };
    const check = await run(args, true);
    const real = await run(args);
    expect(check.outcome.kind).toBe('failed');
    expect(real.outcome.kind).toBe('failed');
    expect(existsSync(dest)).toBe(false);
  });

  it('force_basic_auth sends the credentials first, so a server without a challenge answers', async () => {
    const dest = path.join(dir(), 'forced.bin');
    const lazy = { url: `${base}/nochallenge.bin`, dest, url_username: 'admin', url_password: PASSWORD };
    expect((await run(lazy, true)).outcome.kind).toBe('failed');
    expect((await run(lazy)).outcome.kind).toBe('failed');
    const forced = { ...lazy, force_basic_auth: true };
    expect((await run(forced, true)).outcome.kind).toBe('change');
    expect((await run(forced)).outcome.kind).toBe('changed');
    expect(readFileSync(dest, 'utf8')).toBe('forced bytes\n');
  });

  it("declares Ansible's aliases and the password as secret", () => {
    expect(getUrlSchema.properties.url_username.aliases).toEqual(['username']);
    expect(getUrlSchema.properties.url_password.aliases).toEqual(['password']);
    expect(getUrlModule.secretArgs).toContain('url_password');
  });
});

describe('headers, agent, proxy', () => {
  it('sends the headers (on stdin) and http_agent; the default agent is ansible-httpget', async () => {
    const d = dir();
    const args = { url: `${base}/header.bin`, dest: path.join(d, 'a.bin'), headers: { 'X-Token': 'tok"en' }, http_agent: 'fleet/1' };
    expect((await run(args, true)).outcome.kind).toBe('change');
    const real = await run(args);
    expect(real.outcome.kind).toBe('changed');
    expect(readFileSync(path.join(d, 'a.bin'), 'utf8')).toBe('agent fleet/1\n');
    expect(real.calls.every((c) => !c.command.includes('tok"en') && !c.command.includes('tok\\"en'))).toBe(true);
    const plain = await run({ url: `${base}/header.bin`, dest: path.join(d, 'b.bin'), headers: { 'X-Token': 'tok"en' } });
    expect(plain.outcome.kind).toBe('changed');
    expect(readFileSync(path.join(d, 'b.bin'), 'utf8')).toBe('agent ansible-httpget\n');
    const missing = await run({ url: `${base}/header.bin`, dest: path.join(d, 'c.bin') }, true);
    expect(missing.outcome.kind).toBe('failed');
  });

  it('use_proxy: false makes both tools ignore the proxy variables', () => {
    const job = { url: 'http://h/x', path: '/x', tool: 'curl' as const, wanted: {}, compareWithDest: false };
    const off = downloadScript({ ...job, fetch: { timeoutSec: 5, validateCerts: true, useProxy: false } });
    expect(off).toContain("--noproxy '*'");
    expect(off).toContain('--no-proxy');
    expect(downloadScript({ ...job, fetch: { timeoutSec: 5, validateCerts: true } })).not.toContain('noproxy');
  });
});

describe('tmp_dest and backup', () => {
  it('fails as Ansible does when tmp_dest is missing, in check mode too, and downloads through it when it exists', async () => {
    const d = dir();
    const dest = path.join(d, 'p.bin');
    const bad = { url: `${base}/plain.bin`, dest, tmp_dest: path.join(d, 'nope') };
    const check = await run(bad, true);
    expect(check.outcome).toMatchObject({ kind: 'failed', msg: `${path.join(d, 'nope')} directory does not exist.` });
    expect((await run(bad)).outcome).toMatchObject({ kind: 'failed', msg: check.outcome.msg });
    writeFileSync(path.join(d, 'afile'), '');
    expect((await run({ ...bad, tmp_dest: path.join(d, 'afile') }, true)).outcome.msg).toBe(
      `${path.join(d, 'afile')} is a file but should be a directory.`,
    );
    const tmp = mkdtempSync(path.join(d, 'tmp-'));
    expect((await run({ ...bad, tmp_dest: tmp })).outcome.kind).toBe('changed');
    expect(readFileSync(dest, 'utf8')).toBe('plain v2\n');
    expect(readdirSync(tmp)).toEqual([]);
    // A dest that is already there is not downloaded, so tmp_dest is not looked at (as in Ansible).
    expect((await run(bad, true)).outcome.kind).toBe('ok');
  });

  it('backup keeps the old file as <dest>.<pid>.<time>~ and reports backup_file', async () => {
    const d = dir();
    const dest = path.join(d, 'p.bin');
    writeFileSync(dest, 'plain v1\n');
    const args = { url: `${base}/plain.bin`, dest, force: true, backup: true };
    expect((await run(args, true)).outcome.kind).toBe('change');
    const real = await run(args);
    expect(real.outcome.kind).toBe('changed');
    const backup = String(real.outcome.data?.backup_file);
    expect(backup).toMatch(new RegExp(`^${dest.replace(/[.]/g, '\\.')}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(backup, 'utf8')).toBe('plain v1\n');
    expect(readFileSync(dest, 'utf8')).toBe('plain v2\n');
    // Same content again: nothing replaced, so no backup.
    const again = await run(args);
    expect(again.outcome.kind).toBe('ok');
    expect(again.outcome.data).not.toHaveProperty('backup_file');
  });
});
