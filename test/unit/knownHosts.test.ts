// known_hosts parsing and verdicts, checked against real keys and OpenSSH's own ssh-keygen.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Server, type ServerHostKeyAlgorithm } from 'ssh2';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globMatches } from '../../engine/connection/hostGlob.ts';
import { HostKeyError, SshConnection } from '../../engine/connection/ssh.ts';
import {
  appendKnownHost,
  fingerprint,
  hostKeyAlgorithmsFor,
  hostKeyName,
  keysFor,
  keyTypeOf,
  loadKnownHosts,
  verifyHostKey,
} from '../../engine/connection/knownHosts.ts';

interface TestKey {
  name: string;
  privatePath: string;
  /** The `type base64` part of the .pub file. */
  pub: string;
  type: string;
  blob: Buffer;
}

let dir: string;
let counter = 0;
const keys: Record<'ed' | 'ed2' | 'rsa' | 'ecdsa', TestKey> = {} as Record<'ed' | 'ed2' | 'rsa' | 'ecdsa', TestKey>;

function makeKey(name: string, args: string[]): TestKey {
  const privatePath = join(dir, name);
  execFileSync('ssh-keygen', [...args, '-N', '', '-q', '-C', `${name}@test`, '-f', privatePath]);
  const [type, b64] = readFileSync(`${privatePath}.pub`, 'utf8').trim().split(' ');
  return { name, privatePath, pub: `${type} ${b64}`, type: type!, blob: Buffer.from(b64!, 'base64') };
}

/** Writes a known_hosts file with the given lines and returns its path. */
function knownHostsFile(lines: string[]): string {
  const file = join(dir, `known_hosts_${++counter}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetplay-kh-'));
  keys.ed = makeKey('ed', ['-t', 'ed25519']);
  keys.ed2 = makeKey('ed2', ['-t', 'ed25519']);
  keys.rsa = makeKey('rsa', ['-t', 'rsa', '-b', '2048']);
  keys.ecdsa = makeKey('ecdsa', ['-t', 'ecdsa', '-b', '256']);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprint and keyTypeOf', () => {
  it('prints the same SHA256 fingerprint as ssh-keygen -lf', () => {
    for (const key of Object.values(keys)) {
      const out = execFileSync('ssh-keygen', ['-lf', `${key.privatePath}.pub`], { encoding: 'utf8' });
      expect(fingerprint(key.blob)).toBe(out.split(' ')[1]);
    }
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOf(keys.ed.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(keys.rsa.blob)).toBe('ssh-rsa');
    expect(keyTypeOf(keys.ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
  });

  it('throws on a truncated blob', () => {
    expect(() => keyTypeOf(keys.ed.blob.subarray(0, 6))).toThrow(/truncated/);
    expect(() => keyTypeOf(Buffer.alloc(0))).toThrow(/empty/);
  });
});

describe('hostKeyName', () => {
  it('uses the bare name on port 22 and [host]:port elsewhere', () => {
    expect(hostKeyName('web1', 22)).toBe('web1');
    expect(hostKeyName('web1', 2222)).toBe('[web1]:2222');
    expect(hostKeyName('Web1.LAN', 22)).toBe('web1.lan');
  });
});

describe('verifyHostKey on plain entries', () => {
  it('gives match, mismatch and unknown', () => {
    const file = knownHostsFile(['# fleet hosts', '', `web1 ${keys.ed.pub}`]);
    const kh = loadKnownHosts([file]);
    expect(kh.warnings).toEqual([]);
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'WEB1', 22, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'web1', 22, keys.ed2.blob)).toEqual({
      kind: 'mismatch',
      expected: [fingerprint(keys.ed.blob)],
      got: fingerprint(keys.ed2.blob),
      file,
      line: 3,
    });
    expect(verifyHostKey(kh, 'web2', 22, keys.ed.blob)).toEqual({ kind: 'unknown' });
  });

  it('reports the line of the same key type on a mismatch', () => {
    const file = knownHostsFile([`web1 ${keys.rsa.pub}`, `web1 ${keys.ed.pub}`]);
    const verdict = verifyHostKey(loadKnownHosts([file]), 'web1', 22, keys.ed2.blob);
    expect(verdict).toMatchObject({ kind: 'mismatch', file, line: 2 });
    expect(verdict).toHaveProperty('expected', [fingerprint(keys.rsa.blob), fingerprint(keys.ed.blob)]);
  });

  it('matches any host of a comma list', () => {
    const kh = loadKnownHosts([knownHostsFile([`web1,web1.lan,10.0.0.5 ${keys.ed.pub}`])]);
    for (const host of ['web1', 'web1.lan', '10.0.0.5']) {
      expect(verifyHostKey(kh, host, 22, keys.ed.blob)).toEqual({ kind: 'match' });
    }
    expect(verifyHostKey(kh, 'web1.la', 22, keys.ed.blob)).toEqual({ kind: 'unknown' });
  });

  it('keeps [host]:port entries and port 22 entries apart', () => {
    const kh = loadKnownHosts([knownHostsFile([`[web1]:2222 ${keys.ed.pub}`, `web1 ${keys.rsa.pub}`])]);
    expect(verifyHostKey(kh, 'web1', 2222, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'web1', 2222, keys.rsa.blob)).toMatchObject({ kind: 'mismatch', line: 1 });
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toMatchObject({ kind: 'mismatch', line: 2 });
    expect(verifyHostKey(kh, 'web1', 2200, keys.ed.blob)).toEqual({ kind: 'unknown' });
  });

  it('reads every file and reports the file of the mismatching line', () => {
    const first = knownHostsFile([`web1 ${keys.ed.pub}`]);
    const second = knownHostsFile(['# global', `db1 ${keys.rsa.pub}`]);
    const kh = loadKnownHosts([first, join(dir, 'missing'), second]);
    expect(kh.file).toBe(first);
    expect(verifyHostKey(kh, 'db1', 22, keys.rsa.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'db1', 22, keys.ed.blob)).toMatchObject({ kind: 'mismatch', file: second, line: 2 });
  });
});

describe('hashed entries', () => {
  it('matches lines hashed by ssh-keygen -H, and port 22 does not match 2222', () => {
    const file = knownHostsFile([`web1 ${keys.ed.pub}`, `[web2]:2222 ${keys.rsa.pub}`]);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.every((l) => l.startsWith('|1|'))).toBe(true);

    const kh = loadKnownHosts([file]);
    expect(kh.warnings).toEqual([]);
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'web1', 22, keys.ed2.blob)).toMatchObject({ kind: 'mismatch', line: 1 });
    expect(verifyHostKey(kh, 'web1', 2222, keys.ed.blob)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(kh, 'web2', 2222, keys.rsa.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'web2', 22, keys.rsa.blob)).toEqual({ kind: 'unknown' });
  });

  it('skips hashed names whose salt or hash is not 20 bytes', () => {
    const twenty = Buffer.alloc(20, 7).toString('base64');
    const file = knownHostsFile([`|1|c2FsdA==|${twenty} ${keys.ed.pub}`, `|1|${twenty}|aGFzaA== ${keys.ed.pub}`]);
    const kh = loadKnownHosts([file]);
    expect(kh.entries).toEqual([]);
    expect(kh.warnings).toEqual([`${file}:1: hashed host name has the wrong length`, `${file}:2: hashed host name has the wrong length`]);
  });
});

describe('wildcards and negation', () => {
  it('matches * and ? globs, and a negated pattern wins', () => {
    const kh = loadKnownHosts([
      knownHostsFile([
        `*.example.com,!bad.example.com ${keys.ed.pub}`,
        `web?.lan ${keys.rsa.pub}`,
        `[*.example.com]:2222 ${keys.ecdsa.pub}`,
        `!nobody ${keys.ed2.pub}`,
      ]),
    ]);
    expect(verifyHostKey(kh, 'good.example.com', 22, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'bad.example.com', 22, keys.ed.blob)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(kh, 'example.com', 22, keys.ed.blob)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(kh, 'web1.lan', 22, keys.rsa.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'web10.lan', 22, keys.rsa.blob)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(kh, 'webxlan', 22, keys.rsa.blob)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(kh, 'a.example.com', 2222, keys.ecdsa.blob)).toEqual({ kind: 'match' });
    // A list holding only negations matches nothing.
    expect(verifyHostKey(kh, 'somebody', 22, keys.ed2.blob)).toEqual({ kind: 'unknown' });
  });
});

describe('markers', () => {
  it('reports a revoked key even when it is also listed as plain', () => {
    const file = knownHostsFile([`web1 ${keys.ed.pub}`, `web1 ${keys.rsa.pub}`, `@revoked * ${keys.ed.pub}`]);
    const kh = loadKnownHosts([file]);
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toEqual({ kind: 'revoked', file, line: 3 });
    expect(verifyHostKey(kh, 'web1', 22, keys.rsa.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'other', 22, keys.ed.blob)).toEqual({ kind: 'revoked', file, line: 3 });
    expect(keysFor(kh, 'web1', 22)).toEqual([{ type: 'ssh-rsa', key: keys.rsa.blob, file, line: 2 }]);
  });

  it('ignores @cert-authority lines for plain keys', () => {
    const file = knownHostsFile([`@cert-authority *.example.com ${keys.ed.pub}`, `db.example.com ${keys.rsa.pub}`]);
    const kh = loadKnownHosts([file]);
    expect(kh.entries.map((e) => e.marker)).toEqual(['@cert-authority', undefined]);
    // Unknown, but the verdict names the CA line, so the error can say why it does not help.
    expect(verifyHostKey(kh, 'web.example.com', 22, keys.ed.blob)).toEqual({ kind: 'unknown', certAuthority: { file, line: 1 } });
    expect(verifyHostKey(kh, 'db.example.com', 22, keys.ed.blob)).toMatchObject({ kind: 'mismatch', line: 2 });
    expect(verifyHostKey(kh, 'web.example.org', 22, keys.ed.blob)).toEqual({ kind: 'unknown' });
    expect(keysFor(kh, 'web.example.com', 22)).toEqual([]);
  });

  it('a key @revoked in one file fails the host although another file lists it as plain', () => {
    const user = knownHostsFile([`web1 ${keys.ed.pub}`, `web1 ${keys.rsa.pub}`]);
    const global = knownHostsFile([`@revoked web* ${keys.ed.pub}`]);
    const kh = loadKnownHosts([user, global]);
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toEqual({ kind: 'revoked', file: global, line: 1 });
    expect(verifyHostKey(kh, 'web1', 22, keys.rsa.blob)).toEqual({ kind: 'match' });
    expect(hostKeyAlgorithmsFor(kh, 'web1', 22)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });
});

describe('loadKnownHosts', () => {
  it('treats missing files as empty', () => {
    const underAFile = join(knownHostsFile([]), 'known_hosts');
    const files = [join(dir, 'nope'), join(dir, 'no-dir', 'nope'), underAFile];
    expect(loadKnownHosts(files)).toEqual({ file: files[0], files, entries: [], warnings: [] });
  });

  it('skips malformed lines with file:line warnings and keeps the rest', () => {
    const [type, b64] = keys.ed.pub.split(' ') as [string, string];
    const file = knownHostsFile([
      '  # indented comment',
      'web1',
      `web1 ${type} not*base64`,
      `web1 ssh-rsa ${b64}`,
      `@bogus web1 ${keys.ed.pub}`,
      `web1 ${type} ${keys.ed.blob.subarray(0, 20).toString('base64')}`,
      `  web1 ${keys.ed.pub} trailing comment`,
    ]);
    const kh = loadKnownHosts([file]);
    expect(kh.warnings).toEqual([
      `${file}:2: expected "hosts key-type base64-key"`,
      `${file}:3: key is not valid base64`,
      `${file}:4: key type ssh-rsa does not match the key (ssh-ed25519)`,
      `${file}:5: unknown marker @bogus`,
      `${file}:6: key is not an SSH public key blob`,
    ]);
    expect(kh.entries.map((e) => e.line)).toEqual([7]);
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toEqual({ kind: 'match' });
  });
});

describe('appendKnownHost', () => {
  it('creates the directory and a 0600 file that round-trips and ssh-keygen -F finds', () => {
    const file = join(dir, 'fresh', 'ssh', 'known_hosts');
    appendKnownHost(file, 'web1', 22, keys.ed.blob);
    appendKnownHost(file, 'web1', 2222, keys.rsa.blob);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`web1 ${keys.ed.pub}\n[web1]:2222 ${keys.rsa.pub}\n`);

    const kh = loadKnownHosts([file]);
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'web1', 2222, keys.rsa.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'web1', 2222, keys.ed.blob)).toMatchObject({ kind: 'mismatch' });

    const found = spawnSync('ssh-keygen', ['-F', 'web1', '-f', file], { encoding: 'utf8' });
    expect(found.status).toBe(0);
    expect(found.stdout).toContain(`web1 ${keys.ed.pub}`);
    const foundPort = spawnSync('ssh-keygen', ['-F', '[web1]:2222', '-f', file], { encoding: 'utf8' });
    expect(foundPort.status).toBe(0);
    expect(foundPort.stdout).toContain(`[web1]:2222 ${keys.rsa.pub}`);
  });

  it('starts a new line when the file lacks a trailing newline', () => {
    const file = join(dir, 'no-newline');
    writeFileSync(file, `db1 ${keys.rsa.pub}`);
    appendKnownHost(file, 'web1', 22, keys.ed.blob);
    const kh = loadKnownHosts([file]);
    expect(kh.warnings).toEqual([]);
    expect(verifyHostKey(kh, 'web1', 22, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, 'db1', 22, keys.rsa.blob)).toEqual({ kind: 'match' });
  });
});

describe('hostKeyAlgorithmsFor', () => {
  it('lists the known types, expanding ssh-rsa, and undefined for an unknown host', () => {
    const file = knownHostsFile([`web1 ${keys.rsa.pub}`, `web1 ${keys.ed.pub}`, `db1 ${keys.ecdsa.pub}`]);
    appendFileSync(file, `@revoked web2 ${keys.ed.pub}\n`);
    const kh = loadKnownHosts([file]);
    expect(hostKeyAlgorithmsFor(kh, 'web1', 22)).toEqual(['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithmsFor(kh, 'db1', 22)).toEqual(['ecdsa-sha2-nistp256']);
    expect(hostKeyAlgorithmsFor(kh, 'web2', 22)).toBeUndefined();
    expect(hostKeyAlgorithmsFor(kh, 'nowhere', 22)).toBeUndefined();
  });

  it('makes ssh2 negotiate the known key type when the server offers several', async () => {
    const hostKeys = [readFileSync(keys.ed.privatePath), readFileSync(keys.rsa.privatePath)];
    const server = new Server({ hostKeys }, (client) => {
      client.on('authentication', (ctx) => ctx.accept()).on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const known = loadKnownHosts([knownHostsFile([`[127.0.0.1]:${port} ${keys.rsa.pub}`])]);

    const handshake = (algorithms: ServerHostKeyAlgorithm[] | undefined): Promise<string> =>
      new Promise((resolve) => {
        const client = new Client();
        let verdict = 'none';
        client
          .on('ready', () => {
            client.end();
            resolve(verdict);
          })
          .on('error', () => resolve(verdict))
          .connect({
            host: '127.0.0.1',
            port,
            username: 'u',
            ...(algorithms ? { algorithms: { serverHostKey: algorithms } } : {}),
            hostVerifier: (key: Buffer) => {
              verdict = verifyHostKey(known, '127.0.0.1', port, key).kind;
              return verdict === 'match';
            },
          });
      });

    try {
      expect(await handshake(hostKeyAlgorithmsFor(known, '127.0.0.1', port))).toBe('match');
      // Without the hint ssh2 prefers the server's ed25519 key, which known_hosts does not hold.
      expect(await handshake(undefined)).toBe('mismatch');
    } finally {
      server.close();
    }
  });
});

describe('host globs match without backtracking', () => {
  // A RegExp built from the glob took about 1 s for 10 stars and never ended for 40: a hang guard.
  it('a 40-star known_hosts line against a long name that does not match answers at once', { timeout: 10_000 }, () => {
    const file = knownHostsFile([`${'*'.repeat(40)}.internal ${keys.ed.pub}`, `${'*a'.repeat(30)}b ${keys.rsa.pub}`]);
    const kh = loadKnownHosts([file]);
    const long = `${'x'.repeat(200)}.internat`;
    expect(verifyHostKey(kh, long, 22, keys.ed.blob)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(kh, 'a'.repeat(300), 22, keys.rsa.blob)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(kh, `${'x'.repeat(200)}.internal`, 22, keys.ed.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(kh, `${'a'.repeat(299)}b`, 22, keys.rsa.blob)).toEqual({ kind: 'match' });
  });

  it('matches *, ? and literal text case-insensitively, as OpenSSH does', () => {
    expect(globMatches('WEB?.Example.COM', 'web1.example.com')).toBe(true);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('?', '')).toBe(false);
    expect(globMatches('a*b*c', 'aXXbYYc')).toBe(true);
    expect(globMatches('a*b*c', 'aXXbYYcd')).toBe(false);
    expect(globMatches('[*]:2222', '[web1]:2222')).toBe(true);
    expect(globMatches('[*]:2222', '[web1]:22222')).toBe(false);
    expect(globMatches('10.0.0.?', '10.0.0.5')).toBe(true);
    expect(globMatches('10.0.0.?', '10.0.0.55')).toBe(false);
  });

  it('agrees with a plain dynamic-programming matcher on random globs and names', () => {
    // Reference: memoised "glob[i..] matches name[j..]"; obviously right, quadratic, small inputs only.
    const reference = (glob: string, name: string): boolean => {
      const memo = new Map<number, boolean>();
      const from = (i: number, j: number): boolean => {
        const key = i * 1000 + j;
        const known = memo.get(key);
        if (known !== undefined) return known;
        const c = glob[i];
        const ok =
          c === undefined
            ? j === name.length
            : c === '*'
              ? from(i + 1, j) || (j < name.length && from(i, j + 1))
              : j < name.length && (c === '?' || c.toLowerCase() === name[j]!.toLowerCase()) && from(i + 1, j + 1);
        memo.set(key, ok);
        return ok;
      };
      return from(0, 0);
    };
    const glob = fc.stringMatching(/^[abAB.*?]{0,12}$/);
    const name = fc.stringMatching(/^[abAB.]{0,14}$/);
    fc.assert(
      fc.property(glob, name, (g, n) => globMatches(g, n) === reference(g, n)),
      { seed: 12, numRuns: 3000 },
    );
  });
});

describe('@cert-authority at connect time', () => {
  it('fails an unknown host whose name a CA line covers, saying CA-signed host keys cannot be verified', async () => {
    const server = new Server({ hostKeys: [readFileSync(keys.ed.privatePath)] }, (client) => {
      client.on('authentication', (ctx) => ctx.accept()).on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const file = knownHostsFile([`@cert-authority [127.0.0.*]:* ${keys.ed2.pub}`]);
    const conn = new SshConnection({
      host: 'node1',
      address: '127.0.0.1',
      port,
      user: 'u',
      privateKeys: [],
      knownHostsFiles: [file],
      hostKeyPolicy: 'strict',
      connectTimeoutMs: 3000,
      connectRetries: 0,
      keepaliveMs: 1000,
    });
    try {
      const err = await conn.exec('true').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect((err as Error).message).toContain(
        `${file}:1 is a @cert-authority line for this host, but fleetplay cannot verify CA-signed host keys`,
      );
      expect((err as Error).message).toContain(`ssh-keyscan -p ${port} 127.0.0.1`);
    } finally {
      await conn.close();
      server.close();
    }
  });
});
