// Bringing a whole lab up and down, and reporting on it.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureArtifacts } from './artifacts/build.ts';
import { ensureArtifactServer, stopArtifactServer } from './artifacts/server.ts';
import { machinesWithCgroups } from './cgroup.ts';
import { ensureImage } from './image.ts';
import { ensureLabKey, labPublicKey } from './keys.ts';
import { withLock } from './lock.ts';
import { mountsUnder, unmountUnder } from './mounts.ts';
import { isWildcard, readSshBanner, sshListeners } from './net.ts';
import { bootNode, destroyNode, isNodeProcess, prepareNode, waitForSsh } from './node.ts';
import {
  DEFAULT_LAB_NAME,
  AFTER_RESERVED_INDEX,
  FIRST_RESERVED_INDEX,
  LAST_INDEX,
  LABS_LOCK_FILE,
  checkLabName,
  hostName,
  labDir,
  machineForHost,
  machineName,
  nodeAddress,
  nodePaths,
} from './paths.ts';
import { labNames, newState, readState, renderInventory, renderKnownHosts, stateFile, writeAtomic, writeState } from './state.ts';
import { LabError, type LabImage, type LabLog, type LabNode, type LabState } from './types.ts';

/** Options of labUp; every field has a default. */
export interface LabUpOptions {
  /** Number of nodes; default 3. */
  nodes?: number;
  /** Image to boot; default 'legacy'. */
  image?: LabImage;
  /** Lab name; default 'kube' (hosts node1..N); other labs name hosts <name>-<k>. */
  name?: string;
  /** Address index of the first node (127.0.1.<first>); default 1. */
  first?: number;
  /** Progress lines. */
  log?: LabLog;
}

/** How long to wait for every node's sshd. */
const BOOT_TIMEOUT_MS = 120_000;
/** How long a node gets to power off after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 20_000;
/** Lab operations of other processes are short (boot, stop); wait this long for them. */
const LABS_LOCK_WAIT_MS = 10 * 60_000;

/** Boots a lab (idempotent when the same lab is already up) and returns its state. */
export async function labUp(opts: LabUpOptions = {}): Promise<LabState> {
  const name = opts.name ?? DEFAULT_LAB_NAME;
  const count = opts.nodes ?? 3;
  const image = opts.image ?? 'legacy';
  const first = opts.first ?? 1;
  const log = opts.log ?? (() => undefined);
  checkLabName(name);
  if (!Number.isInteger(count) || count < 1) throw new LabError(`nodes must be a positive integer, got ${count}`);
  if (!Number.isInteger(first) || first < 1) throw new LabError(`first must be a positive integer, got ${first}`);
  const last = first + count - 1;
  if (last >= FIRST_RESERVED_INDEX && first < AFTER_RESERVED_INDEX) {
    throw new LabError(
      `addresses ${nodeAddress(first)}-${nodeAddress(last)} reach ${nodeAddress(FIRST_RESERVED_INDEX)}-${nodeAddress(AFTER_RESERVED_INDEX - 1)}, which are reserved for "nothing listens" tests; start at ${AFTER_RESERVED_INDEX} (${nodeAddress(AFTER_RESERVED_INDEX)}) for larger labs`,
    );
  }
  if (last > LAST_INDEX) throw new LabError(`addresses beyond ${nodeAddress(LAST_INDEX)}: ${count} nodes from index ${first} are too many`);
  const [imagePath, artifacts] = await Promise.all([ensureImage(image, log), ensureArtifacts(log)]);
  return withLock(LABS_LOCK_FILE, LABS_LOCK_WAIT_MS, async () => {
    // Under the lock, so parallel first runs do not both generate (and overwrite) the key.
    await ensureLabKey();
    // Also under the lock: labDown stops the shared server when it takes down the last lab.
    await ensureArtifactServer(artifacts.dir, log);
    const existing = readState(name);
    if (existing && (await isSameAndHealthy(existing, { image, count, first }))) {
      log(`lab ${name} is already up (${count} ${image} nodes)`);
      return existing;
    }
    const nodes = planNodes(name, first, count);
    checkCollisions(name, nodes);
    if (existing || existsSync(labDir(name))) await takeDown(name, log);
    checkHostListeners(nodes);
    raiseInotifyLimits();
    const state = newState({ name, image, nodes });
    mkdirSync(state.dir, { recursive: true });
    // Recorded before anything is mounted or started, so a crash can always be cleaned up.
    writeState(state);
    try {
      return await boot(state, imagePath, log);
    } catch (e) {
      const kept = keepConsoleLogs(state);
      await takeDown(name, log);
      await stopArtifactServerIfUnused(log);
      throw new LabError(`${(e as Error).message}\n(console logs kept in ${kept})`);
    }
  });
}

/** Stops every node of a lab, unmounts and removes its files; safe when nothing is up or a previous run crashed. */
export async function labDown(opts: { name?: string; log?: LabLog } = {}): Promise<void> {
  const name = opts.name ?? DEFAULT_LAB_NAME;
  checkLabName(name);
  const log = opts.log ?? (() => undefined);
  await withLock(LABS_LOCK_FILE, LABS_LOCK_WAIT_MS, async () => {
    await takeDown(name, log);
    await stopArtifactServerIfUnused(log);
  });
}

/** The recorded state of a lab with, per node, whether its nspawn is running; undefined when the lab is not up. */
export async function labStatus(opts: { name?: string } = {}): Promise<(LabState & { running: boolean[] }) | undefined> {
  const name = opts.name ?? DEFAULT_LAB_NAME;
  checkLabName(name);
  const state = readState(name);
  if (!state) return undefined;
  return { ...state, running: state.nodes.map(isNodeProcess) };
}

async function boot(state: LabState, imagePath: string, log: LabLog): Promise<LabState> {
  const started = Date.now();
  const authorizedKey = labPublicKey();
  const prepared = await Promise.all(state.nodes.map((node) => prepareNode({ lab: state.name, node, image: imagePath, authorizedKey })));
  state.nodes = prepared.map(bootNode);
  writeState(state);
  log(`booting ${state.nodes.length} ${state.image} nodes of lab ${state.name}`);
  await Promise.all(state.nodes.map((n) => waitForSsh(n, BOOT_TIMEOUT_MS)));
  writeAtomic(state.knownHostsFile, renderKnownHosts(prepared.map((p) => ({ address: p.node.address, hostKey: p.hostKey }))));
  writeAtomic(state.inventoryFile, renderInventory(state));
  rmSync(join(state.dir, 'failed'), { recursive: true, force: true });
  log(`lab ${state.name} up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${state.inventoryFile}`);
  return state;
}

async function takeDown(name: string, log: LabLog): Promise<void> {
  const dir = labDir(name);
  const state = readState(name);
  const known = new Map<string, LabNode>((state?.nodes ?? []).map((n) => [n.name, n]));
  // Node directories missing from state.json (a crash mid-write) are still cleaned up by their pid file.
  const nodesDir = join(dir, 'nodes');
  if (existsSync(nodesDir)) {
    for (const host of readdirSync(nodesDir)) {
      if (!known.has(host)) {
        known.set(host, { name: host, address: '', machine: machineForHost(name, host), pid: 0, root: nodePaths(name, host).root });
      }
    }
  }
  // Containers left running with no files at all are still found by their cgroup (fp-<lab>-<k>).
  const machines = new Set([...known.values()].map((n) => n.machine));
  for (const machine of machinesWithCgroups()) {
    if (new RegExp(`^fp-${name}-\\d+$`).test(machine) && !machines.has(machine)) {
      known.set(machine, { name: machine, address: '', machine, pid: 0, root: join(nodesDir, machine, 'root') });
    }
  }
  if (known.size > 0) log(`stopping lab ${name} (${known.size} nodes)`);
  await Promise.all([...known.values()].map((node) => destroyNode({ lab: name, node, graceMs: STOP_GRACE_MS })));
  await unmountUnder(dir);
  if (mountsUnder(dir).length > 0) throw new LabError(`mounts remain under ${dir}`);
  for (const f of [stateFile(name), join(dir, 'inventory.ini'), join(dir, 'known_hosts')]) rmSync(f, { force: true });
  rmSync(nodesDir, { recursive: true, force: true });
  if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}

// One artifact server serves every lab; it stays up while any lab has a recorded state.
async function stopArtifactServerIfUnused(log: LabLog): Promise<void> {
  if (!labNames().some((other) => readState(other) !== undefined)) await stopArtifactServer(log);
}

async function isSameAndHealthy(state: LabState, want: { image: LabImage; count: number; first: number }): Promise<boolean> {
  const firstNode = state.nodes[0];
  if (state.image !== want.image || state.nodes.length !== want.count) return false;
  if (!firstNode || firstNode.address !== nodeAddress(want.first)) return false;
  if (!state.nodes.every(isNodeProcess)) return false;
  const answers = await Promise.all(state.nodes.map((n) => readSshBanner(n.address, 5000)));
  return answers.every(Boolean);
}

function planNodes(name: string, first: number, count: number): LabNode[] {
  return Array.from({ length: count }, (_, i) => {
    const k = i + 1;
    const host = hostName(name, k);
    return { name: host, address: nodeAddress(first + i), machine: machineName(name, k), pid: 0, root: nodePaths(name, host).root };
  });
}

function checkCollisions(name: string, nodes: LabNode[]): void {
  const wanted = new Set(nodes.map((n) => n.address));
  for (const other of labNames()) {
    if (other === name) continue;
    const state = readState(other);
    if (!state) continue;
    const clash = state.nodes.filter((n) => wanted.has(n.address) && isNodeProcess(n)).map((n) => n.address);
    if (clash.length > 0) {
      throw new LabError(
        `lab '${name}' would use ${clash.join(', ')}, already taken by running lab '${other}'; pick another 'first' or run labDown({ name: '${other}' })`,
      );
    }
  }
}

function checkHostListeners(nodes: LabNode[]): void {
  const listeners = sshListeners();
  const wildcard = listeners.find(isWildcard);
  if (wildcard) {
    const where = wildcard.family === 4 ? '0.0.0.0:22' : '[::]:22';
    throw new LabError(
      `something on the host (probably sshd) listens on ${where}, so lab nodes cannot bind 127.0.1.x:22. Stop it, or make it listen on specific addresses (e.g. ListenAddress 127.0.0.1); the lab does not touch it.`,
    );
  }
  const taken = nodes.filter((n) => listeners.some((l) => l.address === n.address));
  if (taken.length > 0) {
    throw new LabError(
      `port 22 is already in use on ${taken.map((n) => n.address).join(', ')} (a leftover lab node outside any state.json?)`,
    );
  }
}

// Every node's systemd uses inotify; the defaults run out after about 20 nodes.
function raiseInotifyLimits(): void {
  const limits: Array<[string, number]> = [
    ['/proc/sys/fs/inotify/max_user_instances', 8192],
    ['/proc/sys/fs/inotify/max_user_watches', 1048576],
  ];
  for (const [file, want] of limits) {
    const now = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (now < want) writeFileSync(file, String(want));
  }
}

function keepConsoleLogs(state: LabState): string {
  const kept = join(state.dir, 'failed');
  mkdirSync(kept, { recursive: true });
  for (const node of state.nodes) {
    const log = nodePaths(state.name, node.name).consoleLog;
    if (existsSync(log)) cpSync(log, join(kept, `${node.name}.console.log`));
  }
  return kept;
}
