// deb822_repository with signed_by as a URL: the host fetches the key into /etc/apt/keyrings/<slug>.asc
// or .gpg (as Ansible), Signed-By names it, the key is written only when its bytes differ, and check mode
// predicts the key, its directory and the source; state: absent removes the slug's key files too.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import type { Plan } from '../../../../engine/types.ts';
import { deb822RepositoryModule, isKeyUrl, keyFileFor, repoSlug } from '../../../../modules/deb822_repository/index.ts';
import { keyProbeCommand, parseKeyProbe } from '../../../../modules/deb822_repository/signedByUrl.ts';
import { fakeHost, type FakeHost } from '../../../support/fakeHost.ts';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/openpgp');
const armored = readFileSync(path.join(FIXTURES, 'ed25519.asc'));
const binary = readFileSync(path.join(FIXTURES, 'ed25519.gpg'));
const URL = 'http://artifacts.lab/docker/gpg';
const SOURCE = '/etc/apt/sources.list.d/docker.sources';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const absent = 'type=absent\n';
const dirState = (mode = '755', owner = 'root') => `type=directory\nmode=${mode}\nowner=${owner}\ngroup=root\n`;
const fileState = (b: Buffer | string, mode = '644') =>
  `type=file\nmode=${mode}\nowner=root\ngroup=root\nsize=${Buffer.byteLength(b)}\nchecksum=${sha(b)}\n`;

// The geerlingguy containerd role's task, rendered (update_cache off: its apt-get run is tested elsewhere).
const args = {
  name: 'docker',
  types: 'deb',
  uris: 'https://download.docker.com/linux/debian',
  state: 'present',
  suites: 'bookworm',
  components: 'stable',
  signed_by: URL,
  update_cache: false,
};

interface Host {
  dir?: string;
  asc?: Buffer;
  gpg?: Buffer;
  key?: Buffer;
  fetchRc?: number;
  source?: string;
}

/** A host answering the key read, the source's state and text; every other command succeeds silently. */
function host(h: Host, check = false): FakeHost {
  const keyRead = [
    h.dir ?? dirState(),
    `--asc--\n${h.asc ? fileState(h.asc) : absent}`,
    `--gpg--\n${h.gpg ? fileState(h.gpg) : absent}`,
    `--have--\n${h.asc?.toString('base64') ?? ''}\n`,
    `--key--\n${(h.key ?? Buffer.alloc(0)).toString('base64')}`,
  ].join('');
  return fakeHost({
    check,
    answers: [
      [
        '--asc--',
        {
          stdout: keyRead,
          stderr: h.fetchRc ? `curl: (22) The requested URL returned error: 404\nfp_rc=${h.fetchRc}\n` : 'fp_rc=0\n',
        },
      ],
      [(c) => c.startsWith('if [ -L') && c.includes(SOURCE), h.source === undefined ? absent : fileState(h.source)],
      [(c) => c.startsWith('cat --'), h.source ?? ''],
    ],
  });
}

const stanza = (keyFile: string) =>
  `Components: stable\nX-Repolib-Name: docker\nSigned-By: ${keyFile}\nSuites: bookworm\nTypes: deb\nURIs: https://download.docker.com/linux/debian\n`;
type Change = Extract<Plan, { kind: 'change' }>;

describe('names, as Ansible derives them', () => {
  it('slugs the repository name and tells URLs from paths and key blocks', () => {
    expect(repoSlug('Docker CE_stable')).toBe('docker-ce-stable');
    expect(repoSlug('kubernetes.io')).toBe('kubernetesio');
    expect(keyFileFor('Docker CE', 'asc')).toBe('/etc/apt/keyrings/docker-ce.asc');
    expect([isKeyUrl(URL), isKeyUrl('https://x/k.gpg'), isKeyUrl('/etc/apt/keyrings/d.gpg'), isKeyUrl('-----BEGIN PGP')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('signed_by as a URL', () => {
  it('stores an armored key as <slug>.asc and names it in Signed-By, writing the key before the source', async () => {
    const h = host({ key: armored });
    const p = (await planModule(deb822RepositoryModule, args, h)) as Change;
    expect(p).toMatchObject({
      kind: 'change',
      msg: `write /etc/apt/keyrings/docker.asc from ${URL}; add ${SOURCE}`,
      data: { dest: SOURCE, key_filename: '/etc/apt/keyrings/docker.asc', repo: stanza('/etc/apt/keyrings/docker.asc') },
    });
    expect(p.diff?.[0]).toEqual({ header: '/etc/apt/keyrings/docker.asc', before: '', after: armored.toString('utf8') });
    expect(h.commands[0]).toContain(`-- ${URL}`);
    const reads = h.commands.length;
    expect(await p.apply()).toMatchObject({ kind: 'changed' });
    const writes = h.calls.slice(reads);
    expect(writes).toHaveLength(2);
    expect(Buffer.compare(writes[0]?.stdin as Buffer, armored)).toBe(0);
    expect(writes[0]?.command).toMatch(/chmod -- 0644 "\$tmp"\nmv -f -- "\$tmp" \/etc\/apt\/keyrings\/docker\.asc/);
    expect(writes[1]?.stdin).toBe(stanza('/etc/apt/keyrings/docker.asc'));
  });

  it('stores a binary key as <slug>.gpg, creating /etc/apt/keyrings (0755, root) when missing', async () => {
    const h = host({ key: binary, dir: absent });
    const p = (await planModule(deb822RepositoryModule, args, h)) as Change;
    expect(p.msg).toBe(`write /etc/apt/keyrings/docker.gpg from ${URL}; add ${SOURCE}`);
    const reads = h.commands.length;
    await p.apply();
    expect(h.commands[reads]).toBe(
      'mkdir -m 0755 -- /etc/apt/keyrings && chown -- root:root /etc/apt/keyrings && chmod -- 0755 /etc/apt/keyrings',
    );
    expect(Buffer.compare(h.calls[reads + 1]?.stdin as Buffer, binary)).toBe(0);
  });

  it('is ok when the key file and the source already match, with no write', async () => {
    const h = host({ key: armored, asc: armored, source: stanza('/etc/apt/keyrings/docker.asc') });
    expect(await planModule(deb822RepositoryModule, args, h)).toMatchObject({ kind: 'ok', msg: `${SOURCE} is up to date` });
  });

  it('replaces a key whose bytes changed upstream, alone, fixing the directory attributes as Ansible does', async () => {
    const h = host({
      key: armored,
      asc: Buffer.from('old key'),
      dir: dirState('700', 'admin'),
      source: stanza('/etc/apt/keyrings/docker.asc'),
    });
    const p = (await planModule(deb822RepositoryModule, args, h)) as Change;
    expect(p.msg).toBe(`write /etc/apt/keyrings/docker.asc from ${URL}`);
    expect(p.diff?.map((d) => d.header)).toEqual([
      'mode of /etc/apt/keyrings',
      'owner of /etc/apt/keyrings',
      '/etc/apt/keyrings/docker.asc',
    ]);
    const reads = h.commands.length;
    await p.apply();
    expect(h.commands.slice(reads)).toHaveLength(2);
    expect(h.commands[reads]).toBe('chown -- root:root /etc/apt/keyrings && chmod -- 0755 /etc/apt/keyrings');
  });

  it('fails when the key cannot be fetched, before anything is written', async () => {
    const h = host({ fetchRc: 22 });
    expect(await planModule(deb822RepositoryModule, args, h)).toMatchObject({
      kind: 'failed',
      msg: `repository docker: Could not fetch signed_by key: ${URL}: curl: (22) The requested URL returned error: 404`,
    });
    expect(h.commands).toHaveLength(1);
    expect(await planModule(deb822RepositoryModule, { ...args, signed_by: 'gopher://x/k' }, host({}))).toMatchObject({
      kind: 'failed',
      msg: expect.stringContaining('only http, https and ftp URLs are fetched'),
    });
  });

  it('predicts the key, its directory and the source in check mode; the next run of the task is ok', async () => {
    const h = host({ key: binary, dir: absent }, true);
    const p = await planModule(deb822RepositoryModule, args, h);
    expect(p.kind).toBe('change');
    expect(h.predicted.file('/etc/apt/keyrings')).toEqual({ type: 'directory', mode: '0755', owner: 'root', group: 'root' });
    expect(h.predicted.file('/etc/apt/keyrings/docker.gpg')).toMatchObject({ type: 'file', checksum: sha(binary), mode: '0644' });
    expect(h.predicted.file(SOURCE)).toMatchObject({ type: 'file', content: stanza('/etc/apt/keyrings/docker.gpg') });
    expect(await planModule(deb822RepositoryModule, args, h)).toMatchObject({ kind: 'ok' });
  });
});

describe('check mode with update_cache (the default)', () => {
  it('asks the repository for its InRelease, but does not verify it against a key the task replaces', async () => {
    const h = host({ key: binary, gpg: Buffer.from('old key') }, true);
    const run = h.run;
    let fetch = '';
    h.run = async (c, o) => {
      if (!c.includes('InRelease')) return run(c, o);
      fetch = c;
      return { stdout: 'ok 0\n', stderr: '', exitCode: 0, durationMs: 1, timedOut: false };
    };
    const p = await planModule(deb822RepositoryModule, { ...args, update_cache: true }, h);
    expect(p).toMatchObject({ kind: 'change', msg: expect.stringContaining(`add ${SOURCE} and fetch its indexes`) });
    expect(fetch).toContain('https://download.docker.com/linux/debian/dists/bookworm/InRelease');
    expect(fetch).not.toContain('gpgv');
  });
});

describe('state: absent', () => {
  it("removes the source and the slug's key files, and is ok once they are gone", async () => {
    const answers = (asc: string, gpg: string, source: string) =>
      fakeHost({
        answers: [
          [(c) => c.startsWith('if [ -e /etc/apt/keyrings'), `${asc}\n${gpg}\n`],
          [(c) => c.startsWith('if [ -L') && c.includes(SOURCE), source],
        ],
      });
    const h = answers('yes', 'no', fileState('x'));
    const p = (await planModule(deb822RepositoryModule, { name: 'docker', state: 'absent' }, h)) as Change;
    expect(p.msg).toBe(`remove ${SOURCE}, /etc/apt/keyrings/docker.asc`);
    const reads = h.commands.length;
    await p.apply();
    expect(h.commands[reads]).toBe(`rm -f -- ${SOURCE} /etc/apt/keyrings/docker.asc`);
    const gone = answers('no', 'no', absent);
    expect(await planModule(deb822RepositoryModule, { name: 'docker', state: 'absent' }, gone)).toMatchObject({ kind: 'ok' });
  });
});

describe('the key read under a real /bin/sh, fetching from a local HTTP server', () => {
  it('returns the bytes and the fetch status', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/gpg') res.end(binary);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await new LocalConnection('local').exec(keyProbeCommand('fp-test-none', `${base}/gpg`));
      const got = parseKeyProbe(ok.stdout, ok.stderr);
      expect(got.fetchRc).toBe(0);
      expect(Buffer.compare(got.key, binary)).toBe(0);
      expect(got.asc).toEqual({ type: 'absent' });
      const missing = await new LocalConnection('local').exec(keyProbeCommand('fp-test-none', `${base}/nope`));
      expect(parseKeyProbe(missing.stdout, missing.stderr).fetchRc).not.toBe(0);
    } finally {
      server.close();
    }
  });
});
