// Every seed playbook from the starting states a real fleet has (issue #13): Docker-era nodes (docker.io,
// containerd, runc, containerd.service masked), half-done nodes (a run of the same playbook interrupted
// midway, its handlers left pending), and nodes converged by another seed playbook (switching between the
// release binaries and the apt package must leave one containerd). For every (playbook, starting state):
// --check on the starting state agrees with the apply, the apply fails nothing, and a second run changes
// nothing. An upgrade on a node whose containerd comes from a package stops before changing anything.
// Clean nodes are covered by vendor-repos.test.ts (the apt playbooks) and here (containerd.yml); Docker-era
// nodes under containerd.yml by fidelity.test.ts and containerd.test.ts.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import { agreement, checkThenApply, snapshot } from './fidelitySupport.ts';
import { ROOT, bootLab, engine, onNode, startEngine, tmpDir, type Report } from './support.ts';

const APT_STATE = ['/var/lib/apt/lists', '/etc/apt'];
const PLAYBOOKS = ['containerd', 'containerd-apt', 'docker', 'kubelet'] as const;
type Playbook = (typeof PLAYBOOKS)[number];
const file = (p: Playbook | 'containerd-upgrade') => `playbooks/${p}.yml`;

/** A node, where it starts from, and the playbook under test. */
interface Case {
  node: string;
  lab: LabState;
  from: 'legacy' | 'clean' | 'half-done' | 'dpkg interrupted' | `after ${Playbook}`;
  playbook: Playbook;
}

let legacy: LabState;
let clean: LabState;
let inventory: string;
let vars: string[];
/** Retry directory per playbook: the half-done node's pending handlers carry over to the next run, as for an operator. */
const retryDirs = new Map<Playbook, string>();
const cases: Case[] = [];
const outcome = new Map<Playbook, Promise<{ a: Report; b: Report; again: Report; code: number; out: string }>>();

const sh = (c: Case, command: string) => onNode(c.lab, c.node, command);
const changed = (r: Report) => Object.values(r.recap).reduce((n, c) => n + (c.changed ?? 0), 0);
const run = (p: Playbook | 'containerd-upgrade', limit: string[], flags: string[] = [], retryDir = tmpDir()) =>
  engine(['run', file(p), '-i', inventory, ...vars, '--limit', limit.join(','), ...flags], {
    withReport: true,
    env: { FLEETPLAY_RETRY_DIR: retryDir },
  });

/** Converges `nodes` with playbook `p` (a starting state), failing loudly if it does not. */
async function converge(p: Playbook, nodes: string[]): Promise<void> {
  const r = await run(p, nodes);
  if (r.code !== 0) throw new Error(`preparing ${nodes.join(', ')} with ${p} failed:\n${r.stdout}`);
}

/** Runs `p` on `node` and interrupts it (SIGINT: the task in flight finishes, no new one starts) once `task` starts. */
async function interrupt(p: Playbook, node: string, task: string): Promise<void> {
  const running = startEngine(['run', file(p), '-i', inventory, ...vars, '--limit', node], { FLEETPLAY_RETRY_DIR: retryDirs.get(p)! });
  await running.waitFor(`TASK [${task}`, 300_000);
  running.signal('SIGINT');
  const { code, stdout } = await running.done;
  if (code !== 130) throw new Error(`${p} on ${node} was not interrupted (exit ${code}):\n${stdout}`);
}

/** --check, apply, and a second run of `p` over its cases' nodes at once. */
async function underTest(p: Playbook) {
  const mine = cases.filter((c) => c.playbook === p);
  const env = { FLEETPLAY_RETRY_DIR: retryDirs.get(p)! };
  const { a, b } = await checkThenApply(
    file(p),
    inventory,
    mine.map((c) => [c.lab, c.node]),
    [...vars, '--limit', mine.map((c) => c.node).join(',')],
    APT_STATE,
    env,
  );
  const again = await engine(['run', file(p), '-i', inventory, ...vars, '--limit', mine.map((c) => c.node).join(',')], {
    withReport: true,
    env,
  });
  return { a, b, again: again.report!, code: again.code, out: again.stdout };
}

beforeAll(async () => {
  [legacy, clean] = await Promise.all([bootLab('mxl', 8, 'legacy', 90), bootLab('mxc', 6, 'clean', 80)]);
  vars = ['-e', `docker_apt_key_fingerprint=${(await ensureArtifacts()).apt.keyFingerprint}`];
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  inventory = path.join(dir, 'hosts');
  writeFileSync(
    inventory,
    `${readFileSync(legacy.inventoryFile, 'utf8')}\n${readFileSync(clean.inventoryFile, 'utf8')}\n[kube:children]\nmxl\nmxc\n`,
  );
  for (const p of PLAYBOOKS) retryDirs.set(p, tmpDir());

  const [l, c] = [legacy.nodes.map((n) => n.name), clean.nodes.map((n) => n.name)];
  const add = (lab: LabState, node: string, from: Case['from'], playbook: Playbook) => cases.push({ lab, node, from, playbook });
  for (const [i, p] of PLAYBOOKS.filter((x) => x !== 'containerd').entries()) add(legacy, l[i]!, 'legacy', p);
  for (const [i, p] of PLAYBOOKS.entries()) add(legacy, l[3 + i]!, 'half-done', p);
  // Killed mid-install (a second Ctrl-C, a dropped connection): dpkg's journal is left, and apt-get
  // refuses to change packages until `dpkg --configure -a` (playbooks/tasks/dpkg-interrupted.yml).
  add(legacy, l[7]!, 'dpkg interrupted', 'containerd');
  add(clean, c[0]!, 'clean', 'containerd');
  add(clean, c[1]!, 'after docker', 'containerd');
  add(clean, c[2]!, 'after containerd-apt', 'containerd');
  add(clean, c[3]!, 'after containerd', 'containerd-apt');
  add(clean, c[4]!, 'after containerd', 'docker');
  add(clean, c[5]!, 'after containerd', 'kubelet');

  // Starting states, prepared at once. Half-done: each playbook interrupted at a step that leaves work
  // behind (packages removed and nothing installed yet; a repository added and a handler pending).
  const prepared = cases.filter((x) => x.from.startsWith('after ')).map((x) => [x.from.slice(6) as Playbook, x.node] as const);
  const half = (p: Playbook) => cases.find((x) => x.from === 'half-done' && x.playbook === p)!.node;
  const journal = cases.find((x) => x.from === 'dpkg interrupted')!;
  expect(sh(journal, ': > /var/lib/dpkg/updates/0000 && apt-get -y remove runc 2>&1 | tail -1').stdout).toMatch(/dpkg was interrupted/);
  await Promise.all([
    ...[...new Set(prepared.map(([q]) => q))].map((q) =>
      converge(
        q,
        prepared.filter(([r]) => r === q).map(([, n]) => n),
      ),
    ),
    interrupt('containerd', half('containerd'), 'Download containerd'),
    interrupt('containerd-apt', half('containerd-apt'), 'Install '),
    interrupt('docker', half('docker'), 'Install '),
    interrupt('kubelet', half('kubelet'), 'Install '),
  ]);
}, 1_200_000);

afterAll(async () => {
  await Promise.all([labDown({ name: 'mxl' }), labDown({ name: 'mxc' })]);
});

describe('containerd-upgrade.yml is not a migration', () => {
  it('stops, before changing anything, on nodes whose containerd comes from a package (Docker-era, docker.yml)', async () => {
    const targets = [cases.find((x) => x.from === 'legacy' && x.playbook === 'kubelet')!, cases.find((x) => x.from === 'after docker')!];
    const before = targets.map((t) => snapshot(t.lab, t.node, APT_STATE));
    // One node per run: the first failure stops the rollout (max_fail_percentage: 0), so a second node
    // in the same run would not be reached.
    for (const n of targets.map((t) => t.node)) {
      for (const flags of [['--check'], []]) {
        const r = await run('containerd-upgrade', [n], flags);
        expect(r.code, r.stdout).toBe(2);
        expect(r.stdout).toContain('rollout stopped: 1 of 1 hosts of batch 1 failed');
        const stop = r.report!.results.find((x) => x.host === n && x.task === 'Stop where containerd comes from a package');
        expect(stop?.status, r.stdout).toBe('failed');
        expect(stop?.msg).toMatch(
          /comes from the package (docker\.io, containerd|containerd, docker\.io).*does not migrate a node\. Run playbooks\/containerd\.yml/s,
        );
        // Nothing ran after the stop, and nothing before it changed anything.
        const mine = r.report!.results.filter((x) => x.host === n);
        expect(mine.at(-1)?.task).toBe('Stop where containerd comes from a package');
        expect(mine.filter((x) => x.status !== 'ok' && x.status !== 'skipped').map((x) => `${x.task}: ${x.status}`)).toEqual([
          'Stop where containerd comes from a package: failed',
        ]);
      }
    }
    for (const [i, t] of targets.entries()) expect(snapshot(t.lab, t.node, APT_STATE), `${t.node} changed`).toBe(before[i]);
  });
});

describe.each(PLAYBOOKS)('%s.yml from every starting state', (p) => {
  beforeAll(() => {
    // The four playbooks run at once on their own nodes; each describe waits for its own.
    for (const q of PLAYBOOKS) if (!outcome.has(q)) outcome.set(q, underTest(q));
  });

  it('--check agrees with the apply, the apply fails nothing, and a second run changes nothing', async () => {
    const { a, b, again, code, out } = await outcome.get(p)!;
    for (const c of cases.filter((x) => x.playbook === p)) {
      const only = (r: Report): Report => ({ ...r, results: r.results.filter((x) => x.host === c.node) });
      const { line, mismatches, diffMismatches } = agreement(only(a), only(b));
      console.log(`${p}.yml from ${c.from} (${c.node}): ${line}`);
      // Check mode cannot know what a repository added in the same run offers: an install from it (what
      // needs the installed unit, and a directory made after it, which the package may make) is unknown,
      // never a wrong prediction.
      // On a node where dpkg was interrupted, check mode cannot know what `dpkg --configure -a` will do.
      const unpredictable =
        c.from === 'dpkg interrupted'
          ? /check=unknown/
          : /\| (Install |Enable and start (containerd|docker)|restart (containerd|docker)|[\w -]+ directory \|).*check=unknown/;
      expect(
        mismatches.filter((m) => !unpredictable.test(m)),
        `${c.from}: ${mismatches.join('\n')}`,
      ).toEqual([]);
      expect(diffMismatches, c.from).toEqual([]);
      expect(
        only(b).results.filter((r) => r.status === 'failed' || r.status === 'unreachable'),
        c.from,
      ).toEqual([]);
      expect(changed(only(b)), `${c.from}: the apply changed nothing`).toBeGreaterThan(0);
      expect(again.recap[c.node], `${c.from}: second run\n${out}`).toMatchObject({ changed: 0, failed: 0 });
      // Docker-era nodes: the mask from seed 000 is what the apt playbooks used to fail on.
      if (c.from === 'legacy' && (p === 'containerd-apt' || p === 'docker')) {
        expect(only(b).results.find((r) => r.task === 'Unmask containerd (Docker-era nodes)')?.status).toBe('changed');
      }
    }
    expect(code, out).toBe(0);
  });

  it('leaves one containerd, from the source the playbook installs, running', () => {
    for (const c of cases.filter((x) => x.playbook === p)) {
      const where = sh(
        c,
        'systemctl show -p FragmentPath --value containerd; readlink /proc/$(systemctl show -p MainPID --value containerd)/exe; for b in containerd runc ctr; do which -a $b | xargs -r readlink -f | sort -u; done | tr "\\n" " "',
      ).stdout.split('\n');
      const running = sh(c, 'systemctl is-active containerd; systemctl is-enabled containerd').stdout;
      if (p === 'containerd') {
        expect(where.slice(0, 2), c.from).toEqual(['/usr/local/lib/systemd/system/containerd.service', '/usr/local/bin/containerd']);
        expect(where[2]!.trim(), c.from).toBe('/usr/local/bin/containerd /usr/local/sbin/runc /usr/local/bin/ctr');
        expect(
          sh(c, "dpkg-query -W -f='${db:Status-Abbrev}${Package}\\n' docker.io containerd runc 2>/dev/null | grep ^ii || true").stdout,
          c.from,
        ).toBe('');
      } else if (p !== 'kubelet' || c.from === 'after containerd') {
        const expected =
          p === 'kubelet'
            ? ['/usr/local/lib/systemd/system/containerd.service', '/usr/local/bin/containerd']
            : ['/lib/systemd/system/containerd.service', '/usr/bin/containerd'];
        expect(where.slice(0, 2), c.from).toEqual(expected);
        if (p !== 'kubelet') expect(where[2]!.trim(), c.from).toBe('/usr/bin/containerd /usr/sbin/runc /usr/bin/ctr');
      }
      // docker.yml enables docker, which starts containerd (Wants=); containerd itself stays as it was.
      if (p === 'docker') expect(running, c.from).toMatch(/^active\n/);
      else if (p !== 'kubelet' || c.from === 'after containerd') expect(running, c.from).toBe('active\nenabled\n');
      if (p !== 'kubelet')
        expect(sh(c, 'test -e /etc/systemd/system/containerd.service && echo masked || echo unmasked').stdout.trim(), c.from).toBe(
          'unmasked',
        );
      if (p === 'docker') {
        expect(sh(c, 'systemctl is-active docker').stdout.trim(), c.from).toBe('active');
        expect(sh(c, "docker info --format '{{.CgroupDriver}}'").stdout.trim(), c.from).toBe('systemd');
      }
      if (p === 'kubelet')
        expect(sh(c, 'apt-mark showhold').stdout.split('\n').filter(Boolean).sort(), c.from).toEqual([
          'kubectx',
          'kubernetes-client',
          'kubetail',
        ]);
    }
  });
});
