// Putting the smoke-test image (smokeimage.ts) into an artifact tree: from Debian's busybox-static during a
// full build, or added on its own to a finished tree built before the image existed (no rebuild of the rest,
// whose apt key other labs may be using right now).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withLock } from '../lock.ts';
import { ARTIFACTS_LOCK_FILE } from '../paths.ts';
import { LabError, type LabLog } from '../types.ts';
import { checksumLine } from './layout.ts';
import type { Checksums } from './repack.ts';
import { buildSmokeImage, smokeImageLayout } from './smokeimage.ts';
import { loggedStep, type Step } from './step.ts';

/** The Debian package the image is made from (downloaded with apt-get download, never installed on the host). */
export const BUSYBOX_PACKAGE = 'busybox-static';

/** Where busybox-static keeps its binary after `dpkg -x`. */
const BUSYBOX_BIN = 'bin/busybox';

/** How long another process waits for an image build in progress. */
const LOCK_WAIT_MS = 10 * 60_000;

/** Writes images/smoke.oci.tar and its .sha256sum under out from an unpacked busybox-static; returns the archive's checksum. */
export async function writeSmokeImage(opts: { unpacked: string; out: string; step: Step }): Promise<Checksums> {
  const binary = join(opts.unpacked, BUSYBOX_BIN);
  if (!existsSync(binary)) throw new LabError(`${BUSYBOX_PACKAGE} has no ${BUSYBOX_BIN}`);
  // The binary must really run here, as the repacked release binaries must.
  const r = await opts.step(binary, ['echo', 'fleetplay'], { timeoutMs: 30_000 });
  if (r.stdout.trim() !== 'fleetplay') throw new LabError(`${binary} echo printed "${r.stdout.trim()}"`);
  // The packaged file's own mtime (kept by dpkg -x) dates the image: rebuilds from the same package give the same bytes.
  const image = buildSmokeImage({ busybox: readFileSync(binary), mtime: Math.floor(statSync(binary).mtimeMs / 1000) });
  const hex = createHash('sha256').update(image.archive).digest('hex');
  writeAtomically(join(opts.out, smokeImageLayout.archive), image.archive);
  // The checksum file comes last: its presence means the archive beside it is complete.
  writeAtomically(join(opts.out, smokeImageLayout.sha256sum), Buffer.from(checksumLine(hex, 'smoke.oci.tar')));
  return { [smokeImageLayout.archive]: hex };
}

/** Adds the smoke image to the finished tree at dir when it lacks one (under the artifacts lock); a no-op otherwise. */
export async function ensureSmokeImage(dir: string, log: LabLog = () => undefined): Promise<void> {
  if (existsSync(join(dir, smokeImageLayout.sha256sum))) return;
  await withLock(ARTIFACTS_LOCK_FILE, LOCK_WAIT_MS, async () => {
    if (existsSync(join(dir, smokeImageLayout.sha256sum))) return;
    const work = join(dirname(dir), `.smoke-image.tmp-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const step = loggedStep(join(dirname(dir), 'artifacts.build.log'));
    try {
      log(`adding the smoke-test image to ${dir}`);
      await step('env', ['-C', work, 'apt-get', '-o', 'APT::Sandbox::User=root', 'download', BUSYBOX_PACKAGE], { timeoutMs: 10 * 60_000 });
      const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
      if (!deb) throw new LabError(`apt-get download ${BUSYBOX_PACKAGE} left no .deb in ${work}`);
      await step('dpkg', ['-x', join(work, deb), join(work, 'root')]);
      await writeSmokeImage({ unpacked: join(work, 'root'), out: dir, step });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

// Written beside the target and renamed: the server never serves a half-written file.
function writeAtomically(file: string, data: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
