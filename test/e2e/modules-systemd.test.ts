// End-to-end: systemd, modprobe and sysctl on a 2-node legacy lab, where containerd.service is masked by
// a /dev/null link (seed 000), docker and containerd are disabled, and no kubelet exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { parseStaleUnits, staleUnitsCommand } from '../../modules/systemd/probe.ts';
import { bootLab, engine, labInventory, onNode, statuses, type EngineRun } from './support.ts';

const PB = 'test/e2e/playbooks/systemd';
const CRI_CONF = '/etc/sysctl.d/99-kubernetes-cri.conf';
let lab: LabState;
let inventory: string;
let probesBefore: string | undefined;

// The nodes share the host's network namespace (the lab makes /proc/sys/net writable, which also hides
// /sys/module), so net.* values are the host's and every lab's. The sysctl tests run on one node, only
// ever set net.ipv4.ip_forward to 1 (what the migration playbook sets), and do the drift test on a key
// nothing else in the project sets, restoring it afterwards.
beforeAll(async () => {
  await labDown({ name: 'sysd' }); // a fresh lab: these tests change the nodes' state
  lab = await bootLab('sysd', 2, 'legacy', 41);
  inventory = labInventory(lab);
  probesBefore = sh('sysd-1', 'cat /proc/sys/net/ipv4/tcp_keepalive_probes').trim();
});

afterAll(async () => {
  if (lab && probesBefore) onNode(lab, 'sysd-1', `sysctl -w net.ipv4.tcp_keepalive_probes=${probesBefore}`);
  await labDown({ name: 'sysd' });
});

function sh(node: string, command: string): string {
  return onNode(lab, node, command).stdout;
}

function run(playbook: string, ...extra: string[]): Promise<EngineRun> {
  return engine(['run', `${PB}/${playbook}`, '-i', inventory, ...extra], { withReport: true });
}

/** containerd's state on a node: mask link target, is-enabled, is-active. */
function containerdState(node: string): string {
  return sh(node, 'readlink /etc/systemd/system/containerd.service; systemctl is-enabled containerd; systemctl is-active containerd');
}

const names = () => lab.nodes.map((n) => n.name);

describe('a unit that does not start', () => {
  it('names its cause: the masked dependency and its own result, not systemctl\'s "see systemctl status"', async () => {
    const r = await run('docker-masked-dependency.yml', '--limit', 'sysd-2');
    expect(r.code).toBe(2);
    const msg = r.report!.results.find((x) => x.host === 'sysd-2')!.msg;
    expect(msg.split('\n')[0]).toMatch(
      /^Unable to start docker\.service: dependency containerd\.service is masked.*docker\.service: result exit-code/,
    );
    expect(msg).toContain('last log lines of docker.service:');
    expect(msg).not.toContain('See "systemctl status');
    sh('sysd-2', 'systemctl stop docker.socket docker; systemctl reset-failed docker docker.socket');
  });
});

describe('systemd on a masked containerd', () => {
  it('--check predicts unmask, enable and start, and changes nothing', async () => {
    const before = names().map(containerdState);
    expect(before[0]).toBe('/dev/null\nmasked\ninactive\n');
    const r = await run('containerd.yml', '--check', '--diff');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of names()) expect(r.report!.recap[n]).toMatchObject({ changed: 1, failed: 0, unknown: 0 });
    expect(r.stdout).toContain('containerd.service: unmask, enable, daemon-reload, start');
    expect(r.stdout).toContain('containerd.service: masked, disabled, inactive → unmasked, enabled, active');
    expect(names().map(containerdState)).toEqual(before);
  });

  it('run 1 removes the /dev/null link, enables and starts containerd', async () => {
    const r = await run('containerd.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of names()) {
      expect(r.report!.recap[n]).toMatchObject({ changed: 1, failed: 0 });
      expect(containerdState(n)).toBe('enabled\nactive\n');
      expect(sh(n, 'test -e /etc/systemd/system/containerd.service || test -L /etc/systemd/system/containerd.service; echo $?')).toBe(
        '1\n',
      );
      expect(sh(n, 'systemctl show -p FragmentPath,NeedDaemonReload containerd')).toBe(
        'FragmentPath=/lib/systemd/system/containerd.service\nNeedDaemonReload=no\n',
      );
    }
    expect(r.report!.results.find((x) => x.module === 'systemd')?.msg).toBe(
      'containerd.service: unmasked, enabled, reloaded systemd, started',
    );
  });

  it('run 2 reports 0 changed', async () => {
    const r = await run('containerd.yml');
    expect(r.code, r.stdout).toBe(0);
    for (const n of names()) expect(r.report!.recap[n]).toMatchObject({ changed: 0, failed: 0, ok: 2 });
    expect(r.stdout).toContain('containerd.service is unmasked, enabled, active');
  });

  it('restarted reports changed and gives containerd a new MainPID; --check restarts nothing', async () => {
    const pid = (n: string) => Number(sh(n, 'systemctl show -p MainPID --value containerd').trim());
    const before = names().map(pid);
    expect(before.every((p) => p > 0)).toBe(true);
    const check = await run('restart.yml', '--check');
    expect(check.code, check.stdout).toBe(0);
    for (const n of names()) expect(statuses(check.report!, n)).toEqual({ changed: 1, ok: 1 });
    expect(names().map(pid)).toEqual(before);
    const r = await run('restart.yml');
    expect(r.code, r.stdout).toBe(0);
    for (const n of names()) expect(statuses(r.report!, n)).toEqual({ changed: 1, ok: 1 });
    const after = names().map(pid);
    after.forEach((p, i) => {
      expect(p).toBeGreaterThan(0);
      expect(p).not.toBe(before[i]);
    });
  });
});

describe('the daemon-reload rule', () => {
  // systemctl show prints properties in its own order: sort the lines.
  const sleeper = (n: string) =>
    sh(n, 'systemctl show -p Environment,NeedDaemonReload,ActiveState fp-sleeper; systemctl is-enabled fp-sleeper')
      .split('\n')
      .filter(Boolean)
      .sort()
      .join(' ');

  it('loads a unit file changed earlier in the play before restarting it', async () => {
    const first = await run('reload.yml');
    expect(first.code, first.stdout).toBe(0);
    for (const n of names()) {
      expect(statuses(first.report!, n)).toEqual({ changed: 2 });
      expect(sleeper(n)).toBe('ActiveState=active Environment=GREETING=first NeedDaemonReload=no enabled');
    }
    const second = await run('reload.yml', '-e', 'greeting=second', '-e', 'sleeper_state=restarted');
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toContain('fp-sleeper.service: reloaded systemd, restarted');
    for (const n of names()) expect(sleeper(n)).toBe('ActiveState=active Environment=GREETING=second NeedDaemonReload=no enabled');
    const third = await run('reload.yml', '-e', 'greeting=second');
    for (const n of names()) expect(third.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
  });
});

describe('daemon_reload: true', () => {
  it('is ok when no unit needs loading, and reloads when another unit was edited by hand', async () => {
    const quiet = await run('daemon-reload.yml');
    expect(quiet.code, quiet.stdout).toBe(0);
    for (const n of names()) expect(statuses(quiet.report!, n)).toEqual({ ok: 1 });
    const unit = '/etc/systemd/system/fp-handmade.service';
    // A running unit stays loaded; editing its file makes systemd's view of it stale.
    for (const n of names())
      sh(n, `printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > ${unit} && systemctl daemon-reload && systemctl start fp-handmade`);
    for (const n of names()) sh(n, `sleep 1.1; printf '[Service]\\nExecStart=/bin/sleep 1000000\\n' > ${unit}`);
    expect(sh('sysd-1', 'systemctl show -p NeedDaemonReload --value fp-handmade')).toBe('yes\n');
    const r = await run('daemon-reload.yml');
    expect(r.code, r.stdout).toBe(0);
    for (const n of names()) {
      expect(statuses(r.report!, n)).toEqual({ changed: 1 });
      expect(sh(n, 'systemctl show -p NeedDaemonReload --value fp-handmade')).toBe('no\n');
    }
    const again = await run('daemon-reload.yml');
    for (const n of names()) expect(statuses(again.report!, n)).toEqual({ ok: 1 });
    for (const n of names()) sh(n, `systemctl stop fp-handmade; rm -f ${unit} && systemctl daemon-reload`);
  });
});

describe('the stale-unit probe on real systemd', () => {
  it('asks only the units whose files changed, and finds every stale unit that asking all of them finds', () => {
    const n = 'sysd-2';
    const d = '/etc/systemd/system';
    const unit = "printf '[Service]\\nExecStart=/bin/sleep infinity\\n'";
    // A systemctl that logs how it is called.
    sh(
      n,
      'mkdir -p /tmp/fpbin && printf \'#!/bin/sh\\necho "$*" >> /tmp/fpbin/log\\nexec /bin/systemctl "$@"\\n\' > /tmp/fpbin/systemctl && chmod +x /tmp/fpbin/systemctl',
    );
    const units = ['fp-edit', 'fp-gone', 'fp-drop', 'fp-calm'];
    sh(n, `${units.map((u) => `${unit} > ${d}/${u}.service`).join(' && ')} && ${unit} > '${d}/fp-inst@.service'`);
    const dropIn = `printf '[Service]\\nEnvironment=X=1\\n' | tee ${d}/fp-drop.service.d/x.conf > '${d}/fp-inst@.service.d/x.conf'`;
    sh(n, `mkdir -p ${d}/fp-drop.service.d '${d}/fp-inst@.service.d' ${d}/multi-user.target.wants && ${dropIn}`);
    sh(n, `systemctl daemon-reload && systemctl start ${units.join(' ')} fp-inst@a fp-inst@b`);
    const probe = () => {
      sh(n, 'rm -f /tmp/fpbin/log');
      const out = onNode(lab, n, `PATH=/tmp/fpbin:$PATH; ${staleUnitsCommand()}`).stdout;
      const shows = sh(n, 'cat /tmp/fpbin/log 2>/dev/null')
        .split('\n')
        .filter((l) => l.startsWith('show'));
      // What systemd says when every loaded unit is asked.
      const truth = sh(
        n,
        `systemctl show -p Id,NeedDaemonReload '*' | awk -F= '$1=="Id"{id=$2} $1=="NeedDaemonReload" && $2=="yes"{print id}'`,
      );
      return { stale: parseStaleUnits(out).sort(), shows, truth: truth.split('\n').filter(Boolean).sort() };
    };
    try {
      expect(probe()).toEqual({ stale: [], shows: [], truth: [] });
      // Edit one unit, remove a running unit's file, edit the drop-ins of a unit and of a template, enable one.
      sh(n, 'sleep 1.1');
      sh(
        n,
        [
          `echo '# edited' >> ${d}/fp-edit.service`,
          `rm ${d}/fp-gone.service`,
          `echo '# edited' >> ${d}/fp-drop.service.d/x.conf`,
          `echo '# edited' >> '${d}/fp-inst@.service.d/x.conf'`,
          `ln -sf ${d}/fp-calm.service ${d}/multi-user.target.wants/fp-calm.service`,
        ].join(' && '),
      );
      const p = probe();
      expect(p.truth).toEqual(['fp-drop.service', 'fp-edit.service', 'fp-gone.service', 'fp-inst@a.service', 'fp-inst@b.service']);
      expect(p.stale).toEqual(p.truth);
      // One `show`, of a few units named, never of every unit.
      expect(p.shows).toHaveLength(1);
      expect(p.shows[0]).not.toContain('*');
      expect(p.shows[0]!.split(' ').length).toBeLessThan(40);
      expect(p.shows[0]).not.toContain('fp-calm.service');
    } finally {
      sh(
        n,
        `systemctl stop ${units.join(' ')} 'fp-inst@*'; cd ${d} && rm -rf ${units.map((u) => `${u}.service`).join(' ')} fp-drop.service.d 'fp-inst@.service' 'fp-inst@.service.d' multi-user.target.wants/fp-calm.service /tmp/fpbin; systemctl daemon-reload`,
      );
    }
  });
});

describe('systemd on a unit that does not exist', () => {
  it('stopping and disabling kubelet with missing_ok is ok', async () => {
    const r = await run('missing-ok.yml');
    expect(r.code, r.stdout).toBe(0);
    for (const n of names()) expect(statuses(r.report!, n)).toEqual({ ok: 1 });
    expect(r.stdout).toContain('kubelet.service does not exist (missing_ok: nothing to stop or disable)');
  });

  it('without missing_ok it fails clearly, and check mode predicts that failure (no earlier task could install it)', async () => {
    const r = await run('missing-fail.yml');
    expect(r.code).toBe(2);
    for (const n of names()) expect(statuses(r.report!, n)).toEqual({ failed: 1 });
    expect(r.stdout).toContain('Could not find the requested service kubelet.service: host (add missing_ok: true');
    // Nothing before it could install kubelet, so the real run's failure is known (#13: it was unknown).
    const check = await run('missing-fail.yml', '--check');
    for (const n of names()) expect(statuses(check.report!, n)).toEqual({ failed: 1 });
    expect(check.stdout).toContain('Could not find the requested service kubelet.service: host (add missing_ok: true');
  });
});

describe('sysctl (on sysd-1: the nodes share the host network namespace)', () => {
  const value = (key: string) => sh('sysd-1', `cat /proc/sys/net/ipv4/${key}`).trim();
  const file = (f: string) => sh('sysd-1', `cat ${f} 2>/dev/null || echo absent`);

  it('--check predicts the file change and changes nothing; the run sets file and live value; run 2 is 0 changed', async () => {
    const check = await run('sysctl.yml', '-l', 'sysd-1', '--check', '--diff');
    expect(check.code, check.stdout).toBe(0);
    expect(check.report!.recap['sysd-1']).toMatchObject({ changed: 1 });
    expect(check.stdout).toContain(`+++ ${CRI_CONF} (after)`);
    expect(file(CRI_CONF)).toBe('absent\n');
    const r = await run('sysctl.yml', '-l', 'sysd-1');
    expect(r.code, r.stdout).toBe(0);
    expect(r.report!.recap['sysd-1']).toMatchObject({ changed: 1 });
    expect([value('ip_forward'), file(CRI_CONF)]).toEqual(['1', 'net.ipv4.ip_forward=1\n']);
    const again = await run('sysctl.yml', '-l', 'sysd-1');
    expect(again.report!.recap['sysd-1']).toMatchObject({ changed: 0, failed: 0 });
  });

  it('corrects a drifted live value while the file is already right; --check first changes nothing', async () => {
    const want = probesBefore!;
    const drifted = String(Number(want) + 1);
    const conf = '/etc/sysctl.d/90-fleetplay-test.conf';
    const first = await run('sysctl-drift.yml', '-l', 'sysd-1', '-e', `probes=${want}`);
    expect(first.report!.recap['sysd-1']).toMatchObject({ changed: 1 }); // the file only
    expect(file(conf)).toBe(`net.ipv4.tcp_keepalive_probes=${want}\n`);
    sh('sysd-1', `sysctl -w net.ipv4.tcp_keepalive_probes=${drifted}`);
    const check = await run('sysctl-drift.yml', '-l', 'sysd-1', '-e', `probes=${want}`, '--check', '--diff');
    expect(check.stdout).toContain(`live value of net.ipv4.tcp_keepalive_probes: ${drifted} → ${want}`);
    expect(value('tcp_keepalive_probes')).toBe(drifted);
    const r = await run('sysctl-drift.yml', '-l', 'sysd-1', '-e', `probes=${want}`);
    expect(r.code, r.stdout).toBe(0);
    expect(r.report!.recap['sysd-1']).toMatchObject({ changed: 1 });
    expect(r.stdout).toContain(`set net.ipv4.tcp_keepalive_probes = ${want} live (was ${drifted})`);
    expect([value('tcp_keepalive_probes'), file(conf)]).toEqual([want, `net.ipv4.tcp_keepalive_probes=${want}\n`]);
    const again = await run('sysctl-drift.yml', '-l', 'sysd-1', '-e', `probes=${want}`);
    expect(again.report!.recap['sysd-1']).toMatchObject({ changed: 0, failed: 0 });
  });

  it('fails on an unknown key and leaves the file byte-identical', async () => {
    const sum = () => sh('sysd-1', `sha256sum ${CRI_CONF}; ls -A /etc/sysctl.d`);
    const before = sum();
    const r = await run('sysctl-unknown.yml', '-l', 'sysd-1');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      `unknown sysctl key net.ipv4.no_such_key: /proc/sys/net/ipv4/no_such_key does not exist on this host; ${CRI_CONF} was not changed`,
    );
    expect(sum()).toBe(before);
  });
});

describe('modprobe on a built-in module', () => {
  it('is ok without loading anything, and persistent writes modules-load.d; --check writes nothing', async () => {
    const check = await run('modprobe.yml', '--check');
    expect(check.code, check.stdout).toBe(0);
    for (const n of names()) expect(check.report!.recap[n]).toMatchObject({ changed: 1 });
    expect(sh('sysd-1', 'ls /etc/modules-load.d')).toBe('modules.conf\n');
    const r = await run('modprobe.yml');
    expect(r.code, r.stdout).toBe(0);
    for (const n of names()) {
      expect(r.report!.recap[n]).toMatchObject({ changed: 1, failed: 0 });
      expect(sh(n, 'cat /etc/modules-load.d/overlay.conf; stat -c %a /etc/modules-load.d/overlay.conf')).toBe('overlay\n644\n');
    }
    const again = await run('modprobe.yml');
    expect(again.code, again.stdout).toBe(0);
    // Which message depends on whether the lab shows /sys/module (see above); neither loads anything.
    const builtIn = sh('sysd-1', 'test -d /sys/module/overlay && echo yes || echo no').trim() === 'yes';
    const expected = builtIn
      ? 'overlay is loaded (built into the kernel)'
      : 'overlay is built in or unavailable: this kernel cannot load modules (no /proc/modules)';
    for (const n of names()) expect(again.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
    expect(again.stdout).toContain(expected);
  });
});
