// Check-mode fidelity on real lab nodes: --check must change nothing and predict the real run's
// status for every (host, task, loop item), with zero unknown, across the containerd scenarios.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ROOT, bootLab, engine, onNode, tmpDir } from './support.ts';
import { agreement, checkThenApply } from './fidelitySupport.ts';

let legacy: LabState;
let clean: LabState;

function kubeInventory(extra: string): string {
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  const file = path.join(dir, 'hosts');
  writeFileSync(
    file,
    `${readFileSync(legacy.inventoryFile, 'utf8')}\n${readFileSync(clean.inventoryFile, 'utf8')}\n[kube:children]\n${legacy.name}\n${clean.name}\n${extra}`,
  );
  return file;
}

beforeAll(async () => {
  legacy = await bootLab('fid', 5, 'legacy', 121);
  clean = await bootLab('fidc', 1, 'clean', 131);
});

afterAll(async () => {
  await labDown({ name: 'fid' });
  await labDown({ name: 'fidc' });
});

describe('check-mode fidelity', () => {
  it('the foundation playbook: check changes nothing and agrees with the real run', async () => {
    const inv = path.join(tmpDir(), 'hosts');
    writeFileSync(inv, readFileSync(clean.inventoryFile, 'utf8'));
    // Fresh, then converged: the second check must predict the no-op run exactly too.
    for (const state of ['fresh', 'converged']) {
      const { a, b } = await checkThenApply('test/e2e/playbooks/foundation.yml', inv, [[clean, 'fidc-1']]);
      const { line, mismatches, diffMismatches, unknown } = agreement(a, b);
      console.log(`foundation.yml (${state}): ${line}`);
      expect(mismatches).toEqual([]);
      expect(diffMismatches).toEqual([]);
      expect(unknown).toBe(0);
      if (state === 'converged') expect(b.recap['fidc-1']).toMatchObject({ changed: 0 });
    }
  });

  it('containerd.yml in six scenarios: 100% agreement, zero unknown', async () => {
    // Prepare: converge fid-2..fid-5 at 1.6.20, then make fid-4 half-done and fid-5 drifted.
    const prep = await engine(['run', 'playbooks/containerd.yml', '-i', kubeInventory(''), '--limit', 'fid-2:fid-3:fid-4:fid-5']);
    expect(prep.code, prep.stdout).toBe(0);
    expect(
      onNode(
        legacy,
        'fid-4',
        'systemctl disable --now containerd && ln -sf /dev/null /etc/systemd/system/containerd.service && rm /etc/containerd/config.toml && systemctl daemon-reload',
      ).code,
    ).toBe(0);
    expect(
      onNode(
        legacy,
        'fid-5',
        "sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' /etc/containerd/config.toml && rm /usr/local/sbin/runc",
      ).code,
    ).toBe(0);
    // fid-1 fresh legacy, fid-2 converged, fid-3 upgraded to 1.7.24, fidc-1 never had docker.
    const inventory = kubeInventory('\n[upgrade]\nfid-3 containerd_version=1.7.24\n');
    const nodes: Array<[LabState, string]> = [...legacy.nodes.map((n): [LabState, string] => [legacy, n.name]), [clean, 'fidc-1']];
    const { a, b } = await checkThenApply('playbooks/containerd.yml', inventory, nodes);
    const { line, mismatches, diffMismatches, unknown } = agreement(a, b);
    console.log(`containerd.yml (fresh, converged, upgrade, half-done, drifted, never-docker): ${line}`);
    expect(mismatches).toEqual([]);
    expect(diffMismatches).toEqual([]);
    expect(unknown).toBe(0);
    expect(b.recap['fid-2']).toMatchObject({ changed: 0 });
    for (const host of Object.keys(b.recap)) expect(b.recap[host]).toMatchObject({ failed: 0, unreachable: 0 });
  });

  it('a bare shell task is unknown in check mode, and --strict fails', async () => {
    const inv = path.join(tmpDir(), 'hosts');
    writeFileSync(inv, readFileSync(clean.inventoryFile, 'utf8'));
    const lenient = await engine(['run', 'test/e2e/playbooks/bare-shell.yml', '-i', inv, '--check'], { withReport: true });
    expect(lenient.code).toBe(0);
    expect(lenient.report!.results.map((r) => r.status)).toEqual(['unknown']);
    expect(lenient.stdout).toMatch(/cannot be predicted/);
    const strict = await engine(['run', 'test/e2e/playbooks/bare-shell.yml', '-i', inv, '--check', '--strict']);
    expect(strict.code).toBe(5);
    expect(onNode(clean, 'fidc-1', 'test -e /tmp/fleetplay-bare-shell.log && echo yes || echo no').stdout.trim()).toBe('no');
  });
});
