// How a lab node gets cgroup controllers (cpu, memory, pids, ...), without which runc cannot run containers
// in it: runc writes cpu.weight / cpu.shares, memory and pids limits into every container cgroup it creates,
// and `ctr run` failed with "openat2 /sys/fs/cgroup/default/t1/cpu.weight: no such file or directory".
//
// All-v2 host (/sys/fs/cgroup is cgroup2): a controller reaches the node only when it is enabled in
// cgroup.subtree_control of every cgroup from the root down: root -> fleetplay -> fp-<lab>-<k> (nspawn does
// that last one for its payload) -> the node's systemd, which delegates on (containerd.service has Delegate=yes).
// The lab enables every controller of the root in the first two, and the node runs cgroup v2 as before.
//
// Hybrid host (v1 controller hierarchies under /sys/fs/cgroup, v2 at /sys/fs/cgroup/unified), as on the
// machines this project runs on: every controller is bound to its v1 hierarchy and v2 has none (only
// hugetlb), so no v2 setting can give a node a cpu controller. The kernel moves a controller to v2 only when
// its v1 hierarchy is unmounted and unused, and PID 1 (not systemd) holds them (umount: EBUSY); they are the
// host's, not the lab's. So nodes get cgroup v1 controllers instead: a writable subtree of each host hierarchy,
// fleetplay/<machine>, which nspawn would otherwise mount read-only (it does so unless it runs a user
// namespace). The lab binds each subtree where the node expects the hierarchy (/sys/fs/cgroup/<name>, over a
// tmpfs of its own; nspawn leaves a hierarchy that is already mounted alone), starts nspawn inside all of them
// (the node's cgroup namespace then starts at its subtree), and lets nspawn pick its hybrid layout. The node's
// systemd, runc (cgroupfs driver) and runc's systemd driver then create their cgroups in every controller.
// Each subtree sits below the cgroup the booting process is in (memory: the host supervisor's per-session
// cgroup; accounting is hierarchical), so a node never leaves the host's own bookkeeping.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What bootNode adds for a node's controllers: cgroups its nspawn joins, nspawn options and environment. */
export interface NodeControllers {
  join: string[];
  nspawnArgs: string[];
  env: Record<string, string>;
}

/** One v1 controller hierarchy mounted on the host: its mount point and controllers. */
interface V1Hierarchy {
  point: string;
  controllers: string[];
}

/** Prepares the node's controllers on this host (v1 subtrees on a hybrid host, v2 delegation otherwise). */
export function nodeControllers(machine: string): NodeControllers {
  const v1 = v1Hierarchies();
  if (v1.length === 0) {
    delegateV2Controllers();
    // The node gets a cgroup v2 tree of its own (its payload cgroup).
    return { join: [], nspawnArgs: [], env: { SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' } };
  }
  const subtrees = v1.map((h) => ({ name: basename(h.point), dir: createSubtree(h, machine) }));
  return {
    join: subtrees.map((s) => s.dir),
    nspawnArgs: ['--tmpfs=/sys/fs/cgroup:mode=755', ...subtrees.map((s) => `--bind=${s.dir}:/sys/fs/cgroup/${s.name}`)],
    env: {},
  };
}

/** Removes the node's v1 controller subtrees after it stopped (deepest first; one still in use is left). */
export function removeV1NodeCgroups(machine: string): void {
  for (const h of v1Hierarchies()) {
    // Below this process's own cgroup, or (a node booted from another cgroup) wherever a fleetplay/ sits near the top.
    const bases = new Set([join(h.point, ownCgroup(h.controllers), 'fleetplay'), ...fleetplayDirs(h.point, 3)]);
    for (const base of bases) removeTree(join(base, machine));
  }
}

/** Enables every controller of the host's v2 root in the subtree_control of the root and of fleetplay/ (all-v2 hosts). */
export function delegateV2Controllers(): string[] {
  const root = '/sys/fs/cgroup';
  if (!existsSync(join(root, 'cgroup.controllers'))) return [];
  const base = join(root, 'fleetplay');
  mkdirSync(base, { recursive: true });
  enableControllers(root);
  return enableControllers(base);
}

// The host's v1 controller hierarchies under /sys/fs/cgroup (named ones such as name=systemd left out).
function v1Hierarchies(): V1Hierarchy[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => {
      const [pre, post] = line.split(' - ');
      const [fstype, , superOptions] = (post ?? '').split(' ');
      const point = (pre ?? '').split(' ')[4];
      if (fstype !== 'cgroup' || point === undefined || superOptions === undefined || !point.startsWith('/sys/fs/cgroup/'))
        return undefined;
      const controllers = superOptions.split(',').filter((o) => o !== 'rw' && o !== 'ro' && !o.includes('='));
      return controllers.length > 0 ? { point, controllers } : undefined;
    })
    .filter((m): m is V1Hierarchy => m !== undefined);
}

// <hierarchy>/<this process's cgroup there>/fleetplay/<machine>; a new cpuset cgroup gets its parent's CPUs and
// memory nodes (it starts with none, and nothing could run in it).
function createSubtree(h: V1Hierarchy, machine: string): string {
  let dir = join(h.point, ownCgroup(h.controllers));
  for (const part of ['fleetplay', machine]) {
    const parent = dir;
    dir = join(dir, part);
    mkdirSync(dir, { recursive: true });
    if (!h.controllers.includes('cpuset')) continue;
    for (const f of ['cpuset.cpus', 'cpuset.mems']) {
      if (readFileSync(join(dir, f), 'utf8').trim() === '') writeFileSync(join(dir, f), readFileSync(join(parent, f), 'utf8'));
    }
  }
  return dir;
}

// This process's cgroup path in the v1 hierarchy of these controllers, from /proc/self/cgroup.
function ownCgroup(controllers: string[]): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, names, path] = line.split(':');
    if (names !== undefined && path !== undefined && names.split(',').some((n) => controllers.includes(n))) return path;
  }
  return '/';
}

// Directories named fleetplay at most `depth` levels below dir (nodes booted from different cgroups).
function fleetplayDirs(dir: string, depth: number): string[] {
  if (depth < 0 || !existsSync(dir)) return [];
  const subs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return subs.flatMap((e) => (e.name === 'fleetplay' ? [join(dir, e.name)] : fleetplayDirs(join(dir, e.name), depth - 1)));
}

function enableControllers(dir: string): string[] {
  for (const c of words(join(dir, 'cgroup.controllers'))) {
    try {
      // One at a time: a controller the kernel refuses (e.g. cpu while real-time tasks run outside the root) must not block the others.
      writeFileSync(join(dir, 'cgroup.subtree_control'), `+${c}`);
    } catch {
      // Left out; runc and systemd use whatever is enabled.
    }
  }
  return words(join(dir, 'cgroup.subtree_control'));
}

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeTree(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    // EBUSY: something still lives there; an empty cgroup left behind is harmless.
  }
}

function words(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}
