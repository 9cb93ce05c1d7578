// The check-mode plan summary (engine/output/plan.ts): one readable line per group of hosts.
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../engine/output/plan.ts';
import type { RecapCounters, RunReport, TaskResult } from '../../engine/types.ts';

const HEADING = '\nPLAN (what the real run would do)\n';

/** A result that defaults to a changed task of one play. */
function result(fields: Pick<TaskResult, 'host' | 'module' | 'msg'> & Partial<TaskResult>): TaskResult {
  return { play: 'Migrate from Docker to containerd', task: 'some task', status: 'changed', durationMs: 3, ...fields };
}

function counters(): RecapCounters {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, unknown: 0 };
}

/** A check-run report for `hosts` (in recap order) with these results. */
function report(hosts: string[], results: TaskResult[]): RunReport {
  return {
    playbook: 'playbooks/containerd.yml',
    check: true,
    startedAt: '2024-05-01T10:00:00.000Z',
    durationMs: 1200,
    recap: Object.fromEntries(hosts.map((h) => [h, counters()])),
    results,
    interrupted: false,
    notRun: [],
    incomplete: [],
    pendingHandlers: {},
  };
}

/** What the first containerd migration would plan on one legacy node (check-mode messages). */
function migration(host: string): TaskResult[] {
  return [
    result({ host, module: 'command', status: 'ok', msg: 'docker.io=install ok installed' }),
    result({ host, module: 'systemd', msg: 'kubelet.service: stop' }),
    result({ host, module: 'systemd', msg: 'docker.socket: stop' }),
    result({ host, module: 'apt', msg: 'remove 3 packages: docker.io, containerd, runc' }),
    result({ host, module: 'file', msg: 'create directory /var/cache/fleetplay/downloads' }),
    result({ host, module: 'get_url', msg: 'download https://example.com/containerd.tar.gz to /var/cache/fleetplay/downloads/containerd.tar.gz' }),
    result({ host, module: 'unarchive', msg: 'extract 12 files into /usr/local' }),
    result({ host, module: 'systemd', msg: 'containerd.service: unmask, daemon-reload' }),
    result({ host, module: 'template', msg: 'write /usr/local/lib/systemd/system/containerd.service' }),
    result({ host, module: 'modprobe', msg: 'load overlay', item: 'overlay' }),
    result({ host, module: 'modprobe', msg: 'load br_netfilter', item: 'br_netfilter' }),
    result({ host, module: 'sysctl', msg: 'set net.ipv4.ip_forward = 1', item: 'net.ipv4.ip_forward' }),
    result({ host, module: 'file', msg: 'create directory /etc/containerd' }),
    result({ host, module: 'template', msg: 'write /etc/containerd/config.toml' }),
    result({ host, module: 'template', msg: 'write /etc/crictl.yaml' }),
    result({ host, module: 'systemd', msg: 'containerd.service: enable, daemon-reload, start' }),
    result({ host, module: 'command', status: 'skipped', msg: 'skipped: not ansible_check_mode' }),
    result({ host, module: 'systemd', msg: 'containerd.service: restart', handler: true, task: 'restart containerd' }),
  ];
}

describe('formatPlan', () => {
  it('lists one host\'s changes as counted phrases, unit transitions and handler restarts', () => {
    expect(formatPlan(report(['node1'], migration('node1')))).toBe(
      `${HEADING}  node1: 16 changes: remove 3 packages, create 2 directories, download 1 file, extract 1 archive, ` +
        'write 3 files, load/persist 2 kernel modules, set 1 sysctl, stop kubelet, stop docker.socket, ' +
        'unmask+enable+start containerd, restart containerd (handler)\n',
    );
  });

  it('groups hosts with the same plan on one line, in recap order', () => {
    const results = [
      ...migration('node1'),
      ...migration('node3'),
      result({ host: 'node2', module: 'copy', msg: 'write /etc/motd' }),
      result({ host: 'node4', module: 'copy', msg: 'write /etc/motd' }),
    ];
    const lines = formatPlan(report(['node1', 'node2', 'node3', 'node4'], results)).split('\n');
    expect(lines.slice(2, -1).map((l) => l.replace(/: \d+ changes: .*/, ': <migration>'))).toEqual([
      '  node1, node3: <migration>',
      '  node2, node4: 1 change: write 1 file',
    ]);
  });

  it('shortens a large group to its first two hosts, its last host and the count', () => {
    const hosts = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    const results = hosts.map((host) => result({ host, module: 'apt', msg: 'upgrade 1 package: containerd' }));
    expect(formatPlan(report(hosts, results))).toBe(`${HEADING}  k1, k2 … k6 (6 hosts): 1 change: upgrade 1 package\n`);
  });

  it('keeps up to four hosts in full', () => {
    const hosts = ['a', 'b', 'c', 'd'];
    expect(formatPlan(report(hosts, []))).toBe(`${HEADING}  a, b, c, d: no changes\n`);
  });

  it('shows hosts whose tasks were all ok or skipped as having no changes', () => {
    const results = [
      result({ host: 'node1', module: 'apt', status: 'ok', msg: 'docker.io, containerd, runc are already absent' }),
      result({ host: 'node1', module: 'command', status: 'skipped', msg: 'skipped' }),
      result({ host: 'node2', module: 'sysctl', msg: 'set net.ipv4.ip_forward = 1' }),
    ];
    expect(formatPlan(report(['node1', 'node2'], results))).toBe(`${HEADING}  node1: no changes\n  node2: 1 change: set 1 sysctl\n`);
  });

  it('counts unknown outcomes apart from changes', () => {
    const results = [
      result({ host: 'node1', module: 'template', msg: 'write /etc/containerd/config.toml' }),
      result({ host: 'node1', module: 'systemd', status: 'unknown', msg: 'containerd.service does not exist and ...' }),
      result({ host: 'node1', module: 'systemd', status: 'unknown', msg: 'depends on docker_era' }),
      result({ host: 'node2', module: 'systemd', status: 'unknown', msg: 'depends on docker_era' }),
    ];
    expect(formatPlan(report(['node1', 'node2'], results))).toBe(`${HEADING}  node1: 1 change: write 1 file, 2 unknown\n  node2: 0 changes: 1 unknown\n`);
  });

  it('reads apt plans: counts per verb, the cache update, and changes it cannot parse', () => {
    const results = [
      result({ host: 'h', module: 'apt', msg: 'update the apt cache (last updated 3 days ago); install 2 packages: curl, jq; remove 1 package: nano' }),
      result({ host: 'h', module: 'apt', msg: 'purge 4 packages: a, b, c, d' }),
      result({ host: 'h', module: 'apt', msg: 'install 1 package: vim' }),
      result({ host: 'h', module: 'apt', msg: 'then install foo (not in the current cache; the result names what was installed)' }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(
      `${HEADING}  h: 4 changes: install 3 packages, remove 1 package, update the apt cache, purge 4 packages, 1 apt change\n`,
    );
  });

  it('normalizes past-tense apt messages of tasks that really ran (check_mode: false)', () => {
    const results = [
      result({ host: 'h', module: 'apt', msg: 'updated the apt cache; removed 2 packages: a, b' }),
      result({ host: 'h', module: 'apt', msg: 'upgraded 1 package: c; purged 1 package: d' }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(`${HEADING}  h: 2 changes: remove 2 packages, update the apt cache, upgrade 1 package, purge 1 package\n`);
  });

  it('normalizes "installed 2 packages" to "install 2 packages"', () => {
    const results = [result({ host: 'h', module: 'apt', msg: 'installed 2 packages: x, y' })];
    expect(formatPlan(report(['h'], results))).toBe(`${HEADING}  h: 1 change: install 2 packages\n`);
  });

  it('merges the steps of one unit across tasks and keeps handler runs apart', () => {
    const results = [
      result({ host: 'h', module: 'systemd', msg: 'containerd.service: unmask (runtime), unmask, daemon-reload' }),
      result({ host: 'h', module: 'systemd', msg: 'containerd.service: enable, daemon-reload, start' }),
      result({ host: 'h', module: 'systemd', msg: 'containerd.service: start' }),
      result({ host: 'h', module: 'systemd', msg: 'nginx.service: reload' }),
      result({ host: 'h', module: 'systemd', msg: 'containerd.service: restart', handler: true }),
      result({ host: 'h', module: 'systemd', msg: 'containerd.service: restart', handler: true }),
      result({ host: 'h', module: 'systemd', msg: 'daemon-reload (containerd.service changed on disk)' }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(
      `${HEADING}  h: 7 changes: 1 service change, unmask+enable+start containerd, reload nginx, restart containerd (handler)\n`,
    );
  });

  it('does not show a past-tense daemon-reload ("reloaded systemd") as a unit reload', () => {
    const results = [
      result({ host: 'h', module: 'systemd', msg: 'containerd.service: enabled, reloaded systemd, started' }),
      result({ host: 'h', module: 'systemd', msg: 'kubelet.service: daemon-reload' }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(`${HEADING}  h: 2 changes: enable+start containerd, daemon-reload for kubelet\n`);
  });

  it('names paths, downloads, archives, commands and other modules', () => {
    const results = [
      result({ host: 'h', module: 'file', msg: 'link /usr/bin/ctr -> /usr/local/bin/ctr' }),
      result({ host: 'h', module: 'file', msg: 'remove /etc/docker/daemon.json (file)' }),
      result({ host: 'h', module: 'file', msg: 'touch /var/run/x' }),
      result({ host: 'h', module: 'lineinfile', msg: 'add a line to /etc/fstab' }),
      result({ host: 'h', module: 'replace', msg: 'replace 2 occurrences in /etc/hosts' }),
      result({ host: 'h', module: 'copy', msg: 'write /etc/motd' }),
      result({ host: 'h', module: 'get_url', msg: 'download runc' }),
      result({ host: 'h', module: 'get_url', msg: 'download cni' }),
      result({ host: 'h', module: 'shell', msg: 'run: ctr version' }),
      result({ host: 'h', module: 'wait_for', msg: 'wait for port 22' }),
      result({ host: 'h', module: 'wait_for', msg: 'wait for port 80' }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(
      `${HEADING}  h: 11 changes: link 1 path, remove 1 path, change 1 path, write 3 files, download 2 files, run 1 command, 2 wait_for changes\n`,
    );
  });

  it('plans "remove 1 path" for file state=absent on a directory, and "change" for a mode fix', () => {
    const results = [
      result({ host: 'h', module: 'file', msg: 'remove /opt/old (directory)' }),
      result({ host: 'h', module: 'file', msg: 'set mode of /srv/directory-of-things' }),
      result({ host: 'h', module: 'file', msg: 'create directory /opt/new' }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(`${HEADING}  h: 3 changes: remove 1 path, change 1 path, create 1 directory\n`);
  });

  it('ignores results of hosts that are not in the recap', () => {
    const results = [result({ host: 'ghost', module: 'copy', msg: 'write /x' })];
    expect(formatPlan(report(['node1'], results))).toBe(`${HEADING}  node1: no changes\n`);
  });

  it("says where a host's plan stops: unreachable, or a failed task", () => {
    const results = [
      result({ host: 'a', module: 'gather_facts', status: 'unreachable', msg: 'connect ECONNREFUSED' }),
      result({ host: 'b', module: 'copy', msg: 'write /x' }),
      result({ host: 'b', module: 'apt', status: 'failed', msg: 'no such package' }),
    ];
    expect(formatPlan(report(['a', 'b'], results))).toBe(
      `${HEADING}  a: no changes (unreachable: the plan stops there)\n  b: 1 change: write 1 file (a task failed: the plan stops there)\n`,
    );
  });
});
