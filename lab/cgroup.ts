// Per-node cgroups on the host. systemd-nspawn puts the container in "<its own cgroup>/payload"; nodes
// started from the same cgroup would share one payload tree, so one node's systemd could stop (kill)
// another node's units. Each node's nspawn is therefore started inside its own fleetplay/<machine> cgroup.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeV1NodeCgroups } from './controllers.ts';
import { sleep } from './process.ts';

/** Host cgroup hierarchies that track processes by path (v2, and v1's name=systemd on hybrid hosts). */
function trackingHierarchies(): string[] {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return ['/sys/fs/cgroup'];
  return ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'].filter((d) => existsSync(join(d, 'cgroup.procs')));
}

/** Creates the node's own cgroup in every tracking hierarchy and returns their directories. */
export function createNodeCgroups(machine: string): string[] {
  const dirs = trackingHierarchies().map((h) => join(h, 'fleetplay', machine));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  return dirs;
}

/** A POSIX sh prologue that moves the shell itself into the given cgroups (then the caller execs nspawn). */
export function joinCgroupsScript(dirs: string[]): string {
  return dirs.map((d) => `echo $$ > '${join(d, 'cgroup.procs')}' || exit 1;`).join(' ');
}

/** Machine names that have a fleetplay cgroup on this host. */
export function machinesWithCgroups(): string[] {
  const names = new Set<string>();
  for (const h of trackingHierarchies()) {
    const base = join(h, 'fleetplay');
    if (!existsSync(base)) continue;
    for (const e of readdirSync(base, { withFileTypes: true })) if (e.isDirectory()) names.add(e.name);
  }
  return [...names];
}

/** Kills every process left in the node's cgroups (the container outlives a SIGKILLed nspawn) and waits until they are empty. */
export async function killNodeCgroups(machine: string, timeoutMs: number): Promise<boolean> {
  const dirs = trackingHierarchies()
    .map((h) => join(h, 'fleetplay', machine))
    .filter((d) => existsSync(d));
  const deadline = Date.now() + timeoutMs;
  while (dirs.some(populated)) {
    if (Date.now() > deadline) return false;
    for (const d of dirs) {
      // cgroup.kill (v2, Linux 5.14+) kills the whole subtree at once; otherwise signal each member.
      if (existsSync(join(d, 'cgroup.kill'))) writeFileSync(join(d, 'cgroup.kill'), '1');
      else for (const pid of members(d)) killQuietly(pid);
    }
    await sleep(100);
  }
  return true;
}

/** Removes the node's cgroups after it stopped (deepest first; a cgroup that still has processes is left). */
export function removeNodeCgroups(machine: string): void {
  for (const h of trackingHierarchies()) removeTree(join(h, 'fleetplay', machine));
  // Its controller subtrees hold no process once the tracking cgroups are empty (see controllers.ts).
  removeV1NodeCgroups(machine);
}

function populated(dir: string): boolean {
  const events = join(dir, 'cgroup.events');
  if (existsSync(events)) return /^populated 1$/m.test(readFileSync(events, 'utf8'));
  return members(dir).length > 0;
}

function members(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const own = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  const sub = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return [...own, ...sub.flatMap((e) => members(join(dir, e.name)))];
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) removeTree(join(dir, e.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // EBUSY: something still lives there; leaving an empty-ish cgroup behind is harmless.
  }
}
