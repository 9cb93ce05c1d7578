// Building the signed lab apt repositories into an artifact tree with Debian's own tools: the .debs go into each
// pool, apt-ftparchive writes Packages and Release, gpg signs with a key generated for this build only.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LabError, type AptRepoPackage, type AptRepoSet, type AptRepoSpec } from '../types.ts';
import { OTHER_KEY_UID, SIGNING_KEY_UID, exportPublicKey, generateKey, signRelease, withTemporaryGpg, type Gpg } from './aptkey.ts';
import { APT_REPOS, packagesIndexPath, parsePackagesIndex, poolDir, poolFile, releaseDir, releaseOptions } from './aptrepo.ts';
import { aptLayout } from './layout.ts';
import type { Step } from './step.ts';

/** A downloaded .deb offered to the repositories: its control fields and where it lies. */
export interface AptRepoDeb {
  package: string;
  version: string;
  architecture: string;
  file: string;
}

/** Writes apt/ under out: both repositories (from debs, one per package name), signed, plus both public keys and fingerprints. */
export async function buildAptRepos(opts: {
  debs: AptRepoDeb[];
  out: string;
  step: Step;
  specs?: readonly AptRepoSpec[];
}): Promise<AptRepoSet> {
  const { debs, out, step } = opts;
  const specs = opts.specs ?? APT_REPOS;
  return withTemporaryGpg(step, async (gpg) => {
    const keyFingerprint = await generateKey(gpg, SIGNING_KEY_UID);
    const otherKeyFingerprint = await generateKey(gpg, OTHER_KEY_UID);
    await writeKey(gpg, keyFingerprint, join(out, aptLayout.keyAsc), join(out, aptLayout.keyFingerprint));
    await writeKey(gpg, otherKeyFingerprint, join(out, aptLayout.otherKeyAsc), join(out, aptLayout.otherKeyFingerprint));
    const served = new Map<string, AptRepoPackage[]>();
    for (const spec of specs) {
      served.set(spec.name, await buildRepo({ spec, debs, root: join(out, spec.root), step, gpg, keyFingerprint }));
    }
    return {
      keyFingerprint,
      otherKeyFingerprint,
      dockerPackages: served.get('docker') ?? [],
      kubernetesPackages: served.get('kubernetes') ?? [],
    };
  });
}

// One repository: pool, Packages(.gz), Release with hashes, InRelease and Release.gpg; returns what its index lists.
async function buildRepo(opts: {
  spec: AptRepoSpec;
  debs: AptRepoDeb[];
  root: string;
  step: Step;
  gpg: Gpg;
  keyFingerprint: string;
}): Promise<AptRepoPackage[]> {
  const { spec, root, step } = opts;
  for (const name of spec.packages) {
    const matches = opts.debs.filter((d) => d.package === name);
    const [deb] = matches;
    if (!deb || matches.length !== 1)
      throw new LabError(`the ${spec.name} apt repository needs one ${name} package, got ${matches.length}`);
    const target = join(root, poolFile(spec, deb));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(deb.file, target);
  }
  // Run from the repository root, so every Filename in the index is relative to it, as apt expects.
  const packages = (await step('env', ['-C', root, 'apt-ftparchive', 'packages', poolDir(spec)], { timeoutMs: 120_000 })).stdout;
  const listed = parsePackagesIndex(packages);
  const names = listed.map((p) => p.package).sort();
  if (names.join(' ') !== [...spec.packages].sort().join(' ')) {
    throw new LabError(
      `apt-ftparchive indexed ${names.join(', ') || 'nothing'} for the ${spec.name} repository, expected ${spec.packages.join(', ')}`,
    );
  }
  const index = join(root, packagesIndexPath(spec));
  mkdirSync(dirname(index), { recursive: true });
  writeFileSync(index, packages);
  await step('gzip', ['-9', '-n', '--keep', index]);
  const releaseAt = join(root, releaseDir(spec));
  // Release is written only after apt-ftparchive has read the directory, so it never hashes itself.
  const release = (await step('env', ['-C', releaseAt, 'apt-ftparchive', ...releaseOptions(spec), 'release', '.'], { timeoutMs: 120_000 }))
    .stdout;
  if (!/^ [0-9a-f]{64} +\d+ (?:\S+\/)?Packages\.gz$/m.test(release)) {
    throw new LabError(`apt-ftparchive wrote a Release for the ${spec.name} repository without SHA256 sums of the indexes`);
  }
  const releaseFile = join(releaseAt, 'Release');
  writeFileSync(releaseFile, release);
  await signRelease(opts.gpg, opts.keyFingerprint, releaseFile);
  return listed.sort((a, b) => a.package.localeCompare(b.package));
}

async function writeKey(gpg: Gpg, fingerprint: string, ascFile: string, fingerprintFile: string): Promise<void> {
  mkdirSync(dirname(ascFile), { recursive: true });
  writeFileSync(ascFile, await exportPublicKey(gpg, fingerprint));
  writeFileSync(fingerprintFile, `${fingerprint}\n`);
}
