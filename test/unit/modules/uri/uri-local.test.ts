// uri for real: the request script under /bin/sh on this machine, curl against a local HTTP server.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import type { ApplyOutcome, Vars } from '../../../../engine/types.ts';
import { uriModule } from '../../../../modules/uri/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
let base = '';
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const u = req.url ?? '';
    if (u === '/json') res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '26' }).end('{"name":"fleet","n":[1,2]}');
    else if (u === '/echo') res.writeHead(201, { 'Content-Type': 'text/plain' }).end(`${req.method} ${body}`);
    else if (u === '/moved') res.writeHead(302, { Location: '/json' }).end();
    else if (u === '/secret') {
      const want = `Basic ${Buffer.from('admin:pa ss$(x)').toString('base64')}`;
      if (req.headers.authorization === want) res.writeHead(200).end('in');
      else res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
    } else if (u === '/file') res.writeHead(200, { 'Content-Length': '6' }).end('bytes\n');
    else res.writeHead(404).end('nope');
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

async function run(
  args: Vars,
  check = false,
): Promise<{ outcome: ApplyOutcome | { kind: string; msg: string; data?: Vars }; commands: string[] }> {
  const h = fakeHost({ check, reply: runLocally });
  const plan = await planModule(uriModule, args, h);
  const outcome = plan.kind === 'change' ? await plan.apply() : plan;
  return { outcome, commands: h.commands };
}

describe('uri against a local server', () => {
  it("GET parses JSON without return_content and reports Ansible's fields", async () => {
    const { outcome } = await run({ url: `${base}/json` });
    expect(outcome).toMatchObject({
      kind: 'ok',
      msg: 'OK (26 bytes)',
      data: { status: 200, url: `${base}/json`, redirected: false, json: { name: 'fleet', n: [1, 2] } },
    });
    expect(outcome.data).not.toHaveProperty('content');
  });

  it('follows a redirect for GET and not for POST (follow_redirects: safe)', async () => {
    const get = await run({ url: `${base}/moved` });
    expect(get.outcome).toMatchObject({ kind: 'ok', data: { status: 200, redirected: true, url: `${base}/json` } });
    const post = await run({ url: `${base}/moved`, method: 'POST', body: 'x' });
    expect(post.outcome).toMatchObject({
      kind: 'failed',
      msg: 'Status code was 302 and not [200]: OK (unknown bytes)',
      data: { status: 302, location: '/json' },
    });
  });

  it('POST sends a JSON body with its Content-Type and returns content with return_content', async () => {
    const before = seen.length;
    const { outcome } = await run({
      url: `${base}/echo`,
      method: 'POST',
      body_format: 'json',
      body: { a: "it's" },
      status_code: [200, 201],
      return_content: true,
    });
    expect(outcome).toMatchObject({ kind: 'ok', data: { status: 201, content: `POST {"a":"it's"}` } });
    const got = seen.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]?.headers['content-type']).toBe('application/json');
    expect(got[0]?.headers['user-agent']).toBe('ansible-httpget');
  });

  it('HEAD asks for headers only: no content, the headers as keys', async () => {
    const before = seen.length;
    const { outcome } = await run({ url: `${base}/file`, method: 'HEAD', return_content: true });
    expect(outcome).toMatchObject({ kind: 'ok', msg: 'OK (6 bytes)', data: { status: 200, content: '', content_length: '6' } });
    expect(seen.slice(before).map((s) => s.method)).toEqual(['HEAD']);
  });

  it('fails on a status outside status_code', async () => {
    const { outcome } = await run({ url: `${base}/missing` });
    expect(outcome).toMatchObject({
      kind: 'failed',
      msg: 'Status code was 404 and not [200]: HTTP Error 404: Not Found',
      data: { status: 404 },
    });
  });

  it('sends credentials after the challenge, or up front with force_basic_auth, never on the command line', async () => {
    const creds = { url_username: 'admin', url_password: 'pa ss$(x)' };
    const before = seen.length;
    const challenged = await run({ url: `${base}/secret`, ...creds });
    expect(challenged.outcome).toMatchObject({ kind: 'ok', data: { status: 200 } });
    expect(seen.length - before).toBe(2);
    const forced = await run({ url: `${base}/secret`, ...creds, force_basic_auth: true });
    expect(forced.outcome).toMatchObject({ kind: 'ok', data: { status: 200 } });
    expect(seen.length - before).toBe(3);
    for (const c of [...challenged.commands, ...forced.commands]) expect(c).not.toContain('pa ss');
    const wrong = await run({ url: `${base}/secret`, url_username: 'admin', url_password: 'no', force_basic_auth: true });
    expect(wrong.outcome).toMatchObject({ kind: 'failed', data: { status: 401 } });
  });

  it('writes dest atomically, changed once, ok when the bytes are the same', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fp-uri-'));
    try {
      const dest = path.join(dir, "o'ut file");
      const first = await run({ url: `${base}/file`, dest });
      expect(first.outcome).toMatchObject({ kind: 'changed', data: { status: 200, path: dest } });
      expect(readFileSync(dest, 'utf8')).toBe('bytes\n');
      expect(statSync(dest).mode & 0o777).toBe(0o666 & ~process.umask());
      const mtime = statSync(dest).mtimeMs;
      const again = await run({ url: `${base}/file`, dest, return_content: true });
      expect(again.outcome).toMatchObject({ kind: 'ok', data: { content: 'bytes\n' } });
      expect(statSync(dest).mtimeMs).toBe(mtime);
      writeFileSync(dest, 'old');
      chmodSync(dest, 0o600);
      expect((await run({ url: `${base}/file`, dest })).outcome.kind).toBe('changed');
      expect(readFileSync(dest, 'utf8')).toBe('bytes\n');
      // The file keeps its own mode when it is rewritten.
      expect(statSync(dest).mode & 0o777).toBe(0o600);
      // A failed status leaves dest untouched and no temp file behind.
      writeFileSync(dest, 'keep');
      expect((await run({ url: `${base}/missing`, dest })).outcome.kind).toBe('failed');
      expect(readFileSync(dest, 'utf8')).toBe('keep');
      expect(readdirSync(dir)).toEqual(["o'ut file"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports status -1 when nothing answers', async () => {
    const { outcome } = await run({ url: 'http://127.0.0.1:1/', timeout: 2 });
    expect(outcome).toMatchObject({ kind: 'failed', data: { status: -1 } });
    expect(outcome.msg).toMatch(/^Status code was -1 and not \[200\]: Request failed: curl: \(7\)/);
  });

  it('talks to a server on a unix socket', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fp-uri-sock-'));
    const sock = path.join(dir, 'api.sock');
    const local = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"path":"${req.url}"}`));
    await new Promise<void>((r) => local.listen(sock, r));
    try {
      const { outcome } = await run({ url: 'http://localhost/v1/info', unix_socket: sock });
      expect(outcome).toMatchObject({ kind: 'ok', data: { status: 200, json: { path: '/v1/info' } } });
    } finally {
      local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check mode sends nothing to the server, whatever the method', async () => {
    const before = seen.length;
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      const { outcome, commands } = await run({ url: `${base}/echo`, method, body: 'x' }, true);
      expect(outcome.kind).toBe('unknown');
      expect(commands).toEqual([]);
    }
    expect(seen.length).toBe(before);
  });
});
