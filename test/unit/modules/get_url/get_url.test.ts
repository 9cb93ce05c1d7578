// get_url: checksum parsing, the probe's output parser, the plan decision, and the scripts' shape.
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freshHashes } from '../../../../modules/lib/hashCache.ts';
import { getUrlModule, downloadScript } from '../../../../modules/get_url/index.ts';
import { fetchCommand, parseChecksumArg, pickChecksum, urlFileName } from '../../../../modules/lib/download.ts';
import { decideGetUrl, type GetUrlRequest } from '../../../../modules/get_url/getUrlDecision.ts';
import { getUrlProbeScript, parseGetUrlProbe, type GetUrlProbe } from '../../../../modules/get_url/getUrlProbe.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const URL = 'https://example.test/rel/containerd-1.6.6-linux-amd64.tar.gz';

function probe(over: Partial<GetUrlProbe> = {}): GetUrlProbe {
  return { tool: 'curl', umask: 0o022, destIsDir: false, path: '/opt/x.tgz', parentIsDir: true, target: { type: 'absent' }, ...over };
}
function file(sum?: string, attrs: Partial<{ mode: string; owner: string; group: string }> = {}): GetUrlProbe['target'] {
  return { type: 'file', mode: '0644', owner: 'root', group: 'root', size: 10, ...(sum ? { sum } : {}), ...attrs };
}
function req(over: Partial<GetUrlRequest> = {}): GetUrlRequest {
  return { host: 'n1', url: URL, fileName: 'containerd-1.6.6-linux-amd64.tar.gz', force: false, wanted: {}, ...over };
}

describe('checksum arguments and upstream checksum files', () => {
  it('parses a literal digest and a checksum-file URL', () => {
    expect(parseChecksumArg(`sha256:${A.toUpperCase()}`)).toEqual({ kind: 'digest', sha256: A });
    expect(parseChecksumArg(`sha256:${URL}.sha256sum`)).toEqual({ kind: 'url', url: `${URL}.sha256sum` });
    expect(() => parseChecksumArg(`md5:${A}`)).toThrow(/must be 'sha256:<hex>'/);
    expect(() => parseChecksumArg('sha256:abc')).toThrow(/neither a 64-digit sha256 nor/);
  });

  it('picks the line for the file, accepting binary markers and ./ prefixes', () => {
    const text = `${A}  runc.amd64\n${B} *./containerd-1.6.6-linux-amd64.tar.gz\n`;
    expect(pickChecksum(text, 'containerd-1.6.6-linux-amd64.tar.gz', 'sums')).toBe(B);
    expect(pickChecksum(text, 'runc.amd64', 'sums')).toBe(A);
  });

  it('takes the only digest of a one-line file, named or not', () => {
    expect(pickChecksum(`${A}\n`, 'whatever', 'sums')).toBe(A);
    expect(pickChecksum(`${A}  other-name.tgz\n`, 'whatever', 'sums')).toBe(A);
  });

  it('fails naming the file when no line fits', () => {
    expect(() => pickChecksum(`${A}  x\n${B}  y\n`, 'z', 'http://h/sums')).toThrow("http://h/sums has 2 digests and none for 'z'");
    expect(() => pickChecksum('<html>not found</html>', 'z', 'http://h/sums')).toThrow('http://h/sums holds no sha256 digest');
  });

  it('takes the file name from the URL path, decoded, without the query', () => {
    expect(urlFileName('https://h/a/b/file%20name.tgz?x=1#f')).toBe('file name.tgz');
    expect(urlFileName('https://h/a/')).toBe('');
  });
});

describe('fetch command', () => {
  it('quotes the URL after `--` and honours validate_certs and the timeout for both tools', () => {
    const cmd = fetchCommand("https://h/it's.tgz", '"$tmp"', { timeoutSec: 7, validateCerts: false });
    expect(cmd).toContain(`curl -fsSL --connect-timeout 7 --speed-time 7 --speed-limit 1 -k -o "$tmp" -- 'https://h/it'\\''s.tgz'`);
    expect(cmd).toContain(`wget -nv --tries=1 --timeout=7 --no-check-certificate -O "$tmp" -- 'https://h/it'\\''s.tgz'`);
    expect(fetchCommand('https://h/x', '-', { timeoutSec: 10, validateCerts: true })).not.toMatch(/ -k |no-check-certificate/);
  });
});

describe('probe output', () => {
  it('parses dest state, the checksum file and the streamed sum', () => {
    const out = [
      'tool=wget',
      'umask=0027',
      'dest_is_dir=1',
      'path=/opt/containerd-1.6.6-linux-amd64.tar.gz',
      'parent=dir',
      'type=regular file',
      'mode=600',
      'owner=root',
      'group=adm',
      'size=42',
      `sum=${A}`,
      'sums_rc=0',
      `sums:${B}  containerd-1.6.6-linux-amd64.tar.gz`,
      'stream_rc=0',
      `stream_sum=${B}`,
    ].join('\n');
    expect(parseGetUrlProbe(out)).toEqual({
      tool: 'wget',
      umask: 0o027,
      destIsDir: true,
      path: '/opt/containerd-1.6.6-linux-amd64.tar.gz',
      parentIsDir: true,
      target: { type: 'file', mode: '0600', owner: 'root', group: 'adm', size: 42, sum: A },
      sums: { rc: 0, text: `${B}  containerd-1.6.6-linux-amd64.tar.gz` },
      stream: { rc: 0, sum: B },
    });
  });

  it('reads an empty regular file as a file and no tool as none', () => {
    const p = parseGetUrlProbe('tool=\npath=/x\nparent=dir\ntype=regular empty file\nmode=644\nowner=a\ngroup=b\nsize=0\n');
    expect(p.tool).toBe('');
    expect(p.target.type).toBe('file');
  });

  it('asks for the remote checksum file and the streamed sum only when needed', () => {
    const base = { url: URL, dest: '/opt', fileName: 'f.tgz', fetch: { timeoutSec: 10, validateCerts: true } };
    const plain = getUrlProbeScript({ ...base, destSum: false, streamSum: false });
    expect(plain).not.toContain('sums_rc');
    expect(plain).not.toContain('stream_sum');
    expect(plain).not.toContain('sum=$(');
    expect(plain).toContain(`if [ -d "$p" ]; then echo dest_is_dir=1; p=/opt/f.tgz; fi`);
    expect(getUrlProbeScript({ ...base, dest: '/opt/new/', destSum: false, streamSum: false })).toContain(
      'echo dest_is_dir=1; p=/opt/new/f.tgz',
    );
    const full = getUrlProbeScript({ ...base, destSum: true, sumsUrl: `${URL}.sha256sum`, streamSum: true });
    expect(full).toContain(`${URL}.sha256sum`);
    expect(full).toContain('stream_sum=');
  });
});

describe('the probe script, run by /bin/sh with real curl against a local server', () => {
  /** Runs the probe of `dest` with the checksum file `body`; counts the `stat` and `date` processes it starts. */
  async function run(dest: string, body: string, hashes = {}): Promise<{ out: string; probe: GetUrlProbe; stats: number; dates: number }> {
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const bin = mkdtempSync(path.join(os.tmpdir(), 'fp-geturl-shim-'));
    for (const tool of ['stat', 'date']) {
      const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      writeFileSync(path.join(bin, tool), `#!/bin/sh\necho x >> '${bin}/${tool}.calls'\nexec ${real} "$@"\n`, { mode: 0o755 });
    }
    const script = getUrlProbeScript({
      url: `http://127.0.0.1:${port}/x.tgz`,
      dest,
      fileName: 'x.tgz',
      fetch: { timeoutSec: 5, validateCerts: true },
      destSum: true,
      sumsUrl: `http://127.0.0.1:${port}/x.tgz.sha256sum`,
      streamSum: false,
      hashes,
    });
    try {
      const { stdout } = await promisify(execFile)('/bin/sh', ['-c', script], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      });
      const calls = (tool: string) => {
        try {
          return readFileSync(path.join(bin, `${tool}.calls`), 'utf8')
            .split('\n')
            .filter(Boolean).length;
        } catch {
          return 0;
        }
      };
      return { out: stdout, probe: parseGetUrlProbe(stdout), stats: calls('stat'), dates: calls('date') };
    } finally {
      server.close();
    }
  }

  it('reports dest, its sha256 and the checksum file with one stat, and no body line can pass for a probe line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-geturl-'));
    const dest = path.join(dir, 'x.tgz');
    writeFileSync(dest, 'payload\n', { mode: 0o640 });
    const digest = (await promisify(execFile)('sha256sum', [dest])).stdout.slice(0, 64);
    const body = `${A}  x.tgz\nstream_sum=${B}\nFP_SUMS\nsums_rc=9\n  indented \\ back\\slash\n`;
    const { out, probe, stats, dates } = await run(dest, body);
    expect(probe).toMatchObject({ tool: 'curl', path: dest, parentIsDir: true, destIsDir: false, sums: { rc: 0, text: body.trim() } });
    expect(probe.target).toEqual({
      type: 'file',
      mode: '0640',
      owner: os.userInfo().username,
      group: expect.any(String),
      size: 8,
      sum: digest,
    });
    expect(probe.stream).toBeUndefined();
    expect(probe.umask).toBe(process.umask());
    expect(stats).toBe(1);
    // The file was hashed: the host's clock is read once, before the H line the controller remembers.
    expect(dates).toBe(1);
    expect(out.indexOf('now=')).toBeLessThan(out.indexOf('H\t'));
    const remembered = freshHashes(out.replace(/^now=\d+$/m, `now=${Math.floor(statSync(dest).ctimeMs / 1000) + 10}`));
    expect(remembered[dest]?.[1]).toBe(digest);

    // With that hash remembered, the next probe stats once and hashes nothing, so it never reads the clock.
    const again = await run(dest, body, remembered);
    expect(again.probe.target).toMatchObject({ sum: digest });
    expect({ stats: again.stats, dates: again.dates }).toEqual({ stats: 1, dates: 0 });
    expect(again.out).not.toMatch(/^(now=|H\t)/m);
  });
});

describe('decision', () => {
  it('downloads when dest is absent, with the expected digest when there is one', () => {
    const d = decideGetUrl(probe(), req({ checksum: { kind: 'digest', sha256: A } }));
    expect(d).toMatchObject({ kind: 'download', expected: A, compareWithDest: false });
    expect(d.msg).toBe(`download ${URL} to /opt/x.tgz (/opt/x.tgz does not exist)`);
  });

  it('is ok without any download when dest already has the checksum (even with force)', () => {
    expect(decideGetUrl(probe({ target: file(A) }), req({ force: true, checksum: { kind: 'digest', sha256: A } }))).toEqual({
      kind: 'ok',
      msg: `/opt/x.tgz already has sha256 ${A}`,
      expected: A,
    });
  });

  it('downloads when dest differs from the checksum, naming both sums', () => {
    const d = decideGetUrl(probe({ target: file(B) }), req({ checksum: { kind: 'digest', sha256: A } }));
    expect(d.kind).toBe('download');
    expect(d.msg).toContain(`/opt/x.tgz has sha256 ${B}, expected ${A}`);
  });

  it('takes the digest from the upstream checksum file', () => {
    const p = probe({ target: file(B), sums: { rc: 0, text: `${A}  runc.amd64\n${B}  containerd-1.6.6-linux-amd64.tar.gz` } });
    expect(decideGetUrl(p, req({ checksum: { kind: 'url', url: `${URL}.sha256sum` } })).kind).toBe('ok');
  });

  it('fails when the checksum file cannot be fetched or has no line for the file', () => {
    const url = `${URL}.sha256sum`;
    const fetchFailed = decideGetUrl(probe({ sums: { rc: 22, text: 'curl: (22) 404' } }), req({ checksum: { kind: 'url', url } }));
    expect(fetchFailed).toEqual({ kind: 'failed', msg: `cannot fetch checksum file ${url}: curl: (22) 404` });
    const noLine = decideGetUrl(probe({ sums: { rc: 0, text: `${A}  a\n${B}  b` } }), req({ checksum: { kind: 'url', url } }));
    expect(noLine.msg).toContain("has 2 digests and none for 'containerd-1.6.6-linux-amd64.tar.gz'");
  });

  it('leaves an existing dest alone without checksum and force, but fixes its attributes', () => {
    expect(decideGetUrl(probe({ target: file() }), req()).kind).toBe('ok');
    const d = decideGetUrl(probe({ target: file(undefined, { mode: '0600' }) }), req({ wanted: { mode: '0644', owner: 'app' } }));
    expect(d).toMatchObject({ kind: 'attributes', msg: 'set mode/owner of /opt/x.tgz' });
  });

  it('with force and no checksum compares the streamed content', () => {
    const same = decideGetUrl(probe({ target: file(A), stream: { rc: 0, sum: A } }), req({ force: true }));
    expect(same.kind).toBe('ok');
    const differs = decideGetUrl(probe({ target: file(A), stream: { rc: 0, sum: B } }), req({ force: true }));
    expect(differs).toMatchObject({ kind: 'download', compareWithDest: true });
    const failed = decideGetUrl(probe({ target: file(A), stream: { rc: 22, sum: '' }, stderr: 'curl: (22) 404' }), req({ force: true }));
    expect(failed).toEqual({ kind: 'failed', msg: `cannot fetch ${URL}: curl: (22) 404` });
  });

  it('fails clearly when the host has neither curl nor wget, but only if it must download', () => {
    expect(decideGetUrl(probe({ tool: '' }), req())).toEqual({
      kind: 'failed',
      msg: 'neither curl nor wget is installed on n1; install one of them so the host can download',
    });
    expect(decideGetUrl(probe({ tool: '', target: file(A) }), req({ checksum: { kind: 'digest', sha256: A } })).kind).toBe('ok');
  });

  it('fails on a missing parent, a directory dest, or a URL without a file name', () => {
    expect(decideGetUrl(probe({ parentIsDir: false, path: '/nope/x' }), req()).msg).toBe('destination directory /nope does not exist');
    const dir = { type: 'directory' as const, mode: '0755', owner: 'root', group: 'root', size: 0 };
    expect(decideGetUrl(probe({ target: dir }), req()).msg).toBe('/opt/x.tgz exists and is not a regular file (directory)');
    expect(decideGetUrl(probe({ destIsDir: true, path: '' }), req({ url: 'https://h/', fileName: '' })).msg).toContain('has no file name');
  });
});

describe('download script', () => {
  it('verifies the digest before the rename and removes the temp file on failure', () => {
    const s = downloadScript({
      url: URL,
      path: '/opt/x.tgz',
      tool: 'wget',
      fetch: { timeoutSec: 10, validateCerts: true },
      wanted: { mode: '0755' },
      expected: A,
      compareWithDest: false,
    });
    expect(s).toContain('FP_TOOL=wget');
    expect(s).toContain(`trap 'rm -f -- "$tmp"' EXIT`);
    const verify = s.indexOf(`[ "$sum" = ${A} ] || exit 65`);
    const chmod = s.indexOf('chmod -- 0755 "$tmp"');
    const rename = s.indexOf('mv -f -- "$tmp" /opt/x.tgz');
    expect(verify).toBeGreaterThan(0);
    expect(chmod).toBeGreaterThan(verify);
    expect(rename).toBeGreaterThan(chmod);
  });
});

describe('module plan', () => {
  it('costs one remote command when nothing needs doing, and check mode never applies', async () => {
    const state = `tool=curl\npath=/opt/x.tgz\nparent=dir\ntype=regular file\nmode=644\nowner=root\ngroup=root\nsize=3\nsum=${A}\n`;
    // The host asks for the URL (in the same command) only when dest's sha256 is not the wanted one.
    const ctx = fakeHost({
      name: 'n1',
      check: true,
      reply: (command) => (command.includes(`= ${B} ]`) ? `${state}head_code=200\n` : state),
    });
    const plan = await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz', checksum: `sha256:${A}` }, ctx);
    expect(plan).toMatchObject({ kind: 'ok', data: { dest: '/opt/x.tgz', checksum_dest: A, checksum_src: A, size: 3, url: URL } });
    expect(ctx.commands).toHaveLength(1);
    const changed = await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz', checksum: `sha256:${B}` }, ctx);
    expect(changed.kind).toBe('change');
    expect(ctx.commands).toHaveLength(2);
  });

  it('starts with the probe read, the one the plan then sends (the look ahead can send it early)', async () => {
    const args = { url: URL, dest: '/opt/x.tgz', checksum: `sha256:${A}` };
    const stage = firstStage(getUrlModule, args, moduleView(fakeHost()));
    const host = fakeHost({
      reply: `tool=curl\npath=/opt/x.tgz\nparent=dir\ntype=regular file\nmode=644\nowner=root\ngroup=root\nsize=3\nsum=${A}\n`,
    });
    expect(await planModule(getUrlModule, args, host)).toMatchObject({ kind: 'ok' });
    expect(stage).toMatchObject({ kind: 'reads', reads: [{ command: host.commands[0] }] });
  });

  it('refuses a bad checksum or owner without sending anything', async () => {
    const host = fakeHost();
    expect(await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz', checksum: 'sha256:xyz' }, host)).toMatchObject({
      kind: 'failed',
    });
    await expect(planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz', owner: '-o' }, host)).rejects.toThrow();
    expect(host.commands).toHaveLength(0);
  });

  it('an unknown download still predicts its file, with nothing of that in the result', async () => {
    const ctx = fakeHost({ check: true, reply: 'tool=curl\npath=/opt/x.tgz\nparent=dir\nhead_code=405\nrange_code=405\n' });
    const plan = await planModule(getUrlModule, { url: URL, dest: '/opt/x.tgz' }, ctx);
    expect(plan.kind).toBe('unknown');
    expect(Object.keys(plan).sort()).toEqual(['data', 'kind', 'msg']);
    expect(Object.keys({ ...plan }).sort()).toEqual(['data', 'kind', 'msg']);
    expect(ctx.predicted.file('/opt/x.tgz')).toMatchObject({ type: 'file', origin: { url: URL } });
  });
});
