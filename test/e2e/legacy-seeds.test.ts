// The vendor-repository seed playbooks from the migration's real starting point: Docker-era nodes
// (docker.io, containerd and runc installed, containerd.service masked to /dev/null). containerd-apt.yml
// on one node, docker.yml on the other: --check agrees with the apply, the service runs, and a second run
// changes nothing. (Issue #13: both failed on every legacy node, on the mask that seed 000 describes.)
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import { agreement, checkThenApply } from './fidelitySupport.ts';
import { ROOT, bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'legseed';
const APT_STATE = ['/var/lib/apt/lists', '/etc/apt'];

let lab: LabState;
let inventory: string;
let fingerprint: string;

const sh = (node: string, command: string) => onNode(lab, node, command);
const changed = (r: Report) => Object.values(r.recap).reduce((n, c) => n + (c.changed ?? 0), 0);

beforeAll(async () => {
  lab = await bootLab(LAB, 2, 'legacy', 191);
  fingerprint = (await ensureArtifacts()).apt.keyFingerprint;
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  inventory = path.join(dir, 'hosts');
  writeFileSync(inventory, `${readFileSync(lab.inventoryFile, 'utf8')}\n[kube:children]\n${LAB}\n`);
}, 900_000);

afterAll(async () => {
  await labDown({ name: LAB });
});

/** On one legacy node: --check, apply (they agree, nothing fails), then a second run with nothing to change. */
async function fromLegacy(playbook: string, node: string): Promise<Report> {
  const args = ['-e', `docker_apt_key_fingerprint=${fingerprint}`, '--limit', node];
  expect(sh(node, 'readlink /etc/systemd/system/containerd.service').stdout.trim()).toBe('/dev/null');
  const { a, b } = await checkThenApply(playbook, inventory, [[lab, node]], args, APT_STATE);
  const { line, mismatches } = agreement(a, b);
  console.log(`${playbook} from legacy: ${line}`);
  expect(mismatches.filter((m) => !/check=unknown/.test(m)), mismatches.join('\n')).toEqual([]);
  expect(b.results.filter((r) => r.status === 'failed'), JSON.stringify(b.results.filter((r) => r.status === 'failed'))).toEqual([]);
  expect(a.results.find((r) => r.task === 'Unmask containerd (Docker-era nodes)')?.status).toBe('changed');
  const again = await engine(['run', playbook, '-i', inventory, ...args], { withReport: true });
  expect(again.code, again.stdout).toBe(0);
  expect(changed(again.report!), again.stdout).toBe(0);
  return b;
}

describe('seed playbooks on Docker-era nodes', () => {
  it('containerd-apt.yml clears the mask, and containerd runs from the package', async () => {
    const node = lab.nodes[0]!.name;
    await fromLegacy('playbooks/containerd-apt.yml', node);
    expect(sh(node, 'test -e /etc/systemd/system/containerd.service && echo masked || echo unmasked').stdout.trim()).toBe('unmasked');
    expect(sh(node, 'systemctl is-active containerd; systemctl is-enabled containerd').stdout).toBe('active\nenabled\n');
    expect(sh(node, 'ctr version').stdout).toMatch(/Server:\s+Version:/);
  });

  it('docker.yml clears the mask, and docker runs on containerd with the systemd cgroup driver', async () => {
    const node = lab.nodes[1]!.name;
    await fromLegacy('playbooks/docker.yml', node);
    expect(sh(node, 'systemctl is-active containerd docker').stdout).toBe('active\nactive\n');
    expect(sh(node, "docker info --format '{{.CgroupDriver}}'").stdout.trim()).toBe('systemd');
  });
});
