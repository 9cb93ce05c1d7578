// End-to-end: public Ansible roles of fleetplay's field, pinned unchanged under test/fixtures/roles/, run
// by fleetplay on real lab nodes through the wrapper playbooks a new user would write
// (test/fixtures/roles/playbooks/, vars pointing downloads at the lab). The roles run in order on the same
// two nodes, each from the state the ones before it left (the first three from fresh nodes): --check changes
// nothing and predicts the real run for every task it predicts, the real run converges, the second run
// changes nothing, and --check on the converged node agrees with it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import { labDown, type LabState } from '../../lab/index.ts';
import { agreement, checkThenApply } from './fidelitySupport.ts';
import { bootLab, engine, labInventory, onNode, ROOT, type Report } from './support.ts';

const LAB = 'roles';
let lab: LabState;
let inventory: string;
const PLAYBOOKS = path.join(ROOT, 'test/fixtures/roles/playbooks');

beforeAll(async () => {
  lab = await bootLab(LAB, 2, 'clean', 14);
  // The wrapper playbooks target the group `kube`, as a user's inventory would name it.
  inventory = labInventory(lab, `[kube:children]\n${LAB}\n`);
  for (const node of lab.nodes) {
    // A lab node is a container: it may set net.* only. Debian's vendor sysctl files set kernel.pid_max and
    // fs.protected_*, which would fail `sysctl --system` (the roles' handlers); an operator masks them the
    // documented way, with a same-named /dev/null link in /etc/sysctl.d.
    const mask = onNode(
      lab,
      node.name,
      'ln -sfn /dev/null /etc/sysctl.d/50-pid-max.conf && ln -sfn /dev/null /etc/sysctl.d/99-protect-links.conf && sysctl --system >/dev/null',
    );
    expect(mask.code, mask.stderr).toBe(0);
  }
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const nodes = (): Array<[LabState, string]> => lab.nodes.map((n) => [lab, n.name] as [LabState, string]);
const changedCount = (r: Report): number => r.results.filter((x) => x.status === 'changed').length;
const failedOf = (r: Report): string[] =>
  r.results.filter((x) => x.status === 'failed' && !('ignored' in x && x.ignored)).map((x) => `${x.host} ${x.task}: ${x.msg}`);

/**
 * Every (host, task, item) --check predicted has the real run's status; the ones it could not predict are
 * only the commands the role runs without changed_when, named here.
 */
function expectAgreement(check: Report, real: Report, unpredictable: string[]): void {
  const { line, mismatches } = agreement(check, real);
  const unknownTasks = [...new Set(check.results.filter((r) => r.status === 'unknown').map((r) => r.task))].sort();
  expect(unknownTasks, line).toEqual([...unpredictable].sort());
  const predictedMismatches = mismatches.filter((m) => !/: check=unknown /.test(m));
  expect(predictedMismatches, line).toEqual([]);
}

/** The tasks --check leaves unknown, from a fresh node and on a converged one. */
interface Unpredictable {
  fresh: string[];
  converged: string[];
}

async function converge(role: string, unpredictable: Unpredictable, extra: string[] = []): Promise<{ first: Report; second: Report }> {
  const playbook = path.join(PLAYBOOKS, `${role}.yml`);
  const valid = await engine(['validate', playbook, '-i', inventory]);
  expect(valid.code, valid.stderr + valid.stdout).toBe(0);
  // From the fresh node: --check changes nothing (checkThenApply snapshots the nodes) and predicts the run.
  const { a, b } = await checkThenApply(playbook, inventory, nodes(), extra);
  expect(failedOf(b), JSON.stringify(b.recap)).toEqual([]);
  expect(changedCount(b)).toBeGreaterThan(0);
  expectAgreement(a, b, unpredictable.fresh);
  // Converged: the second run changes nothing, and --check on the converged nodes says the same.
  const { a: c, b: second } = await checkThenApply(playbook, inventory, nodes(), extra);
  expect(failedOf(second)).toEqual([]);
  expect(changedCount(second), JSON.stringify(second.results.filter((x) => x.status === 'changed'))).toBe(0);
  expectAgreement(c, second, unpredictable.converged);
  return { first: b, second };
}

describe('public roles, unchanged, on the lab', () => {
  it('cloud3rsio/ansible-role-kernel-params: the sysctl file from its Jinja2 template, applied by its handler', async () => {
    const { first } = await converge('cloud3rsio.ansible-role-kernel-params', { fresh: ['set_sysctl'], converged: [] });
    expect(
      first.results
        .filter((r) => r.handler && r.status === 'changed')
        .map((r) => r.host)
        .sort(),
    ).toEqual(lab.nodes.map((n) => n.name).sort());
    for (const node of lab.nodes) {
      const r = onNode(lab, node.name, 'cat /etc/sysctl.d/10-custom.conf; sysctl -n net.ipv4.ip_forward');
      expect(r.stdout).toBe(
        'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n1\n',
      );
    }
  }, 600_000);

  it('iamenr0s/ansible-role-kernel-configuration: sysctls by ansible.posix.sysctl, modules by community.general.modprobe', async () => {
    // The role skips sysctls and persistent modules in a container (a lab node is a systemd-nspawn guest);
    // net.* sysctls do work in the lab, so the fact is overridden as an operator would, with -e (which
    // outranks set_fact, as in Ansible).
    await converge('iamenr0s.ansible-role-kernel-configuration', { fresh: [], converged: [] }, ['-e', '{"kernel_in_container": false}']);
    for (const node of lab.nodes) {
      const r = onNode(
        lab,
        node.name,
        'cat /etc/sysctl.d/99-kernel-parameters.conf; sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables; cat /etc/modules-load.d/overlay.conf /etc/modules-load.d/br_netfilter.conf',
      );
      expect(r.stdout).toBe(
        'net.ipv4.ip_forward=1\nnet.bridge.bridge-nf-call-iptables=1\nnet.bridge.bridge-nf-call-ip6tables=1\n1\n1\noverlay\nbr_netfilter\n',
      );
    }
  }, 600_000);

  it('geerlingguy/ansible-role-containerd: the Docker apt repository, containerd from apt, config.toml with SystemdCgroup', async () => {
    // Honest unknowns: a new apt source (what it offers is known once fetched), and the role's config.toml
    // built from the output of `containerd config default`, a command check mode does not run (Ansible's
    // own check mode fails at that task: the skipped command registers no stdout).
    const fromDefaults = [
      'Prepare containerd/config.toml from default config',
      'Set Cgroup driver to systemd',
      'Copy config.toml to /etc/containerd',
    ];
    await converge('geerlingguy.ansible-role-containerd', {
      fresh: [
        'Ensure containerd is installed.',
        'Ensure containerd is started and enabled at boot.',
        // containerd's package makes /etc/containerd; the install is unknown, so whether it exists is too.
        'Ensure containerd config directory exists.',
        ...fromDefaults,
        'Cleanup temporary file',
        'restart containerd',
      ],
      converged: [...fromDefaults, 'Cleanup temporary file', 'restart containerd'],
    });
    for (const node of lab.nodes) {
      const r = onNode(
        lab,
        node.name,
        'systemctl is-active containerd; grep -c "SystemdCgroup = true" /etc/containerd/config.toml; cat /etc/apt/sources.list.d/docker.sources',
      );
      expect(r.stdout).toMatch(/^active\n1\n/);
      expect(r.stdout).toMatch(/URIs: http:\/\/127\.0\.0\.1:8765\/apt\/docker/);
    }
  }, 900_000);

  it('geerlingguy/ansible-role-docker: the Docker apt repository as deb822, docker.io from it, daemon.json, the service', async () => {
    // The role's vars/Debian.yml (include_vars, which outranks play and role vars) lists docker.io, containerd and
    // runc as obsolete packages to remove; a user installing Debian's docker.io overrides that the only way
    // Ansible allows, with -e.
    // It runs after the containerd role on the same nodes, so the Docker apt source it adds is already there
    // and check mode predicts the install. Honest unknowns before Docker is installed: the /etc/docker its
    // package makes, the service it brings and the restart it notifies.
    await converge(
      'geerlingguy.ansible-role-docker',
      {
        fresh: ['Ensure /etc/docker/ directory exists.', 'Ensure Docker is started and enabled at boot.', 'restart docker'],
        converged: [],
      },
      ['-e', '{"docker_obsolete_packages": []}'],
    );
    for (const node of lab.nodes) {
      const r = onNode(
        lab,
        node.name,
        'systemctl is-active docker; cat /etc/docker/daemon.json; echo; grep -h URIs /etc/apt/sources.list.d/docker.sources',
      );
      expect(r.stdout).toBe(
        'active\n{\n    "bridge": "none",\n    "ip-masq": false,\n    "iptables": false\n}\nURIs: http://127.0.0.1:8765/apt/docker\n',
      );
    }
  }, 900_000);

  it('alvistack/ansible-role-containerd: the key by checksum, a deb822 source, containerd from it, its config, modules and sysctls', async () => {
    // Its repository list (_apt_key, _deb822_repository, _apt) comes from include_vars of vars/debian-12.yml,
    // which outranks play and role vars: a user points it at another repository with -e, as here at the lab's
    // (the key's checksum is the lab key's, made on this machine).
    const key = path.join((await ensureArtifacts()).dir, 'apt/fleetplay-lab.asc');
    const sha256 = createHash('sha256').update(readFileSync(key)).digest('hex');
    const repository = {
      _apt_key: [
        { url: 'http://127.0.0.1:8765/apt/fleetplay-lab.asc', dest: '/etc/apt/keyrings/docker.asc', checksum: `sha256:${sha256}` },
      ],
      _deb822_repository: [
        {
          name: 'docker',
          types: 'deb',
          uris: 'http://127.0.0.1:8765/apt/docker',
          suites: 'bookworm',
          components: 'stable',
          signed_by: '/etc/apt/keyrings/docker.asc',
          architectures: 'amd64',
          enabled: true,
          state: 'present',
        },
      ],
      _apt: [{ state: 'latest', name: 'containerd' }],
    };
    await converge(
      'alvistack.ansible-role-containerd',
      // After the roles above, containerd is installed: only what the changed apt source offers is unknown.
      { fresh: ['apt-get install'], converged: [] },
      ['-e', JSON.stringify(repository)],
    );
    for (const node of lab.nodes) {
      const r = onNode(
        lab,
        node.name,
        'systemctl is-active containerd; grep -c snapshotter /etc/containerd/config.toml; cat /usr/lib/modules-load.d/containerd.conf; grep -h URIs /etc/apt/sources.list.d/docker.sources',
      );
      // ini_file leaves a blank last line when it adds to a file without sections, as Ansible's does.
      expect(r.stdout).toBe('active\n1\nbr_netfilter\noverlay\n\nURIs: http://127.0.0.1:8765/apt/docker\n');
    }
  }, 900_000);
});
