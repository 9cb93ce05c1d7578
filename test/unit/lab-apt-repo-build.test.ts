// Building both lab apt repositories with the host's apt-ftparchive and gpg from tiny stand-in .debs, then asking the
// host's apt-get to trust them with a throwaway configuration: the lab key verifies, the other key is refused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAptRepos, type AptRepoDeb } from '../../lab/artifacts/aptbuild.ts';
import { APT_REPOS } from '../../lab/artifacts/aptrepo.ts';
import { aptLayout } from '../../lab/artifacts/layout.ts';
import { loggedStep } from '../../lab/artifacts/step.ts';
import type { AptRepoSet } from '../../lab/types.ts';

const TOOLS = ['apt-ftparchive', 'gpg', 'gpgconf', 'dpkg-deb', 'apt-get'];
const haveTools = TOOLS.every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
// apt-get update into private directories needs root (its sandbox user must read them).
const canRun = haveTools && process.getuid?.() === 0;

/** Builds a minimal real .deb (one file under /usr/share/doc) with dpkg-deb. */
function fakeDeb(dir: string, name: string, version: string, architecture: string): AptRepoDeb {
  const root = path.join(dir, `${name}-src`);
  mkdirSync(path.join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(path.join(root, 'usr/share/doc', name), { recursive: true });
  writeFileSync(path.join(root, 'usr/share/doc', name, 'README'), `stand-in ${name}\n`);
  writeFileSync(
    path.join(root, 'DEBIAN/control'),
    [
      `Package: ${name}`,
      `Version: ${version}`,
      `Architecture: ${architecture}`,
      'Maintainer: fleetplay lab <lab@fleetplay.invalid>',
      `Description: stand-in ${name} for a unit test`,
      '',
    ].join('\n'),
  );
  const file = path.join(dir, `${name}.deb`);
  const r = spawnSync('dpkg-deb', ['--root-owner-group', '--build', root, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { package: name, version, architecture, file };
}

/** apt-get/apt-cache with only our two sources, private lists and cache; the host's apt state is untouched. */
function throwawayApt(
  dir: string,
  key: string,
  tree: string,
): (tool: string, args: string[]) => { status: number; out: string; err: string } {
  for (const d of ['lists/partial', 'cache/archives/partial']) mkdirSync(path.join(dir, d), { recursive: true });
  const sources = path.join(dir, 'sources.list');
  writeFileSync(
    sources,
    [
      `deb [signed-by=${key}] file:${path.join(tree, aptLayout.dockerRoot)} bookworm stable`,
      `deb [signed-by=${key}] file:${path.join(tree, aptLayout.kubernetesRoot)}/ /`,
      '',
    ].join('\n'),
  );
  const opts = [
    '-o',
    `Dir::Etc::sourcelist=${sources}`,
    '-o',
    'Dir::Etc::sourceparts=-',
    '-o',
    `Dir::State::Lists=${path.join(dir, 'lists')}`,
    '-o',
    `Dir::Cache=${path.join(dir, 'cache')}`,
    '-o',
    'APT::Update::Error-Mode=any',
    // Our temp dirs are 0700; apt's _apt sandbox user could not read them (the lab's own apt calls do the same).
    '-o',
    'APT::Sandbox::User=root',
  ];
  return (tool, args) => {
    const r = spawnSync(tool, [...opts, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
}

// Skipped only outside CI, and then it says why; under CI (`.ci/run` installs the tools, as root) it must run.
const skip = !canRun && !process.env.CI;
if (skip) console.warn(`skipping buildAptRepos tests: needs root and ${TOOLS.join(', ')} (lab/deps.sh installs them)`);

describe.skipIf(skip)('buildAptRepos with the host tools', () => {
  let tmp = '';
  let tree = '';
  let set: AptRepoSet;
  const gnupgHomesBefore = new Set<string>();

  beforeAll(async () => {
    for (const e of readdirSync(os.tmpdir())) if (e.startsWith('fp-gnupg-')) gnupgHomesBefore.add(e);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fp-apt-repo-'));
    tree = path.join(tmp, 'tree');
    const debs = [
      fakeDeb(tmp, 'containerd', '1.6.20~ds1-1+deb12u3', 'amd64'),
      fakeDeb(tmp, 'docker.io', '20.10.24+dfsg1-1+deb12u1+b6', 'amd64'),
      fakeDeb(tmp, 'kubernetes-client', '1.20.5+really1.20.2-1.1+deb12u1', 'amd64'),
      fakeDeb(tmp, 'kubetail', '1.6.5-2', 'all'),
      fakeDeb(tmp, 'kubectx', '0.9.3-1', 'all'),
    ];
    set = await buildAptRepos({ debs, out: tree, step: loggedStep(path.join(tmp, 'build.log')) });
  }, 120_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('records the key fingerprints as written to the tree, and every package in its repository', () => {
    expect(readFileSync(path.join(tree, aptLayout.keyFingerprint), 'utf8')).toBe(`${set.keyFingerprint}\n`);
    expect(readFileSync(path.join(tree, aptLayout.otherKeyFingerprint), 'utf8')).toBe(`${set.otherKeyFingerprint}\n`);
    expect(set.keyFingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(set.otherKeyFingerprint).not.toBe(set.keyFingerprint);
    expect(set.dockerPackages.map((p) => p.filename)).toEqual([
      'pool/stable/c/containerd/containerd_1.6.20~ds1-1+deb12u3_amd64.deb',
      'pool/stable/d/docker.io/docker.io_20.10.24+dfsg1-1+deb12u1+b6_amd64.deb',
    ]);
    expect(set.kubernetesPackages.map((p) => `${p.package} ${p.version} ${p.filename}`)).toEqual([
      'kubectx 0.9.3-1 pool/kubectx_0.9.3-1_all.deb',
      'kubernetes-client 1.20.5+really1.20.2-1.1+deb12u1 pool/kubernetes-client_1.20.5+really1.20.2-1.1+deb12u1_amd64.deb',
      'kubetail 1.6.5-2 pool/kubetail_1.6.5-2_all.deb',
    ]);
    for (const spec of APT_REPOS) {
      const packages = spec.name === 'docker' ? set.dockerPackages : set.kubernetesPackages;
      for (const p of packages) expect(existsSync(path.join(tree, spec.root, p.filename))).toBe(true);
    }
  });

  it('writes Release files with their fields and SHA256 sums, signed inline and detached', () => {
    const docker = readFileSync(path.join(tree, aptLayout.dockerRoot, 'dists/bookworm/Release'), 'utf8');
    for (const line of ['Origin: fleetplay lab', 'Suite: bookworm', 'Codename: bookworm', 'Components: stable', 'Architectures: amd64']) {
      expect(docker).toMatch(new RegExp(`^${line.replace(/[()]/g, '\\$&')}$`, 'm'));
    }
    expect(docker).toMatch(/^Date: /m);
    expect(docker).toMatch(/^ [0-9a-f]{64} +\d+ stable\/binary-amd64\/Packages\.gz$/m);
    const flat = readFileSync(path.join(tree, aptLayout.kubernetesRoot, 'Release'), 'utf8');
    expect(flat).toMatch(/^Label: Kubernetes v1\.31 \(lab stand-in\)$/m);
    expect(flat).not.toMatch(/^(Suite|Codename|Components):/m);
    expect(flat).toMatch(/^ [0-9a-f]{64} +\d+ Packages$/m);
    for (const dir of [path.join(aptLayout.dockerRoot, 'dists/bookworm'), aptLayout.kubernetesRoot]) {
      expect(readFileSync(path.join(tree, dir, 'InRelease'), 'utf8')).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n/);
      expect(readFileSync(path.join(tree, dir, 'Release.gpg'), 'utf8')).toMatch(/^-----BEGIN PGP SIGNATURE-----\n/);
    }
  });

  it('leaves no secret key in the tree and no temporary GNUPGHOME behind', () => {
    const files = spawnSync('find', [tree, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n');
    for (const f of files) expect(readFileSync(f).includes('PRIVATE KEY')).toBe(false);
    expect(readdirSync(path.join(tree, 'apt')).sort()).toEqual([
      'docker',
      'fleetplay-lab.asc',
      'fleetplay-lab.fingerprint',
      'kubernetes',
      'other-key.asc',
      'other-key.fingerprint',
    ]);
    expect(readdirSync(os.tmpdir()).filter((e) => e.startsWith('fp-gnupg-') && !gnupgHomesBefore.has(e))).toEqual([]);
  });

  it('lets apt-get update trust both repositories with the lab key, without a warning', () => {
    const apt = throwawayApt(path.join(tmp, 'apt-good'), path.join(tree, aptLayout.keyAsc), tree);
    const update = apt('apt-get', ['update']);
    expect({ status: update.status, err: update.err }).toEqual({ status: 0, err: '' });
    const policy = apt('apt-cache', ['policy', 'containerd', 'kubernetes-client']);
    expect(policy.out).toContain(`500 file:${path.join(tree, aptLayout.dockerRoot)} bookworm/stable amd64 Packages`);
    expect(policy.out).toContain(`500 file:${path.join(tree, aptLayout.kubernetesRoot)}  Packages`);
    expect(policy.out).toMatch(/kubernetes-client:\n {2}Installed: .*\n {2}Candidate: 1\.20\.5\+really1\.20\.2-1\.1\+deb12u1\n/);
  });

  it('refuses both repositories when signed-by names the other key', () => {
    const apt = throwawayApt(path.join(tmp, 'apt-other'), path.join(tree, aptLayout.otherKeyAsc), tree);
    const update = apt('apt-get', ['update']);
    expect(update.status).not.toBe(0);
    const short = set.keyFingerprint.slice(-16);
    expect(update.err.match(new RegExp(`NO_PUBKEY ${short}`, 'g'))).toHaveLength(2);
    expect(update.err).toMatch(/The repository 'file:\S+\/apt\/docker bookworm InRelease' is not signed/);
  });
});
