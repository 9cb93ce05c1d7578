// The vendor-repository modules against a scripted host: apt_key, deb822_repository, dpkg_selections,
// and format: json on copy (semantic compare, invalid JSON refused before any write).
import { planModule } from '../../../engine/executor/moduleDriver.ts';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModuleContext, ModuleDefinition, Plan, Vars } from '../../../engine/types.ts';
import { aptKeyModule } from '../../../modules/apt_key/index.ts';
import { copyModule } from '../../../modules/copy/index.ts';
import { deb822RepositoryModule, installScript } from '../../../modules/deb822_repository/index.ts';
import { dpkgSelectionsModule, parseSelections } from '../../../modules/dpkg_selections/index.ts';
import {
  inReleaseUrls,
  renderSource,
  sourceProblems,
  sourcesFileName,
  type Deb822Source,
} from '../../../modules/deb822_repository/deb822.ts';
import { parseJson, sameJson } from '../../../modules/lib/jsonContent.ts';
import { fakeHost } from '../../support/fakeHost.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/openpgp');
const ED_FPR = '3DF4CC5219210111E25F93BE4287CC29786DB3DB';
const RSA_FPR = '97AC24B181677C6208916EB3E7BCB04B27807E30';

const absent = 'type=absent\n';
const fileState = (content: string | Buffer, mode = '644') =>
  `type=file\nmode=${mode}\nowner=root\ngroup=root\nsize=${content.length}\nchecksum=${createHash('sha256').update(content).digest('hex')}\n`;

async function plan(module: ModuleDefinition, args: Vars, ctx: ModuleContext): Promise<Plan> {
  return planModule(module, args, ctx);
}

describe('apt_key', () => {
  const armored = readFileSync(path.join(FIXTURES, 'ed25519.asc'), 'utf8');
  const binary = readFileSync(path.join(FIXTURES, 'ed25519.gpg'));
  const keyReply =
    (key: Buffer | string, state = absent, have = '') =>
    (command: string) =>
      command.includes('--key--')
        ? { stdout: `${state}--have--\n${have}\n--key--\n${Buffer.from(key).toString('base64')}`, stderr: 'fp_rc=0\n' }
        : {};
  const args = { url: 'https://example.test/gpg', keyring: '/etc/apt/keyrings/docker.gpg', id: ED_FPR };

  it('stores a fetched armored key dearmored, after checking its fingerprint', async () => {
    const ctx = fakeHost({ reply: keyReply(armored) });
    const commands = ctx.calls;
    const p = await plan(aptKeyModule, args, ctx);
    expect(p.kind).toBe('change');
    if (p.kind !== 'change') return;
    expect(p.msg).toContain('add /etc/apt/keyrings/docker.gpg');
    expect(p.diff?.[0]?.after).toContain('3DF4 CC52');
    await p.apply();
    const write = commands.find((c) => c.stdin !== undefined);
    expect(Buffer.compare(write!.stdin as Buffer, binary)).toBe(0);
    expect(commands[0]!.command).toContain('https://example.test/gpg');
  });

  it('is ok when the keyring already holds exactly that key', async () => {
    const ctx = fakeHost({ reply: keyReply(armored, fileState(binary), binary.toString('base64')) });
    expect((await plan(aptKeyModule, args, ctx)).kind).toBe('ok');
  });

  it('refuses a key with another fingerprint and writes nothing', async () => {
    const ctx = fakeHost({ reply: keyReply(readFileSync(path.join(FIXTURES, 'rsa3072.asc'), 'utf8')) });
    const commands = ctx.calls;
    const p = await plan(aptKeyModule, args, ctx);
    expect(p).toMatchObject({ kind: 'failed' });
    expect(p.msg).toContain('does not match');
    expect(p.msg).toContain(`${RSA_FPR.slice(0, 4)} ${RSA_FPR.slice(4, 8)}`);
    expect(commands).toHaveLength(1);
  });

  it('refuses a corrupt key (bad armor checksum)', async () => {
    const i = armored.indexOf('\n\n') + 10;
    const corrupt = armored.slice(0, i) + (armored[i] === 'A' ? 'B' : 'A') + armored.slice(i + 1);
    const ctx = fakeHost({ reply: keyReply(corrupt) });
    const p = await plan(aptKeyModule, args, ctx);
    expect(p.kind).toBe('failed');
    expect(p.msg).toMatch(/not a usable OpenPGP public key: .*(checksum|corrupt)/);
  });

  it('reports a download failure with the downloader message', async () => {
    const ctx = fakeHost({ reply: () => ({ stdout: `${absent}--have--\n\n--key--\n`, stderr: 'curl: (7) Failed to connect\nfp_rc=7\n' }) });
    const p = await plan(aptKeyModule, args, ctx);
    expect(p).toMatchObject({
      kind: 'failed',
      msg: 'cannot download the key from https://example.test/gpg: curl: (7) Failed to connect; /etc/apt/keyrings/docker.gpg was not changed',
    });
  });

  it('predicts the keyring in check mode', async () => {
    const ctx = fakeHost({ check: true, reply: keyReply(armored) });
    await plan(aptKeyModule, args, ctx);
    expect(ctx.predicted.file('/etc/apt/keyrings/docker.gpg')).toMatchObject({ type: 'file', size: binary.length });
  });
});

describe('deb822 sources', () => {
  const docker: Deb822Source = {
    name: 'docker',
    types: ['deb'],
    uris: ['https://download.docker.com/linux/debian'],
    suites: ['bookworm'],
    components: ['stable'],
    architectures: ['amd64'],
    languages: [],
    signedBy: '/etc/apt/keyrings/docker.gpg',
  };
  it('renders the stanza apt reads', () => {
    expect(renderSource(docker)).toBe(
      'Architectures: amd64\nComponents: stable\nX-Repolib-Name: docker\nSigned-By: /etc/apt/keyrings/docker.gpg\nSuites: bookworm\nTypes: deb\nURIs: https://download.docker.com/linux/debian\n',
    );
    expect(
      renderSource({
        ...docker,
        enabled: false,
        signedBy: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n-----END PGP PUBLIC KEY BLOCK-----',
      }),
    ).toContain(
      'Enabled: no\nX-Repolib-Name: docker\nSigned-By:\n    -----BEGIN PGP PUBLIC KEY BLOCK-----\n    .\n    abc\n    -----END PGP PUBLIC KEY BLOCK-----\nSuites: bookworm\n',
    );
    // Ansible's other options, by argument name, as Ansible's format_field_name names them.
    expect(renderSource({ ...docker, options: { date_max_future: 10, allow_insecure: true, targets: ['a', 'b'] } })).toBe(
      'Allow-Insecure: yes\nArchitectures: amd64\nComponents: stable\nDate-Max-Future: 10\nX-Repolib-Name: docker\nSigned-By: /etc/apt/keyrings/docker.gpg\nSuites: bookworm\nTargets: a b\nTypes: deb\nURIs: https://download.docker.com/linux/debian\n',
    );
  });
  it('names the file as Ansible does and finds unusable sources', () => {
    expect(sourcesFileName('Docker CE')).toBe('docker-ce.sources');
    expect(sourcesFileName('ansible-test focal archive')).toBe('ansible-test-focal-archive.sources');
    expect(sourcesFileName('download.docker_com')).toBe('downloaddocker-com.sources');
    expect(sourceProblems({ ...docker, suites: ['/'] })).toEqual([
      "suite '/' is a flat repository path (ends in '/'), which takes no components",
    ]);
    expect(sourceProblems({ ...docker, components: [] })).toEqual([
      'components is required unless the suite is a flat repository path ending in /',
    ]);
    expect(sourceProblems({ ...docker, signedBy: 'https://x/gpg' })[0]).toContain('fetch the key with apt_key');
    expect(sourceProblems({ ...docker, suites: ['/'], components: [] })).toEqual([]);
  });
  it('knows which InRelease apt fetches for dists and flat repositories', () => {
    expect(inReleaseUrls(docker)).toEqual(['https://download.docker.com/linux/debian/dists/bookworm/InRelease']);
    const k8s = { ...docker, uris: ['https://pkgs.k8s.io/core:/stable:/v1.31/deb/'], suites: ['/'], components: [] };
    expect(inReleaseUrls(k8s)).toEqual(['https://pkgs.k8s.io/core:/stable:/v1.31/deb/InRelease']);
    expect(inReleaseUrls({ ...k8s, uris: ['http://x/deb'], suites: ['sub/'] })).toEqual(['http://x/deb/sub/InRelease']);
  });
  it('in check mode, a source whose repository cannot be fetched fails as the real run would', async () => {
    const args = { name: 'docker', uris: 'http://127.0.1.250/apt', suites: 'bookworm', components: 'stable' };
    const ctx = fakeHost({
      check: true,
      reply: (c) => (c.includes('FP_TOOL') ? { stdout: 'unreachable 0 curl: (7) Failed to connect\n' } : { stdout: absent }),
    });
    const commands = ctx.calls;
    const p = await plan(deb822RepositoryModule, args, ctx);
    expect(p).toMatchObject({
      kind: 'failed',
      msg: '/etc/apt/sources.list.d/docker.sources would not be changed: apt could not fetch http://127.0.1.250/apt/dists/bookworm/InRelease: curl: (7) Failed to connect',
    });
    expect(commands.every((c) => !c.command.includes('apt-get') && !c.command.includes('mv '))).toBe(true);
  });
  it('fetches the new source alone from a temp copy before moving it into place', () => {
    const s = installScript('/etc/apt/sources.list.d/docker.sources', 'x', '0644', true);
    expect(s.indexOf('APT::Update::Error-Mode=any')).toBeGreaterThan(0);
    expect(s.indexOf('Dir::Etc::SourceParts=-')).toBeGreaterThan(0);
    expect(s.indexOf('update')).toBeLessThan(s.indexOf('mv -f'));
    expect(installScript('/etc/apt/sources.list.d/docker.sources', 'x', '0644', false)).not.toContain('apt-get');
  });
  it('plans add, then ok once the file matches, and fails clearly when the update fails', async () => {
    const args = {
      name: 'docker',
      uris: docker.uris[0],
      suites: 'bookworm',
      components: ['stable'],
      architectures: 'amd64',
      signed_by: docker.signedBy,
    };
    const text = renderSource(docker);
    const fresh = fakeHost({
      reply: (c) =>
        c.includes('type=absent')
          ? { stdout: absent }
          : { exitCode: 100, stderr: 'E: Failed to fetch http://x/dists/bookworm/InRelease  Could not connect\n' },
    });
    const p = await plan(deb822RepositoryModule, args, fresh);
    expect(p).toMatchObject({ kind: 'change', msg: 'add /etc/apt/sources.list.d/docker.sources and fetch its indexes' });
    if (p.kind === 'change')
      expect(await p.apply()).toMatchObject({
        kind: 'failed',
        msg: '/etc/apt/sources.list.d/docker.sources was not changed: Failed to fetch http://x/dists/bookworm/InRelease  Could not connect',
      });
    const same = fakeHost({ reply: () => ({ stdout: fileState(text) }) });
    expect((await plan(deb822RepositoryModule, args, same)).kind).toBe('ok');
  });
});

describe('dpkg_selections', () => {
  it('parses dpkg wants, with unknown packages as undefined', () => {
    expect([...parseSelections('a hold\nb install\nc -\n')]).toEqual([
      ['a', 'hold'],
      ['b', 'install'],
      ['c', undefined],
    ]);
  });
  it('holds only the packages not held yet, and refuses packages dpkg does not know', async () => {
    const ctx = fakeHost({ reply: (c) => (c.includes('dpkg-query') ? { stdout: 'kubelet hold\nkubeadm install\n' } : {}) });
    const commands = ctx.calls;
    const p = await plan(dpkgSelectionsModule, { name: ['kubelet', 'kubeadm'], selection: 'hold' }, ctx);
    expect(p).toMatchObject({ kind: 'change', msg: 'set kubeadm to hold' });
    if (p.kind === 'change') await p.apply();
    expect(commands[1]?.stdin).toBe('kubeadm hold\n');
    const missing = fakeHost({ reply: () => ({ stdout: 'kubelet -\n' }) });
    expect(await plan(dpkgSelectionsModule, { name: 'kubelet', selection: 'hold' }, missing)).toMatchObject({
      kind: 'failed',
      msg: 'dpkg does not know kubelet: install it before setting a selection',
    });
  });
});

describe('format: json', () => {
  it('compares values, not text', () => {
    expect(sameJson({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
  });
  it('points at the line and column of invalid JSON', () => {
    const r = parseJson('{\n  "a": "x"",\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatchObject({ line: 2, column: 11, text: '  "a": "x"",' });
  });
  it('leaves a file with the same JSON in another order alone, and refuses invalid JSON without writing', async () => {
    const onHost = '{"b": 2, "a": 1}';
    const host = fakeHost({ reply: (c) => (c.startsWith('cat ') ? { stdout: onHost } : { stdout: fileState(onHost) }) });
    const same = await plan(copyModule, { dest: '/etc/docker/daemon.json', content: '{\n  "a": 1,\n  "b": 2\n}\n', format: 'json' }, host);
    expect(same).toMatchObject({ kind: 'ok', msg: '/etc/docker/daemon.json holds the same JSON (only formatting or key order differ)' });
    const changed = await plan(copyModule, { dest: '/etc/docker/daemon.json', content: '{"a": 1, "b": 3}', format: 'json' }, host);
    expect(changed.kind).toBe('change');
    const bad = fakeHost({ reply: () => ({ stdout: absent }) });
    const refused = await plan(copyModule, { dest: '/etc/docker/daemon.json', content: '{"max-size": "10m"",}', format: 'json' }, bad);
    expect(refused.kind).toBe('failed');
    expect(refused.msg).toMatch(
      /^the content for \/etc\/docker\/daemon.json is not valid JSON \(format: json\), so nothing was written: .* at line 1 column 19/,
    );
    expect(bad.calls).toHaveLength(0);
  });
});
