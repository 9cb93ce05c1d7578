// Building and caching the node images (clean and legacy) under /var/cache/fleetplay/images.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, appendFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_CACHE_DIR, IMAGE_LOCK_FILE, imageDir } from './paths.ts';
import { withLock } from './lock.ts';
import { mountsUnder, unmountUnder } from './mounts.ts';
import { runChecked, type RunOptions } from './process.ts';
import type { LabImage, LabLog, RunResult } from './types.ts';

/** File inside a finished image naming it; written last, just before the atomic rename. */
const STAMP = 'etc/fleetplay-image';
/** Bumped whenever an image's recipe changes, so cached images of an older recipe are rebuilt. */
const RECIPE: Record<LabImage, number> = { clean: 2, legacy: 3 };

/**
 * Packages of the clean image, on top of debootstrap's minbase. file, acl and bsdextrautils (hexdump) are
 * there because ansible-core's integration targets expect them on a test host, as ansible-test's images have.
 */
const CLEAN_PACKAGES =
  'systemd,systemd-sysv,dbus,openssh-server,python3,curl,ca-certificates,iproute2,kmod,sudo,procps,file,acl,bsdextrautils';

/** Packages added for the legacy (pre-migration) image. */
const LEGACY_PACKAGES = ['docker.io', 'containerd', 'runc'];

/** Units that are useless or slow in a container sharing the host network; masked so boot is quick and clean. */
const MASKED_UNITS = [
  'console-getty.service',
  'getty.target',
  'systemd-networkd-wait-online.service',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
];

/** sshd settings for every node: root by key only, fast logins, many parallel sessions. */
const SSHD_CONFIG = [
  '# fleetplay lab node',
  'PermitRootLogin prohibit-password',
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'UseDNS no',
  'MaxStartups 500:30:1000',
  'MaxSessions 200',
  '',
].join('\n');

/** Returns the cached image directory, building it (and the clean image it derives from) on first use. */
export async function ensureImage(image: LabImage, log: LabLog = () => undefined): Promise<string> {
  if (isBuilt(image)) return imageDir(image);
  return withLock(IMAGE_LOCK_FILE, 60 * 60_000, async () => {
    // Another process may have finished the build while we waited for the lock.
    if (!isBuilt('clean')) await build('clean', log);
    if (image === 'legacy' && !isBuilt('legacy')) await build('legacy', log);
    return imageDir(image);
  });
}

/** True when the image directory exists and carries its stamp. */
export function isBuilt(image: LabImage): boolean {
  const stamp = join(imageDir(image), STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === stampText(image);
}

async function build(image: LabImage, log: LabLog): Promise<void> {
  mkdirSync(IMAGE_CACHE_DIR, { recursive: true });
  await removeLeftovers(image);
  const tmp = join(IMAGE_CACHE_DIR, `.${image}.tmp-${process.pid}`);
  const logFile = join(IMAGE_CACHE_DIR, `${image}.build.log`);
  writeFileSync(logFile, `build of ${image} started ${new Date().toISOString()}\n`);
  const step = (program: string, args: string[], opts?: RunOptions): Promise<RunResult> => logged(logFile, program, args, opts);
  const started = Date.now();
  log(`building ${image} image (log: ${logFile})`);
  if (image === 'clean') await buildClean(tmp, step);
  else await buildLegacy(tmp, step);
  writeFileSync(join(tmp, STAMP), stampText(image));
  const final = imageDir(image);
  // The final name only ever appears complete: a killed build leaves just a .tmp dir, removed next time.
  if (existsSync(final)) rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  appendFileSync(logFile, `done in ${seconds}s\n`);
  log(`built ${image} image in ${seconds}s`);
}

function stampText(image: LabImage): string {
  // Recipe 1 stamps predate the recipe number.
  return RECIPE[image] === 1 ? `${image}\n` : `${image} recipe ${RECIPE[image]}\n`;
}

type Step = (program: string, args: string[], opts?: RunOptions) => Promise<RunResult>;

async function buildClean(root: string, step: Step): Promise<void> {
  await step('debootstrap', ['--variant=minbase', `--include=${CLEAN_PACKAGES}`, 'bookworm', root], {
    timeoutMs: 30 * 60_000,
  });
  writeFileSync(join(root, 'etc/ssh/sshd_config.d/00-fleetplay.conf'), SSHD_CONFIG);
  // Every node gets its own host key and machine id, written into its overlay before boot.
  for (const f of readdirSync(join(root, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) unlinkSync(join(root, 'etc/ssh', f));
  }
  writeFileSync(join(root, 'etc/machine-id'), '');
  rmSync(join(root, 'var/lib/dbus/machine-id'), { force: true });
  await step('systemctl', ['--root', root, 'mask', ...MASKED_UNITS]);
  await step('systemctl', ['--root', root, 'disable', 'ssh.socket']);
  await step('systemctl', ['--root', root, 'enable', 'ssh.service']);
  await step('chroot', [root, 'apt-get', 'clean']);
}

async function buildLegacy(root: string, step: Step): Promise<void> {
  await step('cp', ['-a', '--reflink=auto', imageDir('clean'), root]);
  const proc = join(root, 'proc');
  const policy = join(root, 'usr/sbin/policy-rc.d');
  // Keep maintainer scripts from starting daemons inside the build chroot.
  writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  await step('mount', ['-t', 'proc', 'proc', proc]);
  try {
    const env = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
    await step('chroot', [root, 'apt-get', 'update'], { env, timeoutMs: 10 * 60_000 });
    await step('chroot', [root, 'apt-get', 'install', '-y', '--no-install-recommends', ...LEGACY_PACKAGES], {
      env,
      timeoutMs: 20 * 60_000,
    });
    await step('chroot', [root, 'systemctl', 'disable', 'containerd', 'docker'], { env });
    await step('chroot', [root, 'ln', '-sf', '/dev/null', '/etc/systemd/system/containerd.service'], { env });
    await step('chroot', [root, 'apt-get', 'clean'], { env });
    // Like a node in service, keep apt's binary package cache (apt-get clean removed it): every tool's
    // first apt command would otherwise spend ~2 s of CPU rebuilding it from the package lists.
    await step('chroot', [root, 'apt-cache', 'gencaches'], { env });
  } finally {
    await unmountUnder(proc);
    rmSync(policy, { force: true });
  }
}

// Leftover temp dirs of killed builds; anything still mounted in them is unmounted before removal.
async function removeLeftovers(image: LabImage): Promise<void> {
  for (const entry of readdirSync(IMAGE_CACHE_DIR)) {
    if (!entry.startsWith(`.${image}.tmp-`)) continue;
    const dir = join(IMAGE_CACHE_DIR, entry);
    await unmountUnder(dir);
    if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}

async function logged(logFile: string, program: string, args: string[], opts?: RunOptions): Promise<RunResult> {
  appendFileSync(logFile, `$ ${program} ${args.join(' ')}\n`);
  try {
    const result = await runChecked(program, args, opts);
    appendFileSync(logFile, result.stdout + result.stderr + `(${result.durationMs} ms)\n`);
    return result;
  } catch (e) {
    appendFileSync(logFile, `${(e as Error).message}\n`);
    throw e;
  }
}
