// cgroup v2 controllers for lab nodes, so that runc can run containers inside them. A node runs its own
// systemd on a cgroup v2 tree (its nspawn "payload" cgroup); runc writes cpu.weight, pids.max, ... into the
// container cgroups it creates there, and fails ("openat2 .../cpu.weight: no such file or directory") for
// each controller that does not reach the node. A controller reaches it only when it is enabled in
// cgroup.subtree_control of every cgroup from the v2 root down: root -> fleetplay -> fp-<lab>-<k> (nspawn
// enables it there for its payload) -> the node's own systemd, which delegates on to containerd.service and
// docker's scopes (Delegate=yes). The lab enables every controller the host's v2 root has in the first two.
//
// What the root has depends on the host. On a hybrid host (v1 hierarchies under /sys/fs/cgroup, v2 at
// /sys/fs/cgroup/unified) a controller is in v2 only if no v1 hierarchy holds it; the kernel moves it only
// when its v1 hierarchy is unmounted with no child cgroups and nothing holding it. On the machines this
// project runs on, PID 1 (not systemd) mounts cpu, cpuset, blkio, pids and memory as v1 hierarchies and
// holds them (umount: EBUSY), so only hugetlb is in v2: the lab cannot free them, and must not try (they are
// the host's). Nodes there get no cpu controller, and a container that asks for CPU shares cannot start:
// ctr run asks for --cpu-shares 1024 unless told 0 (docker asks for none by default).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The host's cgroup v2 root: /sys/fs/cgroup on an all-v2 host, /sys/fs/cgroup/unified on a hybrid one; undefined on v1 only. */
export function v2Root(): string | undefined {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return '/sys/fs/cgroup';
  return existsSync('/sys/fs/cgroup/unified/cgroup.controllers') ? '/sys/fs/cgroup/unified' : undefined;
}

/** Enables every controller of the host's v2 root in the root's and fleetplay/'s subtree_control (idempotent); returns fleetplay's. */
export function delegateControllers(): string[] {
  const root = v2Root();
  if (root === undefined) return [];
  const base = join(root, 'fleetplay');
  mkdirSync(base, { recursive: true });
  enableControllers(root);
  return enableControllers(base);
}

/** Enables in dir's cgroup.subtree_control each controller its cgroup.controllers lists; returns what is enabled after. */
export function enableControllers(dir: string): string[] {
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

function words(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}
