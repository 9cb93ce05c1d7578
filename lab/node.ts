// One lab node: its overlay root, its boot under systemd-nspawn, waiting for sshd, and stopping it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createNodeCgroups, joinCgroupsScript, killNodeCgroups, removeNodeCgroups } from './cgroup.ts';
import { nodeControllers } from './controllers.ts';
import { generateHostKey } from './keys.ts';
import { isMountPoint, mountOverlay, mountsUnder, unmountUnder } from './mounts.ts';
import { nodePaths, type NodePaths } from './paths.ts';
import { isAlive, processArgs, sleep, spawnDetached } from './process.ts';
import { readSshBanner } from './net.ts';
import { LabError, type LabNode } from './types.ts';

/** What a prepared node needs to boot, and the host key it will present. */
export interface PreparedNode {
  node: LabNode;
  paths: NodePaths;
  hostKey: string;
}

/** Creates a node's directories and writes its identity (host key, sshd listen address, root key, hostname) into the overlay's upper layer, then mounts the overlay. */
export async function prepareNode(opts: { lab: string; node: LabNode; image: string; authorizedKey: string }): Promise<PreparedNode> {
  const { node } = opts;
  const paths = nodePaths(opts.lab, node.name);
  for (const d of [paths.upper, paths.work, paths.root, paths.libContainerd, paths.libDocker]) {
    mkdirSync(d, { recursive: true, mode: 0o755 });
  }
  const up = (p: string): string => join(paths.upper, p);
  const hostKey = await generateHostKey(up('etc/ssh/ssh_host_ed25519_key'), `root@${node.name}`);
  mkdirSync(up('etc/ssh/sshd_config.d'), { recursive: true, mode: 0o755 });
  writeFileSync(
    up('etc/ssh/sshd_config.d/10-fleetplay-listen.conf'),
    `ListenAddress ${node.address}\nHostKey /etc/ssh/ssh_host_ed25519_key\n`,
  );
  mkdirSync(up('root/.ssh'), { recursive: true, mode: 0o700 });
  chmodSync(up('root'), 0o700);
  chmodSync(up('root/.ssh'), 0o700);
  writeFileSync(up('root/.ssh/authorized_keys'), `${opts.authorizedKey}\n`, { mode: 0o600 });
  writeFileSync(up('etc/hostname'), `${node.name}\n`);
  writeFileSync(up('etc/hosts'), `127.0.0.1\tlocalhost\n${node.address}\t${node.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  writeFileSync(up('etc/machine-id'), `${randomBytes(16).toString('hex')}\n`, { mode: 0o444 });
  writeFileSync(paths.consoleLog, '');
  if (!isMountPoint(paths.root)) {
    await mountOverlay({ lower: opts.image, upper: paths.upper, work: paths.work, target: paths.root });
  }
  return { node, paths, hostKey };
}

/** Boots a prepared node detached under systemd-nspawn and records its PID (in the node dir at once, so a crash cannot lose it). */
export function bootNode(prepared: PreparedNode): LabNode {
  const { node, paths } = prepared;
  const args = [
    '-q',
    '-D',
    paths.root,
    '--boot',
    '--register=no',
    '--keep-unit',
    '-M',
    node.machine,
    '--capability=CAP_NET_ADMIN',
    // runc needs these for containers (session keyring, device cgroup program); nspawn's seccomp filter refuses them.
    '--system-call-filter=add_key keyctl request_key bpf',
    `--bind=${paths.libContainerd}:/var/lib/containerd`,
    `--bind=${paths.libDocker}:/var/lib/docker`,
    // With a writable /proc/sys/net (below) nspawn no longer shows /sys/module; bring it back read-only
    // so built-in kernel modules (overlay, br_netfilter) are visible as on a real node.
    '--bind-ro=/sys/module',
  ];
  // Containers in the node need cgroup controllers (cpu, memory, pids, ...); see controllers.ts.
  const controllers = nodeControllers(node.machine);
  args.push(...controllers.nspawnArgs);
  // The shell joins the node's own cgroups, then runs nspawn (see NSPAWN_LOOP: a reboot restarts it).
  const script = `${joinCgroupsScript([...createNodeCgroups(node.machine), ...controllers.join])} ${NSPAWN_LOOP}`;
  const pid = spawnDetached({
    program: '/bin/sh',
    args: ['-c', script, 'sh', ...args],
    logFile: paths.consoleLog,
    // Nodes share the host's network namespace, where nspawn keeps /proc/sys read-only; "network" makes
    // /proc/sys/net writable so net.* sysctls can be set as on a real node (they are the host's own).
    env: { ...controllers.env, SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network' },
  });
  writeFileSync(paths.pidFile, `${pid}\n`);
  return { ...node, pid };
}

/**
 * Runs nspawn again when the container asks for a reboot: nspawn then exits with status 133 (as
 * systemd-nspawn@.service's RestartForceExitStatus=133 does), so `reboot` in a node brings it back with
 * the same overlay, cgroups and address. Any other exit ends the node. The shell stays the node's PID
 * and passes SIGTERM/SIGINT on to nspawn, which powers the container off (destroyNode).
 */
const NSPAWN_LOOP = [
  'trap \'kill -TERM "$c" 2>/dev/null\' TERM INT;',
  'while :; do systemd-nspawn "$@" & c=$!;',
  'wait "$c"; r=$?;',
  // a trapped signal ends `wait` early (status > 128) while nspawn still shuts the container down
  'while [ "$r" -gt 128 ] && kill -0 "$c" 2>/dev/null; do wait "$c"; r=$?; done;',
  '[ "$r" -eq 133 ] || exit "$r"; done',
].join(' ');

/** How long a live PID may show another program's argv before waitForSsh gives up on it. */
const STRANGER_GRACE_MS = 5000;

/** Waits until the node's sshd greets with an SSH-2.0 banner; fails early if its nspawn exits. */
export async function waitForSsh(node: LabNode, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Just after spawn the PID can still carry the parent's argv (between fork and exec), so a live PID
  // that is not yet nspawn counts as exited only if it stays that way.
  let strangerSince: number | undefined;
  while (Date.now() < deadline) {
    const alive = isAlive(node.pid);
    const ours = alive && isNodeProcess(node);
    strangerSince = alive && !ours ? (strangerSince ?? Date.now()) : undefined;
    if (!alive || (strangerSince !== undefined && Date.now() - strangerSince > STRANGER_GRACE_MS)) {
      const what = alive
        ? `PID ${node.pid} runs '${(processArgs(node.pid) ?? []).join(' ').slice(0, 120)}', not its nspawn`
        : `PID ${node.pid} is gone`;
      throw new LabError(
        `node ${node.name} (${node.machine}) exited during boot (${what}); see ${consoleLogOf(node)}\n${tail(consoleLogOf(node))}`,
      );
    }
    if (!ours) {
      await sleep(100);
      continue;
    }
    if (await readSshBanner(node.address, 2000)) return;
    await sleep(250);
  }
  throw new LabError(
    `node ${node.name} (${node.address}): sshd did not answer within ${timeoutMs / 1000}s; see ${consoleLogOf(node)}\n${tail(consoleLogOf(node))}`,
  );
}

/** True when node.pid is alive and is really this node's systemd-nspawn (guards against PID reuse). */
export function isNodeProcess(node: LabNode): boolean {
  if (!isAlive(node.pid)) return false;
  const args = processArgs(node.pid);
  if (args === undefined) return false;
  const at = args.indexOf('-D');
  // The PID is the sh that runs nspawn (NSPAWN_LOOP), or nspawn itself in a lab booted before it.
  const nspawn = args.some((a) => a.endsWith('systemd-nspawn') || a.includes('systemd-nspawn "$@"'));
  return at > 0 && nspawn && args[at + 1] === node.root;
}

/** Stops a node by its recorded PID (SIGTERM powers the container off; SIGKILL after graceMs), then unmounts and removes its directory. */
export async function destroyNode(opts: { lab: string; node: LabNode; graceMs: number }): Promise<void> {
  const { node } = opts;
  const paths = nodePaths(opts.lab, node.name);
  const pid = node.pid > 0 ? node.pid : pidFromFile(paths.pidFile);
  const live = { ...node, pid };
  if (isNodeProcess(live)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + opts.graceMs;
    while (isNodeProcess(live) && Date.now() < deadline) await sleep(200);
    if (isNodeProcess(live)) {
      process.kill(pid, 'SIGKILL');
      while (isNodeProcess(live)) await sleep(100);
    }
  }
  if (node.machine !== '') {
    // A container whose nspawn was SIGKILLed (here or by a crash) keeps running; its cgroup still holds it.
    if (!(await killNodeCgroups(node.machine, opts.graceMs))) {
      throw new LabError(`processes of node ${node.name} survive in cgroup fleetplay/${node.machine}`);
    }
    removeNodeCgroups(node.machine);
  }
  await unmountUnder(paths.dir);
  // Never remove a tree that still has something mounted in it.
  if (mountsUnder(paths.dir).length > 0) throw new LabError(`mounts remain under ${paths.dir}`);
  if (existsSync(paths.dir)) rmSync(paths.dir, { recursive: true, force: true });
}

function pidFromFile(file: string): number {
  try {
    return Number.parseInt(readFileSync(file, 'utf8').trim(), 10) || 0;
  } catch {
    return 0;
  }
}

function consoleLogOf(node: LabNode): string {
  return join(node.root, '..', 'console.log');
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
