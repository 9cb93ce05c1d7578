// The lab apt repositories as data: pool paths, Release options, Packages parsing, gpg fingerprints, and the manifest
// check that makes trees of older recipes (without apt/) count as not built.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { primaryFingerprints } from '../../lab/artifacts/aptkey.ts';
import {
  DOCKER_REPO,
  KUBERNETES_REPO,
  aptRepoPackages,
  packagesIndexPath,
  parsePackagesIndex,
  poolFile,
  releaseDir,
  releaseOptions,
} from '../../lab/artifacts/aptrepo.ts';
import { readArtifactSet } from '../../lab/artifacts/build.ts';
import { ARTIFACTS_RECIPE, MANIFEST_FILE } from '../../lab/artifacts/layout.ts';
import type { AptRepoPackage } from '../../lab/types.ts';

const FPR = '9605A4152990A6EF2CA912516FC159ABE8CB2030';
const SUB_FPR = '1D8A4E36B8CE3A86A889D8DCCEF33C3EED6E4841';
const OTHER_FPR = '11B277E79688C0BA943CFFB4093D0F6F8118337C';

/** A Packages stanza as apt-ftparchive writes it. */
function stanza(p: AptRepoPackage, extra = ''): string {
  return [
    `Package: ${p.package}`,
    `Version: ${p.version}`,
    `Architecture: ${p.architecture}`,
    'Maintainer: Someone <a@b.invalid>',
    `Filename: ${p.filename}`,
    'Size: 5860',
    `SHA256: ${p.sha256}`,
    'Description: a tool',
    ' with a longer text',
    extra,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** One package entry with defaults. */
function pkg(over: Partial<AptRepoPackage> = {}): AptRepoPackage {
  return {
    package: 'kubectx',
    version: '0.9.3-1',
    architecture: 'all',
    filename: 'pool/kubectx_0.9.3-1_all.deb',
    sha256: 'ab'.repeat(32),
    ...over,
  };
}

describe('primaryFingerprints', () => {
  it('takes the fpr line after each pub or sec line and skips subkeys', () => {
    const colons = [
      'tru:o:1:1796160144:1:3:1:5',
      'pub:u:255:22:6FC159ABE8CB2030:1796160144:::u:::scSC:::::ed25519:::0:',
      `fpr:::::::::${FPR}:`,
      'uid:u::::1796160144::813B::fleetplay lab apt repository <lab@fleetplay.invalid>::::::::::0:',
      'sub:u:255:18:CEF33C3EED6E4841:1796160144::::::e:::::cv25519::',
      `fpr:::::::::${SUB_FPR}:`,
      'sec:u:255:22:093D0F6F8118337C:1796160144:::u:::scSC:::+::ed25519:::0:',
      `fpr:::::::::${OTHER_FPR}:`,
      `grp:::::::::${SUB_FPR}:`,
    ].join('\n');
    expect(primaryFingerprints(colons)).toEqual([FPR, OTHER_FPR]);
  });

  it('finds nothing in output without keys and refuses a malformed fingerprint', () => {
    expect(primaryFingerprints('tru:o:1:1796160144:1:3:1:5\n')).toEqual([]);
    expect(() => primaryFingerprints('pub:u:255:22:X:1::::\nfpr:::::::::9605a4152990:\n')).toThrow(/not a v4 key fingerprint/);
  });
});

describe('pool layout', () => {
  it('puts a dists repository .deb under pool/<component>/<initial>/<package>/ with the epoch dropped', () => {
    expect(poolFile(DOCKER_REPO, { package: 'docker.io', version: '20.10.24+dfsg1-1+deb12u1+b6', architecture: 'amd64' })).toBe(
      'pool/stable/d/docker.io/docker.io_20.10.24+dfsg1-1+deb12u1+b6_amd64.deb',
    );
    expect(poolFile(DOCKER_REPO, { package: 'libfoo1', version: '2:1.0~rc1-3', architecture: 'amd64' })).toBe(
      'pool/stable/libf/libfoo1/libfoo1_1.0~rc1-3_amd64.deb',
    );
  });

  it('keeps a flat repository .deb in pool/ under the repository root', () => {
    expect(poolFile(KUBERNETES_REPO, { package: 'kubectx', version: '0.9.3-1', architecture: 'all' })).toBe('pool/kubectx_0.9.3-1_all.deb');
  });

  it('refuses names that are not Debian package names (no path escapes)', () => {
    expect(() => poolFile(KUBERNETES_REPO, { package: '../x', version: '1', architecture: 'all' })).toThrow(/not a Debian package/);
    expect(() => poolFile(KUBERNETES_REPO, { package: 'x1', version: '1/../../y', architecture: 'all' })).toThrow(/not a Debian package/);
  });

  it('indexes dists/<suite>/<component>/binary-amd64 for docker and the root for the flat repository', () => {
    expect([packagesIndexPath(DOCKER_REPO), releaseDir(DOCKER_REPO)]).toEqual([
      'dists/bookworm/stable/binary-amd64/Packages',
      'dists/bookworm',
    ]);
    expect([packagesIndexPath(KUBERNETES_REPO), releaseDir(KUBERNETES_REPO)]).toEqual(['Packages', '.']);
  });

  it('downloads each repository package once', () => {
    expect(aptRepoPackages()).toEqual(['containerd', 'docker.io', 'kubernetes-client', 'kubetail', 'kubectx']);
  });
});

describe('releaseOptions', () => {
  const field = (opts: string[], name: string): string | undefined =>
    opts
      .find((o) => o.startsWith(`APT::FTPArchive::Release::${name}=`))
      ?.split('=')
      .slice(1)
      .join('=');

  it('describes the docker repository as suite and codename bookworm, component stable, amd64', () => {
    const opts = releaseOptions(DOCKER_REPO);
    expect(opts.filter((_, i) => i % 2 === 0).every((o) => o === '-o')).toBe(true);
    expect(['Origin', 'Label', 'Suite', 'Codename', 'Components', 'Architectures'].map((n) => field(opts, n))).toEqual([
      'fleetplay lab',
      'Docker CE (lab stand-in)',
      'bookworm',
      'bookworm',
      'stable',
      'amd64',
    ]);
  });

  it('gives the flat repository an origin and label but no suite, codename or components', () => {
    const opts = releaseOptions(KUBERNETES_REPO);
    expect(field(opts, 'Origin')).toBe('fleetplay lab');
    expect(field(opts, 'Label')).toBe('Kubernetes v1.31 (lab stand-in)');
    expect(['Suite', 'Codename', 'Components'].map((n) => field(opts, n))).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a field value that would break the Release file', () => {
    expect(() => releaseOptions({ ...KUBERNETES_REPO, label: 'two\nlines' })).toThrow(/Label .* one non-empty line/);
  });
});

describe('parsePackagesIndex', () => {
  it('reads every stanza, ignoring other and continuation fields', () => {
    const a = pkg();
    const b = pkg({
      package: 'kubernetes-client',
      version: '1.20.5+really1.20.2-1.1+deb12u1',
      architecture: 'amd64',
      filename: 'pool/kubernetes-client_1.20.5+really1.20.2-1.1+deb12u1_amd64.deb',
      sha256: 'cd'.repeat(32),
    });
    expect(parsePackagesIndex(`${stanza(a, 'Depends: bash')}\n\n${stanza(b)}\n\n`)).toEqual([a, b]);
    expect(parsePackagesIndex('')).toEqual([]);
  });

  it('refuses a stanza without a SHA256', () => {
    expect(() => parsePackagesIndex(stanza(pkg()).replace(/^SHA256: .*$/m, 'MD5sum: 00'))).toThrow(/without SHA256/);
  });
});

describe('readArtifactSet', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const apt = {
    keyFingerprint: FPR,
    otherKeyFingerprint: OTHER_FPR,
    dockerPackages: [pkg({ package: 'containerd' })],
    kubernetesPackages: [pkg()],
  };
  const versions = { containerd: ['1.6.20', '1.7.24'], runc: '1.1.5', cni: '1.1.1' };
  const treeWith = (manifest: object): string => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fp-apt-manifest-'));
    writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    return dir;
  };

  it('reads a tree of the current recipe, apt repositories included', () => {
    const tree = treeWith({ recipe: ARTIFACTS_RECIPE, versions, apt, debs: [], sha256: {}, builtAt: '', buildSeconds: 1 });
    expect(readArtifactSet(tree)).toEqual({ dir: tree, versions, apt });
  });

  it('treats a tree built before the apt repositories (no recipe) or by another recipe as not built', () => {
    expect(readArtifactSet(treeWith({ versions, debs: [], sha256: {}, builtAt: '', buildSeconds: 1 }))).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
    expect(readArtifactSet(treeWith({ recipe: ARTIFACTS_RECIPE - 1, versions, apt }))).toBeUndefined();
  });

  it('treats a manifest with a malformed fingerprint or no packages as not built', () => {
    expect(
      readArtifactSet(treeWith({ recipe: ARTIFACTS_RECIPE, versions, apt: { ...apt, keyFingerprint: FPR.toLowerCase() } })),
    ).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
    expect(readArtifactSet(treeWith({ recipe: ARTIFACTS_RECIPE, versions, apt: { ...apt, dockerPackages: [] } }))).toBeUndefined();
  });
});
