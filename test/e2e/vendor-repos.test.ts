// The other seed procedures on a clean lab, end to end: containerd-apt.yml (seed 001), docker.yml (seed 004)
// and kubelet.yml (seeds 002-004) against the lab's signed apt repositories on 127.0.0.1, with the check-mode
// fidelity comparison, second runs with nothing to change, and bad inputs that must change nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { labDown, type LabState } from '../../lab/index.ts';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import type { AptRepoSet } from '../../lab/types.ts';
import { readKeyring } from '../../modules/apt_key/openpgp.ts';
import { agreement, checkThenApply, snapshot } from './fidelitySupport.ts';
import { ROOT, bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'vendor';
/** A loopback address nothing listens on (lab/paths.ts keeps 250+ free), and one for the test's own key server. */
const DEAD = '127.0.1.250';
const KEY_SERVER = '127.0.1.249';
const APT_STATE = ['/var/lib/apt/lists', '/etc/apt'];

let lab: LabState;
let apt: AptRepoSet;
let inventory: string;
let nodes: Array<[LabState, string]>;
let keyServer: ChildProcess | undefined;

const sh = (node: string, command: string) => onNode(lab, node, command);
const changed = (r: Report) => Object.values(r.recap).reduce((n, c) => n + (c.changed ?? 0), 0);

/** Runs a playbook against the lab with the lab key's fingerprint (plus `extra` -e values). */
async function run(playbook: string, extraVars: string[] = [], flags: string[] = []) {
  const vars = [`docker_apt_key_fingerprint=${apt.keyFingerprint}`, ...extraVars].flatMap((e) => ['-e', e]);
  return engine(['run', playbook, '-i', inventory, ...vars, ...flags], { withReport: true });
}

/** --check then the real run; check must change nothing and agree with the real run wherever it is not unknown. */
async function checkedApply(playbook: string): Promise<{ a: Report; b: Report; unknown: string[] }> {
  const { a, b } = await checkThenApply(playbook, inventory, nodes, ['-e', `docker_apt_key_fingerprint=${apt.keyFingerprint}`], APT_STATE);
  const { line, mismatches, diffMismatches } = agreement(a, b);
  console.log(`${playbook} fresh: ${line}`);
  const unknown = a.results.filter((r) => r.status === 'unknown').map((r) => `${r.host} | ${r.task}`);
  expect(
    mismatches.filter((m) => !/check=unknown/.test(m)),
    mismatches.join('\n'),
  ).toEqual([]);
  expect(diffMismatches).toEqual([]);
  expect(
    b.results.every((r) => r.status !== 'failed'),
    JSON.stringify(b.results.filter((r) => r.status === 'failed')),
  ).toBe(true);
  return { a, b, unknown };
}

/** A converged fleet: a second run changes nothing, and --check predicts exactly that (zero unknown). */
async function expectConverged(playbook: string): Promise<void> {
  const again = await run(playbook);
  expect(again.code, again.stdout).toBe(0);
  expect(changed(again.report!), again.stdout).toBe(0);
  const { a, b } = await checkThenApply(playbook, inventory, nodes, ['-e', `docker_apt_key_fingerprint=${apt.keyFingerprint}`], APT_STATE);
  const { line, mismatches, unknown } = agreement(a, b);
  console.log(`${playbook} converged: ${line}`);
  expect(mismatches).toEqual([]);
  expect(unknown).toBe(0);
}

beforeAll(async () => {
  lab = await bootLab(LAB, 2, 'clean', 181);
  apt = (await ensureArtifacts()).apt;
  nodes = lab.nodes.map((n) => [lab, n.name]);
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  inventory = path.join(dir, 'hosts');
  writeFileSync(inventory, `${readFileSync(lab.inventoryFile, 'utf8')}\n[kube:children]\n${LAB}\n`);
  // A corrupt copy of the lab key (one base64 character changed), served on a loopback address of its own.
  const served = tmpDir();
  const asc = readFileSync('/var/cache/fleetplay/artifacts/apt/fleetplay-lab.asc', 'utf8');
  const at = asc.indexOf('\n\n') + 20;
  writeFileSync(path.join(served, 'corrupt.asc'), asc.slice(0, at) + (asc[at] === 'Q' ? 'R' : 'Q') + asc.slice(at + 1));
  keyServer = spawn('python3', ['-m', 'http.server', '--bind', KEY_SERVER, '8099', '--directory', served], { stdio: 'ignore' });
  // The corrupt-key test must meet a corrupt key, not a server that is not listening yet.
  for (let i = 0; ; i++) {
    const up = await fetch(`http://${KEY_SERVER}:8099/corrupt.asc`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 100) throw new Error(`the test key server on ${KEY_SERVER}:8099 did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 900_000);

afterAll(async () => {
  keyServer?.kill();
  await labDown({ name: LAB });
});

describe('bad inputs fail clearly and change nothing', () => {
  it('a key whose fingerprint is not the pinned one', async () => {
    const before = nodes.map(([l, n]) => snapshot(l, n, APT_STATE));
    const r = await engine(
      ['run', 'playbooks/containerd-apt.yml', '-i', inventory, '-e', `docker_apt_key_fingerprint=${apt.otherKeyFingerprint}`],
      { withReport: true },
    );
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toContain('does not match the wanted fingerprint');
    expect(r.stdout).toContain('/etc/apt/keyrings/docker.gpg was not changed');
    expect(nodes.map(([l, n]) => snapshot(l, n, APT_STATE))).toEqual(before);
  });

  it('a corrupt key', async () => {
    const before = nodes.map(([l, n]) => snapshot(l, n, APT_STATE));
    const r = await run('playbooks/containerd-apt.yml', [`docker_apt_key_url=http://${KEY_SERVER}:8099/corrupt.asc`]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toMatch(/is not a usable OpenPGP public key: .*(checksum mismatch|corrupt)/);
    expect(nodes.map(([l, n]) => snapshot(l, n, APT_STATE))).toEqual(before);
  });
});

describe('containerd-apt.yml (seed 001)', () => {
  it('fresh apply: --check predicts it, then key, source, containerd and its config are in place', async () => {
    const { b, unknown } = await checkedApply('playbooks/containerd-apt.yml');
    // Check mode cannot know what a source added in the same run offers: the install, what needs its unit,
    // and a directory made after it (the package may have made it: whether the task changes it is unknown).
    expect(
      unknown.every((u) => /Install containerd|Enable and start containerd|restart containerd|Smoke-test image directory/.test(u)),
      unknown.join('\n'),
    ).toBe(true);
    expect(changed(b)).toBeGreaterThan(0);
    const keySha = createHash('sha256')
      .update(readKeyring(readFileSync('/var/cache/fleetplay/artifacts/apt/fleetplay-lab.asc', 'utf8')).binary)
      .digest('hex');
    for (const [, n] of nodes) {
      expect(sh(n, 'sha256sum < /etc/apt/keyrings/docker.gpg').stdout.split(' ')[0]).toBe(keySha);
      expect(sh(n, 'cat /etc/apt/sources.list.d/docker.sources').stdout).toContain('Signed-By: /etc/apt/keyrings/docker.gpg');
      expect(sh(n, 'apt-cache policy containerd').stdout).toMatch(
        /http:\/\/127\.0\.0\.1:8765\/apt\/docker bookworm\/stable amd64 Packages/,
      );
      expect(sh(n, 'cat /etc/containerd/config.toml').stdout).toMatch(/SystemdCgroup = true/);
      expect(sh(n, 'cat /etc/crictl.yaml').stdout).toContain('runtime-endpoint: unix:///run/containerd/containerd.sock');
      expect(sh(n, 'systemctl is-active containerd; systemctl is-enabled containerd').stdout).toBe('active\nenabled\n');
      expect(sh(n, 'ctr version').stdout).toMatch(/Server:\s+Version:/);
    }
  });

  it('a second apply changes nothing, and --check on the converged fleet agrees with zero unknown', async () => {
    await expectConverged('playbooks/containerd-apt.yml');
  });

  it('an unreachable repository fails the source task and leaves the working source in place', async () => {
    const before = nodes.map(([l, n]) => snapshot(l, n, APT_STATE));
    // --check asks the repository too (a read), so it predicts the failure.
    const predicted = await run('playbooks/containerd-apt.yml', [`docker_apt_repo_uri=http://${DEAD}/apt/docker`], ['--check']);
    expect(predicted.code, predicted.stdout).toBe(2);
    expect(predicted.stdout).toContain(
      `/etc/apt/sources.list.d/docker.sources would not be changed: apt could not fetch http://${DEAD}/apt/docker/dists/bookworm/InRelease`,
    );
    const r = await run('playbooks/containerd-apt.yml', [`docker_apt_repo_uri=http://${DEAD}/apt/docker`]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toContain('/etc/apt/sources.list.d/docker.sources was not changed');
    expect(r.stdout).toContain(`Failed to fetch http://${DEAD}/apt/docker/dists/bookworm/InRelease`);
    expect(nodes.map(([l, n]) => snapshot(l, n, APT_STATE))).toEqual(before);
  });
});

describe('docker.yml (seed 004)', () => {
  it('fresh apply: --check predicts it (the source is known), and docker runs with the systemd driver on overlay2', async () => {
    const { b, unknown } = await checkedApply('playbooks/docker.yml');
    // The packages are known now, but not the unit files they bring: starting docker is unknown until then.
    expect(unknown.sort()).toEqual(lab.nodes.flatMap((n) => [`${n.name} | Enable and start docker`, `${n.name} | restart docker`]).sort());
    expect(b.results.filter((r) => r.handler && r.status === 'changed').map((r) => r.task)).toEqual(lab.nodes.map(() => 'restart docker'));
    for (const [, n] of nodes) {
      const info = sh(n, 'docker info');
      expect(info.stdout, info.stderr).toMatch(/Cgroup Driver: systemd/);
      expect(info.stdout).toMatch(/Storage Driver: overlay2/);
      expect(JSON.parse(sh(n, 'cat /etc/docker/daemon.json').stdout)).toMatchObject({
        'log-driver': 'json-file',
        'log-opts': { 'max-size': '100m' },
      });
      expect(sh(n, 'test -d /etc/systemd/system/docker.service.d && echo dir').stdout).toBe('dir\n');
    }
  });

  it('a second apply changes nothing; the same settings in another key order are not a change (no restart)', async () => {
    await expectConverged('playbooks/docker.yml');
    const [, n] = nodes[0]!;
    const pid = sh(n, 'systemctl show -p MainPID --value docker').stdout;
    sh(
      n,
      `python3 -c 'import json; d=json.load(open("/etc/docker/daemon.json")); json.dump(dict(reversed(list(d.items()))), open("/etc/docker/daemon.json","w"))'`,
    );
    const r = await run('playbooks/docker.yml');
    expect(changed(r.report!), r.stdout).toBe(0);
    expect(r.stdout).toContain('holds the same JSON');
    expect(sh(n, 'systemctl show -p MainPID --value docker').stdout).toBe(pid);
  });

  it('a variable that renders invalid JSON fails the daemon.json task, and nothing changes or restarts', async () => {
    const before = nodes.map(([l, n]) => snapshot(l, n, APT_STATE));
    const r = await run('playbooks/docker.yml', [JSON.stringify({ docker_log_max_size: '100m"' })]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toMatch(
      /the content for \/etc\/docker\/daemon.json is not valid JSON \(format: json\), so nothing was written: .* at line 5 column/,
    );
    expect(nodes.map(([l, n]) => snapshot(l, n, APT_STATE))).toEqual(before);
  });
});

describe('kubelet.yml (seeds 002-004)', () => {
  it('fresh apply: packages pinned and held, kubeadm config names the containerd socket', async () => {
    const { unknown } = await checkedApply('playbooks/kubelet.yml');
    expect(
      unknown.every((u) => /Install |kubeadm configuration directory/.test(u)),
      unknown.join('\n'),
    ).toBe(true);
    for (const [, n] of nodes) {
      expect(sh(n, 'apt-mark showhold').stdout.trim().split('\n').sort()).toEqual(['kubectx', 'kubernetes-client', 'kubetail']);
      expect(sh(n, 'apt-cache policy kubernetes-client').stdout).toContain('http://127.0.0.1:8765/apt/kubernetes/deb  Packages');
      const docs = parseAllDocuments(sh(n, 'cat /etc/kubernetes/kubeadm-config.yaml').stdout).map(
        (d) => d.toJS() as Record<string, unknown>,
      );
      const kubelet = docs.find((d) => d.kind === 'KubeletConfiguration');
      expect(kubelet).toMatchObject({ cgroupDriver: 'systemd', containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock' });
      expect(docs.find((d) => d.kind === 'InitConfiguration')).toMatchObject({
        nodeRegistration: { criSocket: 'unix:///run/containerd/containerd.sock' },
      });
    }
  });

  it('a second apply changes nothing, and --check agrees with zero unknown', async () => {
    await expectConverged('playbooks/kubelet.yml');
  });

  it('unholding a package is a change once, then ok', async () => {
    const r = await run('test/e2e/playbooks/vendor/unhold.yml', ['unhold_package=kubetail']);
    expect(r.code, r.stdout).toBe(0);
    expect(changed(r.report!)).toBe(lab.nodes.length);
    for (const [, n] of nodes)
      expect(sh(n, 'apt-mark showhold').stdout.trim().split('\n').sort()).toEqual(['kubectx', 'kubernetes-client']);
    const again = await run('test/e2e/playbooks/vendor/unhold.yml', ['unhold_package=kubetail']);
    expect(changed(again.report!)).toBe(0);
  });

  it('removing a repository deletes its source, and apt no longer offers its packages', async () => {
    const r = await run('test/e2e/playbooks/vendor/remove-kubernetes-repo.yml');
    expect(r.code, r.stdout).toBe(0);
    expect(changed(r.report!)).toBe(lab.nodes.length);
    for (const [, n] of nodes) {
      expect(sh(n, 'test -e /etc/apt/sources.list.d/kubernetes.sources && echo there || echo gone').stdout).toBe('gone\n');
      expect(sh(n, 'apt-cache policy kubernetes-client').stdout).not.toContain('127.0.0.1:8765/apt/kubernetes');
    }
    const again = await run('test/e2e/playbooks/vendor/remove-kubernetes-repo.yml');
    expect(changed(again.report!)).toBe(0);
  });
});
