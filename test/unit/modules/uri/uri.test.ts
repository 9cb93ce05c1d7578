// uri: the request as curl's config (every value on stdin, none on the command line), the parsing of
// curl's output into Ansible's result, the status verdict, and check mode (nothing is ever sent).
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { NOT_RUN_IN_CHECK } from '../../../../engine/types.ts';
import { buildRequest, curlConfig, parseUriOutput, requestScript, uriModule, uriResult } from '../../../../modules/uri/index.ts';
import type { UriRequest } from '../../../../modules/uri/request.ts';
import { uriSchema, type UriArgs } from '../../../../modules/uri/schema.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const req = (args: UriArgs): UriRequest => {
  const r = buildRequest(args);
  if (typeof r === 'string') throw new Error(r);
  return r;
};

describe('the request', () => {
  it('defaults as Ansible: GET, status 200, timeout 30, certificates checked, safe redirects', () => {
    const r = req({ url: 'https://x.test/a' });
    expect(r).toMatchObject({ method: 'GET', statusCodes: [200], timeoutSec: 30, validateCerts: true, follow: true, returnContent: false });
    const cfg = curlConfig(r);
    expect(cfg).toContain('url = "https://x.test/a"\n');
    expect(cfg).toContain('location\n');
    expect(cfg).not.toContain('insecure');
    expect(cfg).not.toContain('request =');
  });

  it('follows redirects for POST only with follow_redirects all/yes/true, never with none/no/false', () => {
    expect(req({ url: 'http://x/', method: 'post' }).follow).toBe(false);
    for (const v of ['all', 'yes', true] as const) expect(req({ url: 'http://x/', method: 'POST', follow_redirects: v }).follow).toBe(true);
    for (const v of ['none', 'no', false] as const) expect(req({ url: 'http://x/', follow_redirects: v }).follow).toBe(false);
    expect(req({ url: 'http://x/', method: 'HEAD', follow_redirects: 'safe' }).follow).toBe(true);
  });

  it('serializes json and form bodies and sets their Content-Type unless a header sets one', () => {
    const j = req({ url: 'http://x/', method: 'POST', body_format: 'json', body: { a: 1, b: 'x"y' } });
    expect(j.body).toBe('{"a":1,"b":"x\\"y"}');
    expect(j.headers).toEqual([['Content-Type', 'application/json']]);
    // An already formatted JSON string is sent as it is.
    expect(req({ url: 'http://x/', body_format: 'json', body: '{"k": 2}' }).body).toBe('{"k": 2}');
    const f = req({ url: 'http://x/', method: 'POST', body_format: 'form-urlencoded', body: { name: 'a b', q: 'x&y=z' } });
    expect(f.body).toBe('name=a+b&q=x%26y%3Dz');
    expect(
      req({
        url: 'http://x/',
        body_format: 'form-urlencoded',
        body: [
          ['k', 'v'],
          ['k', 'w'],
        ],
      }).body,
    ).toBe('k=v&k=w');
    const own = req({ url: 'http://x/', body_format: 'json', body: {}, headers: { 'content-type': 'application/vnd+json' } });
    expect(own.headers).toEqual([['content-type', 'application/vnd+json']]);
  });

  it('refuses a mapping as a raw body and header names or values that would inject headers', () => {
    expect(buildRequest({ url: 'http://x/', body: { a: 1 } })).toMatch(/body_format is raw/);
    expect(buildRequest({ url: 'http://x/', headers: { 'X-A': 'v\r\nX-Evil: 1' } })).toMatch(/line break/);
    expect(buildRequest({ url: 'http://x/', headers: { 'X A:': 'v' } })).toMatch(/not a valid HTTP header name/);
  });

  it('status_code: an integer, a list, or a comma-separated string', () => {
    expect(req({ url: 'http://x/', status_code: 201 }).statusCodes).toEqual([201]);
    expect(req({ url: 'http://x/', status_code: [200, 204] }).statusCodes).toEqual([200, 204]);
    expect(req({ url: 'http://x/', status_code: '200, 301' }).statusCodes).toEqual([200, 301]);
  });

  it('puts every value in the config (quoted for curl), the password too, and none in the script', () => {
    const r = req({
      url: 'http://x/p?a=1&b=$(id)',
      method: 'PUT',
      body: 'line1\n"quoted" \\ back\ttab',
      headers: { 'X-Token': "it's $HOME" },
      url_username: 'admin',
      url_password: 's3cr\'et"$(reboot)',
      force_basic_auth: true,
      validate_certs: false,
      timeout: 7,
      dest: "/tmp/o'ut",
      unix_socket: '/run/docker.sock',
    });
    const cfg = curlConfig(r);
    expect(cfg).toContain('request = "PUT"\n');
    expect(cfg).toContain('data-binary = "line1\\n\\"quoted\\" \\\\ back\\ttab"\n');
    expect(cfg).toContain(`header = "X-Token: it's $HOME"\n`);
    expect(cfg).toContain('user = "admin:s3cr\'et\\"$(reboot)"\n');
    expect(cfg).not.toContain('anyauth');
    expect(cfg).toContain('insecure\n');
    expect(cfg).toContain('connect-timeout = 7\n');
    expect(cfg).toContain('unix-socket = "/run/docker.sock"\n');
    const script = requestScript(r);
    for (const secret of ['s3cr', 'admin', 'X-Token', 'line1', '$(id)', 'docker.sock']) expect(script).not.toContain(secret);
    expect(script).toContain("'/tmp/o'\\''ut'");
    expect(script).toContain('curl -K - ');
  });

  it("sends Ansible's User-Agent unless http_agent or a header sets one, and the host-side TLS files", () => {
    expect(curlConfig(req({ url: 'https://x/' }))).toContain('user-agent = "ansible-httpget"\n');
    expect(curlConfig(req({ url: 'https://x/', http_agent: 'me/1' }))).toContain('user-agent = "me/1"\n');
    expect(curlConfig(req({ url: 'https://x/', headers: { 'User-Agent': 'h' } }))).not.toContain('user-agent =');
    const tls = curlConfig(req({ url: 'https://x/', ca_path: '/etc/ca.pem', client_cert: '/c.pem', client_key: '/k.pem' }));
    expect(tls).toContain('cacert = "/etc/ca.pem"\ncert = "/c.pem"\nkey = "/k.pem"\n');
  });

  it('sends credentials only when challenged unless force_basic_auth (curl anyauth)', () => {
    // The engine renames Ansible's aliases user/password before the module sees them.
    expect(uriSchema.properties.url_username.aliases).toEqual(['user']);
    expect(uriSchema.properties.url_password.aliases).toEqual(['password']);
    expect(curlConfig(req({ url: 'http://x/', url_username: 'u', url_password: 'p' }))).toContain('anyauth\n');
  });

  it('masks both names of the password', () => {
    expect(uriModule.secretArgs).toEqual(expect.arrayContaining(['url_password', 'password']));
  });
});

const out = (o: { rc?: number; meta: string; err?: string; head: string; body?: string; dest?: string }) =>
  [
    `rc=${o.rc ?? 0}`,
    '--meta--',
    o.meta,
    '--err--',
    o.err ?? '',
    '--head--',
    o.head,
    ...(o.dest ? ['--dest--', o.dest] : []),
    ...(o.body !== undefined ? ['--body--', Buffer.from(o.body).toString('base64')] : []),
  ].join('\n');

describe('the response', () => {
  const redirectThenJson = out({
    meta: '200 1 1.734\napplication/json; charset=utf-8\nhttp://x.test/final',
    head: 'HTTP/1.1 302 Found\r\nLocation: /final\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 13\r\nX-Request-Id: 7\r\n\r\n',
    body: '{"ok": [1,2]}',
  });

  it('reports status, final url, redirected, elapsed, headers as keys, json, and "OK (N bytes)"', () => {
    const r = uriResult(req({ url: 'http://x.test/start' }), parseUriOutput(redirectThenJson));
    expect(r.failed).toBe(false);
    expect(r.data).toMatchObject({
      status: 200,
      url: 'http://x.test/final',
      redirected: true,
      elapsed: 1,
      content_type: 'application/json; charset=utf-8',
      content_length: '13',
      x_request_id: '7',
      json: { ok: [1, 2] },
      msg: 'OK (13 bytes)',
    });
    // No location key: the last response's headers only.
    expect(r.data).not.toHaveProperty('location');
    expect(r.data).not.toHaveProperty('content');
  });

  it('returns content only with return_content', () => {
    const r = uriResult(req({ url: 'http://x.test/start', return_content: true }), parseUriOutput(redirectThenJson));
    expect(r.data.content).toBe('{"ok": [1,2]}');
    const txt = out({ meta: '200 0 0.01\ntext/plain\nhttp://x/', head: 'HTTP/2 200\r\ncontent-type: text/plain\r\n\r\n', body: 'hello' });
    const t = uriResult(req({ url: 'http://x/', return_content: true }), parseUriOutput(txt));
    expect(t.data).toMatchObject({ content: 'hello', msg: 'OK (unknown bytes)', redirected: false });
    expect(t.data).not.toHaveProperty('json');
  });

  it("fails when the status is not in status_code, with Ansible's message", () => {
    const nf = out({ meta: '404 0 0.1\ntext/html\nhttp://x/missing', head: 'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n' });
    const r = uriResult(req({ url: 'http://x/missing' }), parseUriOutput(nf));
    expect(r).toMatchObject({ failed: true, msg: 'Status code was 404 and not [200]: HTTP Error 404: Not Found' });
    expect(r.data.status).toBe(404);
    expect(uriResult(req({ url: 'http://x/missing', status_code: [200, 404] }), parseUriOutput(nf)).failed).toBe(false);
    const created = out({ meta: '201 0 0.1\n\nhttp://x/', head: 'HTTP/1.1 201 Created\r\n\r\n' });
    expect(uriResult(req({ url: 'http://x/', method: 'POST' }), parseUriOutput(created))).toMatchObject({
      failed: true,
      msg: 'Status code was 201 and not [200]: OK (unknown bytes)',
    });
  });

  it('reports status -1 when no answer came', () => {
    const refused = out({
      rc: 7,
      meta: '000 0 0.001\n\nhttp://127.0.0.1:1/',
      err: 'curl: (7) Failed to connect to 127.0.0.1 port 1',
      head: '',
    });
    const r = uriResult(req({ url: 'http://127.0.0.1:1/' }), parseUriOutput(refused));
    expect(r).toMatchObject({
      failed: true,
      msg: 'Status code was -1 and not [200]: Request failed: curl: (7) Failed to connect to 127.0.0.1 port 1',
    });
    expect(r.data.status).toBe(-1);
  });

  it('never sets a key that reaches a prototype, and leaves json out when the body does not parse', () => {
    const bad = out({
      meta: '200 0 0\napplication/json\nhttp://x/',
      head: 'HTTP/1.1 200 OK\r\n__proto__: x\r\nConstructor: y\r\n\r\n',
      body: '{nope',
    });
    const r = uriResult(req({ url: 'http://x/' }), parseUriOutput(bad));
    expect(Object.keys(r.data)).not.toContain('__proto__');
    expect(Object.keys(r.data)).not.toContain('constructor');
    expect(r.data).not.toHaveProperty('json');
  });
});

describe('the task', () => {
  it('check mode sends nothing, GET or POST, and leaves the registered result unknown', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const h = fakeHost({ check: true });
      const plan = await planModule(uriModule, { url: 'http://x/api', method, body: 'b' }, h);
      expect(plan.kind).toBe('unknown');
      expect(plan.data?.[NOT_RUN_IN_CHECK]).toBe(`check mode does not send ${method} http://x/api`);
      expect(h.commands).toEqual([]);
    }
  });

  it('creates and removes settle the task in either mode without a request', async () => {
    const h = fakeHost({ check: true, answers: [['/etc/done', { exitCode: 0 }]] });
    const plan = await planModule(uriModule, { url: 'http://x/api', method: 'POST', creates: '/etc/done' }, h);
    expect(plan).toMatchObject({ kind: 'ok', msg: 'skipped, since /etc/done exists' });
    expect(h.commands.some((c) => c.includes('curl'))).toBe(false);
    const gone = fakeHost({ reply: { exitCode: 1 } });
    expect(await planModule(uriModule, { url: 'http://x/api', removes: '/etc/x' }, gone)).toMatchObject({ kind: 'ok' });
    const real = fakeHost({ reply: { exitCode: 1 } });
    expect((await planModule(uriModule, { url: 'http://x/api', creates: '/etc/x' }, real)).kind).toBe('change');
  });

  it('a real run sends the request once, from apply, with the config on stdin', async () => {
    const h = fakeHost({
      reply: out({ meta: '200 0 0.2\ntext/plain\nhttp://x/api', head: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n' }),
    });
    const plan = await planModule(uriModule, { url: 'http://x/api', url_password: 'pw', url_username: 'me' }, h);
    expect(h.commands).toEqual([]);
    if (plan.kind !== 'change') throw new Error(plan.kind);
    const outcome = await plan.apply();
    // Ansible's uri reports changed: false when it only sends a request.
    expect(outcome).toMatchObject({ kind: 'ok', msg: 'OK (2 bytes)', data: { status: 200 } });
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]?.command).not.toContain('pw');
    expect(String(h.calls[0]?.stdin)).toContain('user = "me:pw"');
  });

  it('fails clearly when the host has no curl', async () => {
    const h = fakeHost({ reply: { exitCode: 127, stderr: 'uri needs curl on the host and it is not installed\n' } });
    const plan = await planModule(uriModule, { url: 'http://x/api' }, h);
    if (plan.kind !== 'change') throw new Error(plan.kind);
    expect(await plan.apply()).toMatchObject({ kind: 'failed', msg: 'uri needs curl on the host and it is not installed' });
  });
});
