// The runtimes the seed playbooks install really run containers (issue #13, item 2), on lab nodes from their
// Docker-era starting point: containerd.yml, containerd-apt.yml and docker.yml, one node each, converge at
// the same time, their health gate (tasks/container-smoke-test.yml) runs the lab's busybox image, and --check
// agrees with the apply. Checked from outside too: `ctr run --rm` with runc's systemd cgroup driver puts the
// container in a systemd scope, with the cgroupfs driver under /<namespace>/<id> with ctr's default CPU shares
// (which failed with "openat2 .../cpu.weight: no such file or directory" before the lab gave nodes cgroup
// controllers), and `docker run --rm` runs in a docker-<id>.scope with memory and CPU limits.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import { SMOKE_IMAGE_REF } from '../../lab/artifacts/smokeimage.ts';
import { agreement, checkThenApply } from './fidelitySupport.ts';
import { ROOT, bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'oci';
const APT_STATE = ['/var/lib/apt/lists', '/etc/apt'];
const CTR_GATE = 'Health gate - containerd runs a container (systemd cgroup driver)';
const DOCKER_GATE = 'Health gate - Docker runs a container';
const DOCKER_DRIVER_GATE = 'Health gate - Docker uses the systemd cgroup driver';

let lab: LabState;
let inventory: string;
let extra: string[];
let host: (k: number) => string;

const sh = (node: string, command: string) => onNode(lab, node, command);
const result = (r: Report, node: string, task: string) => r.results.find((x) => x.host === node && x.task === task);
const changed = (r: Report) => Object.values(r.recap).reduce((n, c) => n + (c.changed ?? 0), 0);

beforeAll(async () => {
  lab = await bootLab(LAB, 3, 'legacy', 200);
  host = (k) => lab.nodes[k]!.name;
  extra = ['-e', `docker_apt_key_fingerprint=${(await ensureArtifacts()).apt.keyFingerprint}`];
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  inventory = path.join(dir, 'hosts');
  writeFileSync(inventory, `${readFileSync(lab.inventoryFile, 'utf8')}\n[kube:children]\n${LAB}\n`);
}, 900_000);

afterAll(async () => {
  await labDown({ name: LAB });
});

describe('the seed playbooks leave a runtime that runs containers', () => {
  const plan = (): Array<[string, string]> => [
    ['playbooks/containerd.yml', host(0)],
    ['playbooks/containerd-apt.yml', host(1)],
    ['playbooks/docker.yml', host(2)],
  ];

  it('converges each runtime with --check agreeing, and each health gate runs a container', async () => {
    const runs = await Promise.all(
      plan().map(([playbook, node]) => checkThenApply(playbook, inventory, [[lab, node]], [...extra, '--limit', node], APT_STATE)),
    );
    runs.forEach(({ a, b }, i) => {
      const [playbook, node] = plan()[i]!;
      const { line, mismatches } = agreement(a, b);
      console.log(`${playbook} on ${node}: ${line}`);
      expect(
        mismatches.filter((m) => !/check=unknown/.test(m)),
        mismatches.join('\n'),
      ).toEqual([]);
      expect(
        b.results.filter((r) => r.status === 'failed'),
        JSON.stringify(b.results.filter((r) => r.status === 'failed')),
      ).toEqual([]);
      // The smoke-test tasks themselves are predicted exactly: the download changes in both, every check is ok in both.
      for (const r of b.results.filter((x) => /smoke-test|Health gate/.test(x.task) && !x.item)) {
        expect(result(a, node, r.task)?.status, `${r.task} under --check`).toBe(r.status);
      }
    });
    const [ctd, apt, docker] = runs.map((r) => r.b);
    expect(result(ctd!, host(0), CTR_GATE)).toMatchObject({ status: 'ok', msg: 'fleetplay-smoke-ok' });
    expect(result(apt!, host(1), CTR_GATE)).toMatchObject({ status: 'ok', msg: 'fleetplay-smoke-ok' });
    expect(result(docker!, host(2), DOCKER_GATE)).toMatchObject({ status: 'ok', msg: 'fleetplay-smoke-ok' });
    expect(result(docker!, host(2), DOCKER_DRIVER_GATE)?.status).toBe('ok');
    expect(result(docker!, host(2), CTR_GATE)?.status).toBe('skipped');
  }, 120_000);

  it("runs containers with both of runc's cgroup drivers after containerd.yml and containerd-apt.yml", () => {
    for (const node of [host(0), host(1)]) {
      const systemd = sh(
        node,
        `ctr -n fleetplay run --rm --runc-systemd-cgroup --cgroup system.slice:e2e:sd ${SMOKE_IMAGE_REF} e2e-sd cat /proc/self/cgroup`,
      );
      expect(systemd.code, systemd.stderr).toBe(0);
      expect(systemd.stdout).toMatch(/^0::\/system\.slice\/e2e-sd\.scope$/m);
      expect(systemd.stdout).toMatch(/^\d+:cpu:\/system\.slice\/e2e-sd\.scope$/m);
      expect(systemd.stdout).toMatch(/^\d+:memory:\/system\.slice\/e2e-sd\.scope$/m);
      // ctr's default --cpu-shares 1024 needs the cpu controller: the very run that failed before the lab fix.
      const cgroupfs = sh(node, `ctr -n fleetplay run --rm ${SMOKE_IMAGE_REF} e2e-fs cat /proc/self/cgroup`);
      expect(cgroupfs.code, cgroupfs.stderr).toBe(0);
      expect(cgroupfs.stdout).toMatch(/^\d+:cpu:\/fleetplay\/e2e-fs$/m);
      expect(sh(node, 'ctr -n fleetplay containers ls -q').stdout.trim()).toBe('');
    }
  });

  it('runs a container with memory and CPU limits in a systemd scope after docker.yml', () => {
    const node = host(2);
    const run = sh(node, `docker run --rm --cgroupns host -m 64m --cpus 0.5 ${SMOKE_IMAGE_REF} cat /proc/self/cgroup`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\d+:memory:\/system\.slice\/docker-[0-9a-f]{64}\.scope$/m);
    expect(sh(node, "docker info --format '{{.CgroupDriver}}'").stdout.trim()).toBe('systemd');
    expect(sh(node, 'docker ps -aq').stdout.trim()).toBe('');
  });

  it('changes nothing on a second run; the gate fails when the container cannot run, and runtime_smoke_test=false skips it', async () => {
    const again = await Promise.all(
      plan().map(([playbook, node]) => engine(['run', playbook, '-i', inventory, ...extra, '--limit', node], { withReport: true })),
    );
    again.forEach((r, i) => {
      expect(r.code, r.stdout).toBe(0);
      expect(changed(r.report!), `${plan()[i]![0]}: ${r.stdout}`).toBe(0);
    });
    const [broken, off] = await Promise.all([
      engine(
        [
          'run',
          'playbooks/containerd-apt.yml',
          '-i',
          inventory,
          ...extra,
          '--limit',
          host(1),
          '-e',
          'runtime_smoke_image=fleetplay.lab/missing:1',
        ],
        { withReport: true },
      ),
      engine(['run', 'playbooks/docker.yml', '-i', inventory, ...extra, '--limit', host(2), '-e', 'runtime_smoke_test=false'], {
        withReport: true,
      }),
    ]);
    expect(broken.code).not.toBe(0);
    expect(result(broken.report!, host(1), CTR_GATE)?.status).toBe('failed');
    expect(off.code, off.stdout).toBe(0);
    // Switched off: none of the gate's tasks does anything (an import under a false `when` is skipped as a whole).
    const ran = off.report!.results.filter((r) => /smoke-test|runs a container|cgroup driver/.test(r.task) && r.status !== 'skipped');
    expect(ran, JSON.stringify(ran)).toEqual([]);
    expect(result(off.report!, host(2), 'Enable and start docker')?.status).toBe('ok');
  }, 60_000);
});
