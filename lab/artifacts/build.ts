// Building (once, atomically, under a lock) the tree of upstream-shaped release artifacts the lab serves.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withLock } from '../lock.ts';
import { ARTIFACTS_DIR, ARTIFACTS_LOCK_FILE } from '../paths.ts';
import { LabError, type AptRepoPackage, type AptRepoSet, type ArtifactSet, type ArtifactVersions, type LabLog } from '../types.ts';
import { NEWER_SUITE, downloadDebs, type DownloadedDeb } from './apt.ts';
import { buildAptRepos } from './aptbuild.ts';
import { BUSYBOX_PACKAGE, ensureSmokeImage, writeSmokeImage } from './imagebuild.ts';
import { aptRepoPackages } from './aptrepo.ts';
import { compareLoose } from '../../engine/expr/version.ts';
import { ARTIFACTS_RECIPE, CONTAINERD_UNIT, MANIFEST_FILE, artifactLayout, upstreamVersion } from './layout.ts';
import { repackCni, repackContainerd, repackRunc, type Checksums } from './repack.ts';
import { loggedStep } from './step.ts';

/** Everything recorded about a finished tree, written last as its completion stamp. */
interface Manifest {
  /** ARTIFACTS_RECIPE of the code that built the tree; absent in trees built before the apt repositories. */
  recipe: number;
  versions: ArtifactVersions;
  /** The signed apt repositories under apt/: their key fingerprints and the packages each serves. */
  apt: AptRepoSet;
  /** The Debian packages each artifact was made from. */
  debs: Array<{ package: string; version: string; suite: string }>;
  /** sha256 of each tarball/binary, by path relative to the tree. */
  sha256: Checksums;
  builtAt: string;
  buildSeconds: number;
}

/** How long a build may take, and how long another process waits for one in progress. */
const BUILD_WAIT_MS = 30 * 60_000;

/** Returns the cached artifact tree, building it into ARTIFACTS_DIR on first use. */
export async function ensureArtifacts(log: LabLog = () => undefined): Promise<ArtifactSet> {
  const cached = readArtifactSet(ARTIFACTS_DIR);
  if (cached) {
    // Trees built before the smoke-test image get it added, without rebuilding (and re-keying) the rest.
    await ensureSmokeImage(cached.dir, log);
    return cached;
  }
  return withLock(ARTIFACTS_LOCK_FILE, BUILD_WAIT_MS, async () => {
    // Another process may have finished the build while we waited for the lock.
    const built = readArtifactSet(ARTIFACTS_DIR);
    if (built) return built;
    const parent = dirname(ARTIFACTS_DIR);
    mkdirSync(parent, { recursive: true });
    for (const e of readdirSync(parent)) {
      if (e.startsWith('.artifacts.tmp-')) rmSync(join(parent, e), { recursive: true, force: true });
    }
    const tmp = join(parent, `.artifacts.tmp-${process.pid}`);
    await buildArtifacts({ into: tmp, log, logFile: join(parent, 'artifacts.build.log') });
    // The final name only ever appears complete; a tree without its manifest is a leftover of older code.
    rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
    renameSync(tmp, ARTIFACTS_DIR);
    const set = readArtifactSet(ARTIFACTS_DIR);
    if (!set) throw new LabError(`artifact tree ${ARTIFACTS_DIR} has no readable ${MANIFEST_FILE} after the build`);
    return set;
  });
}

/** Builds a fresh artifact tree into `into` (must not exist), downloading the packages again; used by ensureArtifacts and by reproducibility checks. */
export async function buildArtifacts(opts: { into: string; log?: LabLog; logFile?: string }): Promise<ArtifactSet> {
  const { into } = opts;
  const log = opts.log ?? (() => undefined);
  if (existsSync(into)) throw new LabError(`${into} already exists`);
  const work = `${into}.work`;
  const logFile = opts.logFile ?? `${into}.build.log`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(into, { recursive: true });
  writeFileSync(logFile, `artifact build into ${into} started ${new Date().toISOString()}\n`);
  const step = loggedStep(logFile);
  const started = Date.now();
  log(`building release artifacts (log: ${logFile})`);
  try {
    const debs = await downloadDebs({ dir: join(work, 'debs'), step, extraHostPackages: [...aptRepoPackages(), BUSYBOX_PACKAGE] });
    const unpack = async (deb: DownloadedDeb): Promise<string> => {
      const dir = join(work, `${deb.package}-${deb.suite}`, 'root');
      mkdirSync(dir, { recursive: true });
      await step('dpkg', ['-x', deb.file, dir]);
      return dir;
    };
    const containerdDebs = pick(debs, 'containerd', 2);
    const [runcDeb] = pick(debs, 'runc', 1);
    const [cniDeb] = pick(debs, 'containernetworking-plugins', 1);
    const [busyboxDeb] = pick(debs, BUSYBOX_PACKAGE, 1);
    if (!runcDeb || !cniDeb || !busyboxDeb) throw new LabError('runc, containernetworking-plugins or busybox-static was not downloaded');
    const containerd = containerdDebs.map(versionOf).sort(compareLoose);
    const runc = versionOf(runcDeb);
    const cni = versionOf(cniDeb);
    // Compression dominates the build; the packages are independent, so they are repacked side by side.
    // The apt repositories take the host-suite packages as they are (the trixie containerd is only repacked).
    const [apt, parts] = await Promise.all([
      buildAptRepos({ debs: debs.filter((d) => d.suite !== NEWER_SUITE.suite), out: into, step }),
      Promise.all([
        ...containerdDebs.map(async (deb) => repackContainerd({ unpacked: await unpack(deb), version: versionOf(deb), out: into, step })),
        unpack(runcDeb).then((unpacked) => repackRunc({ unpacked, version: runc, out: into, step })),
        unpack(cniDeb).then((unpacked) => repackCni({ unpacked, version: cni, out: into, step })),
        unpack(busyboxDeb).then((unpacked) => writeSmokeImage({ unpacked, out: into, step })),
      ]),
    ]);
    const sha256: Checksums = Object.fromEntries(parts.flatMap((p) => Object.entries(p)));
    writeFileSync(join(into, artifactLayout.containerdUnit()), CONTAINERD_UNIT);
    const buildSeconds = Math.round((Date.now() - started) / 100) / 10;
    const manifest: Manifest = {
      recipe: ARTIFACTS_RECIPE,
      versions: { containerd, runc, cni },
      apt,
      debs: debs.map((d) => ({ package: d.package, version: d.version, suite: d.suite })),
      sha256,
      builtAt: new Date().toISOString(),
      buildSeconds,
    };
    writeFileSync(join(into, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    appendFileSync(logFile, `done in ${buildSeconds}s\n`);
    log(
      `built release artifacts in ${buildSeconds}s: containerd ${manifest.versions.containerd.join(', ')}, runc ${runc}, CNI ${cni}, apt key ${apt.keyFingerprint}`,
    );
    return { dir: into, versions: manifest.versions, apt };
  } catch (e) {
    rmSync(into, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The finished tree at dir (its manifest present, readable and of this recipe), or undefined. */
export function readArtifactSet(dir: string): ArtifactSet | undefined {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    // A tree of another recipe (older code built no apt/) counts as not built, so ensureArtifacts replaces it.
    if (manifest.recipe !== ARTIFACTS_RECIPE) return undefined;
    const v = manifest.versions;
    const apt = manifest.apt;
    if (!v || !Array.isArray(v.containerd) || typeof v.runc !== 'string' || typeof v.cni !== 'string') return undefined;
    if (!apt || !isFingerprint(apt.keyFingerprint) || !isFingerprint(apt.otherKeyFingerprint)) return undefined;
    if (!isPackageList(apt.dockerPackages) || !isPackageList(apt.kubernetesPackages)) return undefined;
    return {
      dir,
      versions: { containerd: [...v.containerd], runc: v.runc, cni: v.cni },
      apt: {
        keyFingerprint: apt.keyFingerprint,
        otherKeyFingerprint: apt.otherKeyFingerprint,
        dockerPackages: apt.dockerPackages.map((p) => ({ ...p })),
        kubernetesPackages: apt.kubernetesPackages.map((p) => ({ ...p })),
      },
    };
  } catch {
    return undefined;
  }
}

function isFingerprint(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-F]{40}$/.test(value);
}

function isPackageList(value: unknown): value is AptRepoPackage[] {
  const fields = ['package', 'version', 'architecture', 'filename', 'sha256'] as const;
  return (
    Array.isArray(value) && value.length > 0 && value.every((p: Record<string, unknown>) => fields.every((f) => typeof p[f] === 'string'))
  );
}

// Exactly `count` downloaded packages of this name with distinct upstream versions (two containerds, one of the others).
function pick(debs: DownloadedDeb[], name: string, count: number): DownloadedDeb[] {
  const found = debs.filter((d) => d.package === name);
  const versions = new Set(found.map(versionOf));
  if (found.length !== count || versions.size !== count) {
    const got = found.map((d) => `${d.version} (${d.suite})`).join(', ') || 'none';
    throw new LabError(`expected ${count} distinct ${name} package version(s), got ${got}`);
  }
  return found;
}

function versionOf(deb: DownloadedDeb): string {
  const v = upstreamVersion(deb.version);
  if (!v) throw new LabError(`cannot read an upstream version from ${deb.package} ${deb.version}`);
  return v;
}
