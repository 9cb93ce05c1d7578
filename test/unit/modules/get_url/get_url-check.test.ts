// get_url in check mode asks for the URL (HEAD, else a ranged GET) when it predicts a download, as Ansible
// does, so a URL the real run could not fetch is `failed` in --check too (#13 item 4).
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUrlModule } from '../../../../modules/get_url/index.ts';
import { judgeUrlCheck, maskUrl, parseUrlCheck, urlCheckFunctions } from '../../../../modules/get_url/urlCheck.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const URL = 'https://example.test/rel/x.tgz';
const A = 'a'.repeat(64);
const absent = 'tool=curl\npath=/opt/x.tgz\nparent=dir\n';

describe('judging the answer', () => {
  it('is ok on success, fails on no answer with the tool error, and on an HTTP error both requests got', () => {
    expect(judgeUrlCheck({ head: { code: 200, text: '' } }, URL)).toEqual({ kind: 'ok' });
    const refused = "curl: (7) Failed to connect to example.test port 443 after 0 ms: Couldn't connect to server\nhttp_code=000";
    expect(judgeUrlCheck({ head: { code: 0, text: refused } }, URL)).toEqual({
      kind: 'failed',
      msg: `cannot download ${URL}: curl: (7) Failed to connect to example.test port 443 after 0 ms: Couldn't connect to server (check mode: HEAD request)`,
    });
    const notFound = { code: 404, text: 'curl: (63) Maximum file size exceeded\nhttp_code=404' };
    expect(judgeUrlCheck({ head: { code: 404, text: '' }, range: notFound }, URL)).toEqual({
      kind: 'failed',
      msg: `cannot download ${URL}: the server answered HTTP 404 (check mode: HEAD and a ranged GET)`,
    });
  });

  it('takes the ranged GET when HEAD is refused: success (or 416 of an empty file) is ok, a refusal is unknown', () => {
    expect(judgeUrlCheck({ head: { code: 405, text: '' }, range: { code: 206, text: '' } }, URL).kind).toBe('ok');
    expect(judgeUrlCheck({ head: { code: 403, text: '' }, range: { code: 200, text: '' } }, URL).kind).toBe('ok');
    expect(judgeUrlCheck({ head: { code: 501, text: '' }, range: { code: 416, text: '' } }, URL).kind).toBe('ok');
    expect(judgeUrlCheck({ head: { code: 405, text: '' }, range: { code: 405, text: '' } }, URL)).toEqual({
      kind: 'unknown',
      msg: `${URL} refused both HEAD (HTTP 405) and a ranged GET (HTTP 405); cannot tell whether the download would succeed`,
    });
  });

  it('masks a password in the URL, in the message and in what the tool printed', () => {
    expect(maskUrl('https://u:s3cret@h/x')).toBe('https://u:********@h/x');
    expect(maskUrl('https://h/x')).toBe('https://h/x');
    const v = judgeUrlCheck({ head: { code: 0, text: 'wget: unable to resolve https://u:s3cret@h/x' } }, 'https://u:s3cret@h/x');
    expect(v).toMatchObject({ kind: 'failed' });
    expect(JSON.stringify(v)).not.toContain('s3cret');
  });

  it('parses prefixed lines only', () => {
    expect(parseUrlCheck('tool=curl\nsums:head_code=1\n')).toBeUndefined();
    expect(parseUrlCheck('head_code=405\nhead:curl: (22) x\nhead:\nhead:http_code=405\nrange_code=206\nrange:http_code=206\n')).toEqual({
      head: { code: 405, text: 'curl: (22) x\n\nhttp_code=405' },
      range: { code: 206, text: 'http_code=206' },
    });
  });
});

describe('the plan with a fake host', () => {
  it('fails in check mode when the probe found the URL missing, and keeps the real run as it was', async () => {
    const check = fakeHost({ check: true, reply: `${absent}head_code=404\nrange_code=404\n` });
    const plan = await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz' }, check);
    expect(plan).toMatchObject({
      kind: 'failed',
      msg: `cannot download ${URL}: the server answered HTTP 404 (check mode: HEAD and a ranged GET)`,
    });
    expect(check.commands).toHaveLength(1);
    expect(check.predicted.file('/opt/x.tgz')).toBeUndefined();

    const real = fakeHost({ reply: absent });
    expect((await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz' }, real)).kind).toBe('change');
    expect(real.commands[0]).not.toContain('fp_check');
  });

  it('asks in a second read-only command when only the predicted state makes the download likely', async () => {
    const present = `tool=curl\npath=/opt/x.tgz\nparent=dir\ntype=regular file\nmode=644\nowner=root\ngroup=root\nsize=3\nsum=${A}\n`;
    const ctx = fakeHost({
      check: true,
      answers: [[/^FP_TOOL=curl\n/, 'head_code=000\nhead:curl: (6) Could not resolve host: example.test\n']],
      reply: present,
    });
    ctx.predicted.setFile('/opt/x.tgz', { type: 'absent' });
    const plan = await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz', checksum: `sha256:${A}` }, ctx);
    expect(plan).toMatchObject({
      kind: 'failed',
      msg: `cannot download ${URL}: curl: (6) Could not resolve host: example.test (check mode: HEAD request)`,
    });
    expect(ctx.commands).toHaveLength(2);
  });

  it('reports unknown when both requests are refused, still predicting the file', async () => {
    const ctx = fakeHost({ check: true, reply: `${absent}head_code=405\nrange_code=501\n` });
    expect((await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz' }, ctx)).kind).toBe('unknown');
    expect(ctx.predicted.file('/opt/x.tgz')).toMatchObject({ type: 'file', origin: { url: URL } });
  });
});

describe('check mode against a real local server, commands run by /bin/sh with real curl', () => {
  const seen: string[] = [];
  let base = '';
  const body = 'payload\n';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}${req.headers.range ? ` ${req.headers.range}` : ''}`);
    const route = (req.url ?? '').split('/')[1];
    if (route === 'missing') return void res.writeHead(404).end('not here');
    if (route === 'nohead' && req.method === 'HEAD') return void res.writeHead(405).end();
    if (route === 'never' && req.method === 'HEAD') return void res.writeHead(405).end();
    if (route === 'never') return void res.writeHead(501).end();
    if (route === 'sums') return void res.end(`${createHash('sha256').update(body).digest('hex')}  x.txt\n`);
    if (route === 'moved') return void res.writeHead(302, { location: '/ok/x.txt' }).end();
    if (req.headers.range) return void res.writeHead(206, { 'content-range': `bytes 0-0/${body.length}` }).end(body.slice(0, 1));
    res.end(body);
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  async function plan(url: string, args: Record<string, unknown> = {}, check = true) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-geturl-check-'));
    seen.length = 0;
    const ctx = fakeHost({ check, reply: runLocally });
    const result = await planModule(getUrlModule, { url, dest: path.join(dir, 'x.txt'), ...args }, ctx);
    return { result, dir, commands: ctx.commands, requests: [...seen] };
  }

  it('200 → change, with one HEAD in the probe command itself', async () => {
    const { result, commands, requests } = await plan(`${base}/ok/x.txt`);
    expect(result.kind).toBe('change');
    expect(commands).toHaveLength(1);
    expect(requests).toEqual(['HEAD /ok/x.txt']);
  });

  it('a redirect is followed like the real download', async () => {
    const { result, requests } = await plan(`${base}/moved/x.txt`);
    expect(result.kind).toBe('change');
    expect(requests).toEqual(['HEAD /moved/x.txt', 'HEAD /ok/x.txt']);
  });

  it('404 → failed naming the URL and the status', async () => {
    const { result } = await plan(`${base}/missing/x.txt`);
    // curl's own words, as the real download reports them.
    expect(result).toMatchObject({
      kind: 'failed',
      msg: `cannot download ${base}/missing/x.txt: curl: (22) The requested URL returned error: 404 (check mode: HEAD and a ranged GET)`,
    });
  });

  it('connection refused → failed with curl’s error; a password in the URL is masked', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { result } = await plan(`http://u:s3cret@127.0.0.1:${port}/x.txt`);
    expect(result.kind).toBe('failed');
    expect(result.msg).toMatch(
      new RegExp(`^cannot download http://u:\\*{8}@127\\.0\\.0\\.1:${port}/x\\.txt: curl: \\(7\\) .*\\(check mode: HEAD request\\)$`),
    );
    expect(result.msg).not.toContain('s3cret');
  });

  it('HEAD 405 but a ranged GET 206 → change; both refused → unknown', async () => {
    const head405 = await plan(`${base}/nohead/x.txt`);
    expect(head405.result.kind).toBe('change');
    expect(head405.requests).toEqual(['HEAD /nohead/x.txt', 'GET /nohead/x.txt bytes=0-0']);
    expect((await plan(`${base}/never/x.txt`)).result.kind).toBe('unknown');
  });

  it('the converged case (dest has the checksum) and the real run send no request', async () => {
    const sum = createHash('sha256').update(body).digest('hex');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-geturl-check-'));
    writeFileSync(path.join(dir, 'x.txt'), body);
    seen.length = 0;
    const ctx = fakeHost({ check: true, reply: runLocally });
    const converged = await planModule(
      getUrlModule,
      { url: `${base}/missing/x.txt`, dest: path.join(dir, 'x.txt'), checksum: `sha256:${sum}` },
      ctx,
    );
    expect(converged.kind).toBe('ok');
    expect(ctx.commands).toHaveLength(1);
    expect(seen).toEqual([]);
    // With an upstream checksum file only that file is fetched, when it lists dest's sha256.
    seen.length = 0;
    const listed = await planModule(
      getUrlModule,
      { url: `${base}/missing/x.txt`, dest: path.join(dir, 'x.txt'), checksum: `sha256:${base}/sums/x.txt.sha256sum` },
      ctx,
    );
    expect(listed.kind).toBe('ok');
    expect(seen).toEqual(['GET /sums/x.txt.sha256sum']);

    const wrongSum = await plan(`${base}/missing/x.txt`, { checksum: `sha256:${A}` });
    expect(wrongSum.result.kind).toBe('failed');
    const real = await plan(`${base}/missing/x.txt`, {}, false);
    expect(real.result.kind).toBe('change');
    expect(real.requests).toEqual([]);
  });

  it('wget asks the same way (HEAD by --spider, then a one-byte ranged GET)', async () => {
    const run = async (route: string) => {
      seen.length = 0;
      const script = `FP_TOOL=wget\n${urlCheckFunctions(`${base}/${route}/x.txt`, { timeoutSec: 5, validateCerts: true })}\nfp_check`;
      const { stdout } = await promisify(execFile)('/bin/sh', ['-c', script]);
      const check = parseUrlCheck(stdout);
      return { verdict: check ? judgeUrlCheck(check, `${base}/${route}/x.txt`) : undefined, requests: [...seen] };
    };
    expect(await run('ok')).toEqual({ verdict: { kind: 'ok' }, requests: ['HEAD /ok/x.txt'] });
    expect(await run('nohead')).toEqual({ verdict: { kind: 'ok' }, requests: ['HEAD /nohead/x.txt', 'GET /nohead/x.txt bytes=0-0'] });
    expect((await run('missing')).verdict).toEqual({
      kind: 'failed',
      msg: `cannot download ${base}/missing/x.txt: the server answered HTTP 404 (check mode: HEAD and a ranged GET)`,
    });
    expect((await run('never')).verdict?.kind).toBe('unknown');
  });
});
