// Repacking unpacked Debian binaries into upstream-shaped release files: reproducible tarballs, checksum files,
// and a check that every binary really runs on this machine.
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { LabError } from '../types.ts';
import { artifactLayout, checksumLine } from './layout.ts';
import type { Step } from './step.ts';

/** Where a package's binaries sit after `dpkg -x`. */
const CONTAINERD_BIN = 'usr/bin';
const RUNC_BIN = 'usr/sbin/runc';
const CNI_DIR = 'usr/lib/cni';

/** Plugins a CNI tarball must contain for a Kubernetes node. */
const REQUIRED_CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'];

/** What one repack produced: relative paths and the sha256 of each file written. */
export type Checksums = Record<string, string>;

/** Writes containerd-<v>-linux-amd64.tar.gz (bin/containerd, bin/ctr, bin/containerd-shim*) and its .sha256sum under out. */
export async function repackContainerd(opts: { unpacked: string; version: string; out: string; step: Step }): Promise<Checksums> {
  const { unpacked, version, out, step } = opts;
  const from = join(unpacked, CONTAINERD_BIN);
  const names = readdirSync(from)
    .filter((f) => f === 'containerd' || f === 'ctr' || f.startsWith('containerd-shim'))
    .sort();
  for (const required of ['containerd', 'ctr']) {
    if (!names.includes(required)) throw new LabError(`containerd package ${version} has no usr/bin/${required}`);
  }
  const stage = join(unpacked, '..', `stage-containerd-${version}`);
  mkdirSync(join(stage, 'bin'), { recursive: true });
  for (const n of names) stageExecutable(join(from, n), join(stage, 'bin', n));
  await expectOutput(step, join(stage, 'bin', 'containerd'), ['--version'], version);
  await expectOutput(step, join(stage, 'bin', 'ctr'), ['--version'], version);
  const tarball = artifactLayout.containerdTarball(version);
  const hex = await packTarGz({ step, dir: stage, entries: ['bin'], out: join(out, tarball), mtime: mtimeOf(join(from, 'containerd')) });
  writeChecksum(join(out, artifactLayout.containerdSha256sum(version)), hex, basename(tarball));
  return { [tarball]: hex };
}

/** Writes runc.amd64 and runc.sha256sum under out. */
export async function repackRunc(opts: { unpacked: string; version: string; out: string; step: Step }): Promise<Checksums> {
  const { unpacked, version, out, step } = opts;
  const binary = artifactLayout.runcBinary(version);
  const target = join(out, binary);
  mkdirSync(dirname(target), { recursive: true });
  stageExecutable(join(unpacked, RUNC_BIN), target);
  await expectOutput(step, target, ['--version'], `runc version ${version}`);
  const hex = await sha256File(target);
  writeChecksum(join(out, artifactLayout.runcSha256sum(version)), hex, basename(binary));
  return { [binary]: hex };
}

/** Writes cni-plugins-linux-amd64-v<v>.tgz (plugins at the top level) with its .sha256 and .sha256sum under out. */
export async function repackCni(opts: { unpacked: string; version: string; out: string; step: Step }): Promise<Checksums> {
  const { unpacked, version, out, step } = opts;
  const from = join(unpacked, CNI_DIR);
  const plugins = readdirSync(from)
    .filter((f) => statSync(join(from, f)).isFile())
    .sort();
  const missing = REQUIRED_CNI_PLUGINS.filter((p) => !plugins.includes(p));
  if (missing.length > 0) throw new LabError(`CNI package ${version} lacks ${missing.join(', ')}`);
  const stage = join(unpacked, '..', `stage-cni-${version}`);
  mkdirSync(stage, { recursive: true });
  for (const p of plugins) stageExecutable(join(from, p), join(stage, p));
  // A CNI plugin answers --version on stderr ("CNI bridge plugin ..."); exit 0 proves it runs here.
  await expectOutput(step, join(stage, 'bridge'), ['--version'], 'CNI');
  const tarball = artifactLayout.cniTarball(version);
  const hex = await packTarGz({ step, dir: stage, entries: ['.'], out: join(out, tarball), mtime: mtimeOf(join(from, 'bridge')) });
  writeChecksum(join(out, artifactLayout.cniSha256(version)), hex, basename(tarball));
  writeChecksum(join(out, artifactLayout.cniSha256sum(version)), hex, basename(tarball));
  return { [tarball]: hex };
}

/** sha256 (hex) of a file's content. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (b) => hash.update(b))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

// Sorted entries, one fixed mtime, root:root numeric, mode 0755 and `gzip -n`: the same input gives the same bytes.
async function packTarGz(opts: { step: Step; dir: string; entries: string[]; out: string; mtime: number }): Promise<string> {
  const { step, out } = opts;
  mkdirSync(dirname(out), { recursive: true });
  const tar = out.replace(/\.(tar\.gz|tgz)$/, '.tar');
  if (tar === out) throw new LabError(`not a tarball name: ${out}`);
  await step('tar', [
    '--create',
    '--file',
    tar,
    '--format=gnu',
    '--sort=name',
    `--mtime=@${opts.mtime}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mode=0755',
    '-C',
    opts.dir,
    ...opts.entries,
  ]);
  await step('gzip', ['-n', '--force', tar]);
  if (`${tar}.gz` !== out) await step('mv', [`${tar}.gz`, out]);
  return sha256File(out);
}

function stageExecutable(from: string, to: string): void {
  if (!existsSync(from)) throw new LabError(`missing binary ${from}`);
  copyFileSync(from, to);
  chmodSync(to, 0o755);
}

async function expectOutput(step: Step, binary: string, args: string[], expected: string): Promise<void> {
  const r = await step(binary, args, { timeoutMs: 30_000 });
  const output = `${r.stdout}${r.stderr}`;
  if (!output.includes(expected)) {
    throw new LabError(`${binary} ${args.join(' ')} printed "${output.trim()}", expected it to mention ${expected}`);
  }
}

function writeChecksum(file: string, hex: string, name: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, checksumLine(hex, name));
}

// The packaged file's own mtime (kept by dpkg -x): fixed per .deb, so rebuilds from the same package agree.
function mtimeOf(file: string): number {
  return Math.floor(statSync(file).mtimeMs / 1000);
}
