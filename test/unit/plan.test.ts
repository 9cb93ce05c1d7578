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

const unit = (verb: string, object: string) => ({ verb, object, named: true });

/** What the first containerd migration would plan on one legacy node (check mode). */
function migration(host: string): TaskResult[] {
  return [
    result({ host, module: 'command', status: 'ok', msg: 'docker.io=install ok installed' }),
    result({ host, module: 'systemd', msg: 'kubelet.service: stop', summary: [unit('stop', 'kubelet')] }),
    result({ host, module: 'systemd', msg: 'docker.socket: stop', summary: [unit('stop', 'docker.socket')] }),
    result({
      host,
      module: 'apt',
      msg: 'remove 3 packages: docker.io, containerd, runc',
      summary: [{ verb: 'remove', object: 'package', count: 3 }],
    }),
    result({
      host,
      module: 'file',
      msg: 'create directory /var/cache/fleetplay/downloads',
      summary: [{ verb: 'create', object: 'directory', plural: 'directories' }],
    }),
    result({
      host,
      module: 'get_url',
      msg: 'download https://example.com/containerd.tar.gz to /tmp/c.tgz',
      summary: [{ verb: 'download', object: 'file' }],
    }),
    result({ host, module: 'unarchive', msg: 'extract 12 files into /usr/local', summary: [{ verb: 'extract', object: 'archive' }] }),
    result({ host, module: 'systemd', msg: 'containerd.service: unmask, daemon-reload', summary: [unit('unmask', 'containerd')] }),
    result({
      host,
      module: 'template',
      msg: 'write /usr/local/lib/systemd/system/containerd.service',
      summary: [{ verb: 'write', object: 'file' }],
    }),
    result({
      host,
      module: 'modprobe',
      msg: 'load overlay',
      item: 'overlay',
      summary: [{ verb: 'load/persist', object: 'kernel module' }],
    }),
    result({
      host,
      module: 'modprobe',
      msg: 'load br_netfilter',
      item: 'br_netfilter',
      summary: [{ verb: 'load/persist', object: 'kernel module' }],
    }),
    result({
      host,
      module: 'sysctl',
      msg: 'set net.ipv4.ip_forward = 1',
      item: 'net.ipv4.ip_forward',
      summary: [{ verb: 'set', object: 'sysctl' }],
    }),
    result({
      host,
      module: 'file',
      msg: 'create directory /etc/containerd',
      summary: [{ verb: 'create', object: 'directory', plural: 'directories' }],
    }),
    result({ host, module: 'template', msg: 'write /etc/containerd/config.toml', summary: [{ verb: 'write', object: 'file' }] }),
    result({ host, module: 'template', msg: 'write /etc/crictl.yaml', summary: [{ verb: 'write', object: 'file' }] }),
    result({
      host,
      module: 'systemd',
      msg: 'containerd.service: enable, daemon-reload, start',
      summary: [unit('enable', 'containerd'), unit('start', 'containerd')],
    }),
    result({ host, module: 'command', status: 'skipped', msg: 'skipped: not ansible_check_mode' }),
    result({
      host,
      module: 'systemd',
      msg: 'containerd.service: restart',
      handler: true,
      task: 'restart containerd',
      summary: [unit('restart', 'containerd')],
    }),
  ];
}

const write = [{ verb: 'write', object: 'file' }];

describe('formatPlan', () => {
  it("lists one host's changes as counted phrases, unit transitions and handler restarts", () => {
    expect(formatPlan(report(['node1'], migration('node1')))).toBe(
      `${HEADING}  node1: 16 changes: remove 3 packages, create 2 directories, download 1 file, extract 1 archive, ` +
        'write 3 files, load/persist 2 kernel modules, set 1 sysctl, stop kubelet, stop docker.socket, ' +
        'unmask+enable+start containerd, restart containerd (handler)\n',
    );
  });

  it('reads no message: a rewording changes nothing, and a change without a summary names its module', () => {
    const results = [
      result({ host: 'h', module: 'template', msg: 'rewritten in other words entirely', summary: write }),
      result({ host: 'h', module: 'command', msg: 'changed_when said so' }),
      result({ host: 'h', module: 'command', msg: 'again' }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(`${HEADING}  h: 3 changes: write 1 file, 2 command changes\n`);
  });

  it('groups hosts with the same plan on one line, in recap order', () => {
    const results = [
      ...migration('node1'),
      ...migration('node3'),
      result({ host: 'node2', module: 'copy', msg: 'write /etc/motd', summary: write }),
      result({ host: 'node4', module: 'copy', msg: 'write /etc/motd', summary: write }),
    ];
    const lines = formatPlan(report(['node1', 'node2', 'node3', 'node4'], results)).split('\n');
    expect(lines.slice(2, -1).map((l) => l.replace(/: \d+ changes: .*/, ': <migration>'))).toEqual([
      '  node1, node3: <migration>',
      '  node2, node4: 1 change: write 1 file',
    ]);
  });

  it('shortens a large group to its first two hosts, its last host and the count', () => {
    const hosts = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    const results = hosts.map((host) =>
      result({ host, module: 'apt', msg: 'upgrade 1 package: containerd', summary: [{ verb: 'upgrade', object: 'package', count: 1 }] }),
    );
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
      result({ host: 'node2', module: 'sysctl', msg: 'set net.ipv4.ip_forward = 1', summary: [{ verb: 'set', object: 'sysctl' }] }),
    ];
    expect(formatPlan(report(['node1', 'node2'], results))).toBe(`${HEADING}  node1: no changes\n  node2: 1 change: set 1 sysctl\n`);
  });

  it('counts unknown outcomes apart from changes', () => {
    const results = [
      result({ host: 'node1', module: 'template', msg: 'write /etc/containerd/config.toml', summary: write }),
      result({ host: 'node1', module: 'systemd', status: 'unknown', msg: 'containerd.service does not exist and ...' }),
      result({ host: 'node1', module: 'systemd', status: 'unknown', msg: 'depends on docker_era' }),
      result({ host: 'node2', module: 'systemd', status: 'unknown', msg: 'depends on docker_era' }),
    ];
    expect(formatPlan(report(['node1', 'node2'], results))).toBe(
      `${HEADING}  node1: 1 change: write 1 file, 2 unknown\n  node2: 0 changes: 1 unknown\n`,
    );
  });

  it('adds counts per verb and noun, and keeps verbs apart', () => {
    const pkgs = (verb: string, count: number) => ({ verb, object: 'package', count });
    const results = [
      result({
        host: 'h',
        module: 'apt',
        msg: 'x',
        summary: [{ verb: 'update', object: 'the apt cache', named: true }, pkgs('install', 2), pkgs('remove', 1)],
      }),
      result({ host: 'h', module: 'apt', msg: 'x', summary: [pkgs('purge', 4)] }),
      result({ host: 'h', module: 'apt', msg: 'x', summary: [pkgs('install', 1)] }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(
      `${HEADING}  h: 3 changes: install 3 packages, remove 1 package, purge 4 packages, update the apt cache\n`,
    );
  });

  it('merges the steps done to one named thing across tasks, and keeps handler runs apart', () => {
    const results = [
      result({ host: 'h', module: 'systemd', msg: 'x', summary: [unit('unmask', 'containerd')] }),
      result({ host: 'h', module: 'systemd', msg: 'x', summary: [unit('enable', 'containerd'), unit('start', 'containerd')] }),
      result({ host: 'h', module: 'systemd', msg: 'x', summary: [unit('start', 'containerd')] }),
      result({ host: 'h', module: 'systemd', msg: 'x', summary: [unit('reload', 'nginx')] }),
      result({ host: 'h', module: 'systemd', msg: 'x', handler: true, summary: [unit('restart', 'containerd')] }),
      result({ host: 'h', module: 'systemd', msg: 'x', handler: true, summary: [unit('restart', 'containerd')] }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(
      `${HEADING}  h: 6 changes: unmask+enable+start containerd, reload nginx, restart containerd (handler)\n`,
    );
  });

  it('uses the plural a summary gives, and object + s otherwise', () => {
    const dir = { verb: 'create', object: 'directory', plural: 'directories' };
    const results = [
      result({ host: 'h', module: 'file', msg: 'x', summary: [dir] }),
      result({ host: 'h', module: 'file', msg: 'x', summary: [dir] }),
      result({ host: 'h', module: 'file', msg: 'x', summary: [{ verb: 'link', object: 'path' }] }),
    ];
    expect(formatPlan(report(['h'], results))).toBe(`${HEADING}  h: 3 changes: create 2 directories, link 1 path\n`);
  });

  it('ignores results of hosts that are not in the recap', () => {
    const results = [result({ host: 'ghost', module: 'copy', msg: 'write /x', summary: write })];
    expect(formatPlan(report(['node1'], results))).toBe(`${HEADING}  node1: no changes\n`);
  });

  it("says where a host's plan stops: unreachable, or a failed task", () => {
    const results = [
      result({ host: 'a', module: 'gather_facts', status: 'unreachable', msg: 'connect ECONNREFUSED' }),
      result({ host: 'b', module: 'copy', msg: 'write /x', summary: write }),
      result({ host: 'b', module: 'apt', status: 'failed', msg: 'no such package' }),
    ];
    expect(formatPlan(report(['a', 'b'], results))).toBe(
      `${HEADING}  a: no changes (unreachable: the plan stops there)\n  b: 1 change: write 1 file (a task failed: the plan stops there)\n`,
    );
  });
});
