// End-to-end: playbooks/containerd.yml migrates real legacy lab nodes (docker.io, a masked
// containerd.service) to containerd from release tarballs, then upgrades them 1.6.20 → 1.7.24.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ROOT, bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const PLAYBOOK = 'playbooks/containerd.yml';
let lab: LabState;
let inventory: string;

/** The lab's nodes as the `kube` group, with the committed lab variables (inventory/group_vars/kube.yml). */
function kubeInventory(state: LabState): string {
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  const file = path.join(dir, 'hosts');
  writeFileSync(file, `${readFileSync(state.inventoryFile, 'utf8')}\n[kube:children]\n${state.name}\n`);
  return file;
}

function changedTasks(report: Report, host: string): string[] {
  return [...new Set(report.results.filter((r) => r.host === host && r.status === 'changed').map((r) => r.task))];
}

function unitState(node: string): Record<string, string> {
  const out = onNode(lab, node, 'systemctl show containerd -p ActiveState,UnitFileState,MainPID,ActiveEnterTimestamp').stdout;
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

beforeAll(async () => {
  lab = await bootLab('ctd', 3, 'legacy', 71);
  inventory = kubeInventory(lab);
});

afterAll(async () => {
  await labDown({ name: 'ctd' });
});

describe('containerd migration on a 3-node legacy lab', () => {
  const before: Record<string, Record<string, string>> = {};

  it('fresh apply succeeds on every host and leaves each node migrated', async () => {
    const r = await engine(['run', PLAYBOOK, '-i', inventory], { withReport: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of lab.nodes) {
      const sh = (cmd: string) => onNode(lab, n.name, cmd);
      expect(
        sh(
          "dpkg-query -W -f='${Package} ${Status}\\n' docker.io containerd runc 2>/dev/null | grep -c 'install ok installed' || true",
        ).stdout.trim(),
      ).toBe('0');
      expect(sh('ls /usr/local/bin').stdout).toMatch(/^containerd\n(.*\n)*ctr\n/m);
      expect(sh('ls /usr/local/bin').stdout).toContain('containerd-shim-runc-v2\n');
      expect(sh('test -L /etc/systemd/system/containerd.service && echo link || echo none').stdout.trim()).toBe('none');
      expect(sh('systemctl is-enabled containerd; systemctl is-active containerd').stdout).toBe('enabled\nactive\n');
      expect(sh('ctr version').stdout).toMatch(/Server:\s+Version:\s+v?1\.6\.20/);
      expect(sh('stat -c %a /usr/local/sbin/runc && /usr/local/sbin/runc --version').stdout).toMatch(/^755\nrunc version 1\.1\.5/);
      expect(sh('test -x /opt/cni/bin/bridge && echo yes').stdout.trim()).toBe('yes');
      // biome-ignore lint/suspicious/noExplicitAny: a parsed TOML document, walked by its known keys
      const config = parseToml(sh('cat /etc/containerd/config.toml').stdout) as Record<string, any>;
      expect(config.version).toBe(2);
      expect(config.plugins['io.containerd.grpc.v1.cri'].containerd.runtimes.runc.options.SystemdCgroup).toBe(true);
      expect(sh('cat /etc/crictl.yaml').stdout).toBe(
        'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 10\ndebug: false\n',
      );
      before[n.name] = unitState(n.name);
    }
  });

  it('a second apply reports 0 changed and does not restart containerd', async () => {
    const r = await engine(['run', PLAYBOOK, '-i', inventory], { withReport: true });
    expect(r.code, r.stdout).toBe(0);
    for (const n of lab.nodes) {
      expect(r.report!.recap[n.name]).toMatchObject({ changed: 0, failed: 0 });
      const now = unitState(n.name);
      expect(now.MainPID).toBe(before[n.name]!.MainPID);
      expect(now.ActiveEnterTimestamp).toBe(before[n.name]!.ActiveEnterTimestamp);
    }
  });

  it('upgrades to 1.7.24: only download, extract and the restart handler change; one restart', async () => {
    const since = Math.floor(Date.now() / 1000);
    const r = await engine(['run', PLAYBOOK, '-i', inventory, '-e', 'containerd_version=1.7.24'], { withReport: true });
    expect(r.code, r.stdout).toBe(0);
    for (const n of lab.nodes) {
      expect(changedTasks(r.report!, n.name)).toEqual([
        'Download containerd 1.7.24',
        'Extract containerd into /usr/local',
        'restart containerd',
      ]);
      expect(onNode(lab, n.name, 'ctr version').stdout).toMatch(/Server:\s+Version:\s+v?1\.7\.24/);
      const starts = onNode(
        lab,
        n.name,
        `journalctl -u containerd --since @${since} -o cat | grep -c '^Started containerd' || true`,
      ).stdout.trim();
      expect(starts).toBe('1');
    }
    const again = await engine(['run', PLAYBOOK, '-i', inventory, '-e', 'containerd_version=1.7.24'], { withReport: true });
    for (const n of lab.nodes) expect(again.report!.recap[n.name], again.stdout).toMatchObject({ changed: 0, failed: 0 });
  });
});
