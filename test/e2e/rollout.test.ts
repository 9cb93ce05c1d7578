// End-to-end fleet upgrades on real lab nodes: rolling batches, a failure budget that stops the
// rollout, resume from the retry file, a node killed mid-run, a slow link, and an interrupt.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ROOT, bootLab, engine, labInventory, onNode, startEngine, tmpDir, type Report } from './support.ts';

const UPGRADE = 'playbooks/containerd-upgrade.yml';
let fleet: LabState;
let inventory: string;

function kubeInventory(lab: LabState): string {
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  const file = path.join(dir, 'hosts');
  writeFileSync(file, `${readFileSync(lab.inventoryFile, 'utf8')}\n[kube:children]\n${lab.name}\n`);
  return file;
}

function batchesOf(report: Report): string[][] {
  const out: string[][] = [];
  for (const r of report.results) {
    if (!r.batch) continue;
    out[r.batch - 1] ??= [];
    if (!out[r.batch - 1]!.includes(r.host)) out[r.batch - 1]!.push(r.host);
  }
  return out.map((b) => b.sort((x, y) => x.localeCompare(y, 'en', { numeric: true })));
}

function startsSince(node: string, since: number): number {
  return Number(
    onNode(fleet, node, `journalctl -u containerd --since @${since} -o cat | grep -c '^Started containerd' || true`).stdout.trim(),
  );
}

beforeAll(async () => {
  fleet = await bootLab('roll', 10, 'legacy', 141);
  inventory = kubeInventory(fleet);
  const converge = await engine(['run', 'playbooks/containerd.yml', '-i', inventory]);
  if (converge.code !== 0) throw new Error(`converging the fleet at 1.6.20 failed:\n${converge.stdout}`);
});

afterAll(async () => {
  await labDown({ name: 'roll' });
});

describe('rolling upgrade of a 10-node fleet running containerd 1.6.20', () => {
  it('upgrades to 1.7.24 in batches of 1, 30%, 100%, restarting each containerd once', async () => {
    // Leave the converge's own restarts in an earlier second than `since` (the journal filter's unit).
    await new Promise((r) => setTimeout(r, 1100));
    // --check predicts the same batches, and the same changes per host, without touching a node.
    const check = await engine(['run', UPGRADE, '-i', inventory, '-e', 'containerd_version=1.7.24', '--check'], {
      withReport: true,
      env: { FLEETPLAY_RETRY_DIR: tmpDir() },
    });
    expect(check.code, check.stdout).toBe(0);
    const all = fleet.nodes.map((n) => n.name);
    expect(batchesOf(check.report!)).toEqual([all.slice(0, 1), all.slice(1, 4), all.slice(4)]);
    for (const n of all) expect(onNode(fleet, n, 'ctr version').stdout).toMatch(/Server:\s+Version:\s+v?1\.6\.20/);
    const since = Math.floor(Date.now() / 1000);
    const r = await engine(['run', UPGRADE, '-i', inventory, '-e', 'containerd_version=1.7.24'], {
      withReport: true,
      env: { FLEETPLAY_RETRY_DIR: tmpDir() },
    });
    const changedOf = (rep: Report) =>
      rep.results
        .filter((x) => x.status === 'changed')
        .map((x) => `${x.host} ${x.task}`)
        .sort();
    expect(changedOf(check.report!)).toEqual(changedOf(r.report!));
    expect(r.code, r.stdout).toBe(0);
    const names = fleet.nodes.map((n) => n.name);
    expect(batchesOf(r.report!)).toEqual([names.slice(0, 1), names.slice(1, 4), names.slice(4)]);
    // Batches ran one after another: every result of batch k had ended when the first of batch k+1
    // started. Stamps are in milliseconds, so a result may end in the same one the next batch starts.
    const of = (b: number) => r.report!.results.filter((x) => x.batch === b);
    const ends = (b: number) => of(b).map((x) => Date.parse(x.startedAt!) + x.durationMs!);
    const starts = (b: number) => of(b).map((x) => Date.parse(x.startedAt!));
    for (const b of [1, 2]) expect(Math.max(...ends(b))).toBeLessThanOrEqual(Math.min(...starts(b + 1)));
    for (const n of names) {
      expect(onNode(fleet, n, 'ctr version').stdout).toMatch(/Server:\s+Version:\s+v?1\.7\.24/);
      expect(startsSince(n, since)).toBe(1);
    }
  });

  it('stops before batch 3 when a batch-2 node breaks, then resumes from the retry file', async () => {
    const broken = fleet.nodes[2]!.name; // in batch 2
    expect(onNode(fleet, broken, 'mount --bind /usr/local/bin /usr/local/bin && mount -o remount,bind,ro /usr/local/bin').code).toBe(0);
    const retryDir = tmpDir();
    const r = await engine(['run', UPGRADE, '-i', inventory, '-e', 'containerd_version=1.6.20'], {
      withReport: true,
      env: { FLEETPLAY_RETRY_DIR: retryDir },
    });
    expect(r.code, r.stdout).toBe(2);
    const names = fleet.nodes.map((n) => n.name);
    expect(r.report!.recap[broken]).toMatchObject({ failed: 1 });
    expect(r.report!.notRun).toEqual(names.slice(4));
    expect(batchesOf(r.report!)).toHaveLength(2);
    expect(r.stdout).toMatch(/rollout stopped: 1 of 3 hosts of batch 2 failed or were unreachable \(max_fail_percentage 0\)/);
    for (const n of names.slice(4)) expect(r.stdout).toMatch(new RegExp(`^${n}\\s+: not run$`, 'm'));
    const retryFile = path.join(retryDir, 'containerd-upgrade.retry');
    expect(r.stdout).toContain(`retry file: ${retryFile}`);
    expect(readFileSync(retryFile, 'utf8').trim().split('\n')).toEqual([broken, ...names.slice(4)]);
    for (const n of names.slice(4)) expect(onNode(fleet, n, 'ctr version').stdout).toMatch(/Version:\s+v?1\.7\.24/);

    expect(onNode(fleet, broken, 'umount /usr/local/bin').code).toBe(0);
    const resumed = await engine(['run', UPGRADE, '-i', inventory, '-e', 'containerd_version=1.6.20', '--limit', `@${retryFile}`], {
      withReport: true,
      env: { FLEETPLAY_RETRY_DIR: retryDir },
    });
    expect(resumed.code, resumed.stdout).toBe(0);
    expect(Object.keys(resumed.report!.recap).sort()).toEqual([broken, ...names.slice(4)].sort());
    const final = await engine(['run', UPGRADE, '-i', inventory, '-e', 'containerd_version=1.6.20'], {
      withReport: true,
      env: { FLEETPLAY_RETRY_DIR: retryDir },
    });
    expect(final.code).toBe(0);
    for (const n of names) {
      expect(final.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
      expect(onNode(fleet, n, 'ctr version').stdout).toMatch(/Server:\s+Version:\s+v?1\.6\.20/);
    }
    expect(readFileSync(retryFile, 'utf8')).toBe('');
  });
});

describe('failures on a small lab', () => {
  let lab: LabState;
  let inv: string;
  const boot = async () => {
    lab = await bootLab('chaos', 3, 'clean', 161);
    inv = labInventory(lab);
  };
  beforeAll(boot);
  afterAll(async () => {
    spawnSync('tc', ['qdisc', 'del', 'dev', 'lo', 'root']);
    await labDown({ name: 'chaos' });
  });

  it('a node killed mid-run is unreachable within the timeout; the others finish, nothing half-written', async () => {
    const victim = lab.nodes[1]!;
    const reportFile = path.join(tmpDir(), 'report.json');
    const running = startEngine(['run', 'test/e2e/playbooks/rollout/slow.yml', '-i', inv, '--timeout', '5', '--report', reportFile], {
      FLEETPLAY_RETRY_DIR: tmpDir(),
    });
    await running.waitFor('TASK [A slow command]');
    await new Promise((r) => setTimeout(r, 1000));
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGTERM'); // systemd-nspawn powers the node off mid-task
    const done = await running.done;
    const r = { code: done.code, stdout: done.stdout, report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report };
    expect(r.code, r.stdout).toBe(3);
    expect(r.report!.recap[victim.name]).toMatchObject({ unreachable: 1 });
    const lost = r.report.results.find((x) => x.host === victim.name && x.status === 'unreachable');
    expect(lost).toBeDefined();
    expect(Date.parse(lost!.startedAt!) + lost!.durationMs! - killedAt).toBeLessThan(20_000);
    for (const n of lab.nodes.filter((x) => x !== victim)) {
      expect(r.report!.recap[n.name]).toMatchObject({ failed: 0, unreachable: 0 });
      expect(onNode(lab, n.name, 'cat /srv/chaos/data.txt; ls -A /srv/chaos').stdout).toBe('complete\ndata.txt\n');
    }
  });

  it('on a slow link, a task whose timeout is below the transfer time times out; a longer timeout succeeds', async () => {
    await labDown({ name: 'chaos' });
    await boot();
    const slow = lab.nodes[0]!;
    const tc = (...args: string[]) => {
      const r = spawnSync('tc', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`tc ${args.join(' ')}: ${r.stderr}`);
    };
    // This kernel has no netem; an htb class limits the node's loopback address to 8 kbit/s instead,
    // so every byte sent to it waits: 8 KiB takes about 8 s.
    tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10');
    try {
      tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
      tc(
        'class',
        'add',
        'dev',
        'lo',
        'parent',
        '1:',
        'classid',
        '1:20',
        'htb',
        'rate',
        '8kbit',
        'ceil',
        '8kbit',
        'burst',
        '1600b',
        'cburst',
        '1600b',
      );
      tc(
        'filter',
        'add',
        'dev',
        'lo',
        'protocol',
        'ip',
        'parent',
        '1:0',
        'prio',
        '1',
        'u32',
        'match',
        'ip',
        'dst',
        `${slow.address}/32`,
        'flowid',
        '1:20',
      );
      const payload = `payload=${'x'.repeat(8192)}`; // "payload=" then 8 KiB
      const inv1 = path.join(tmpDir(), 'hosts');
      writeFileSync(inv1, readFileSync(inv, 'utf8').replace(/^(chaos-[23] .*)$/gm, '# $1'));
      // All three nodes: only the slow one times out; the others write the file in time.
      const short = await engine(['run', 'test/e2e/playbooks/rollout/slow-link-3.yml', '-i', inv, '-e', payload, '--timeout', '60'], {
        withReport: true,
        env: { FLEETPLAY_RETRY_DIR: tmpDir() },
      });
      expect(short.code, short.stdout).toBe(2);
      expect(short.report!.results.find((x) => x.host === slow.name)).toMatchObject({
        status: 'failed',
        msg: expect.stringMatching(/timed out/),
      });
      for (const n of lab.nodes.filter((x) => x !== slow)) {
        expect(short.report!.results.find((x) => x.host === n.name)).toMatchObject({ status: 'changed' });
        expect(onNode(lab, n.name, 'wc -c < /tmp/fp-slow-link.txt').stdout).toBe('8192\n');
      }
      // The bytes already sent still drain to the node after the timeout; the write then either
      // completes whole (its sha256 checked) or never happens. Never a partial file, never a temp file.
      const sha = (text: string) => createHash('sha256').update(text).digest('hex');
      let state = '';
      for (let i = 0; i < 40; i++) {
        state = onNode(
          lab,
          slow.name,
          'ls -A /tmp | grep -c fleetplay || true; sha256sum /tmp/fp-slow-link.txt 2>/dev/null | cut -d" " -f1',
        ).stdout;
        if (state.startsWith('0\n')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(['0\n', `0\n${sha('x'.repeat(8192))}\n`]).toContain(state);
      const other = `payload=${'y'.repeat(8192)}`;
      const long = await engine(['run', 'test/e2e/playbooks/rollout/slow-link-120.yml', '-i', inv1, '-e', other, '--timeout', '60'], {
        withReport: true,
        env: { FLEETPLAY_RETRY_DIR: tmpDir() },
      });
      expect(long.code, long.stdout).toBe(0);
      expect(long.report!.results.find((x) => x.host === slow.name)).toMatchObject({ status: 'changed' });
    } finally {
      spawnSync('tc', ['qdisc', 'del', 'dev', 'lo', 'root']);
    }
  });

  it('SIGINT mid-run exits 130 after the tasks in flight, with the report and retry file written; a re-run converges', async () => {
    const retryDir = tmpDir();
    const report = path.join(tmpDir(), 'report.json');
    const playbook = 'test/e2e/playbooks/rollout/interrupted.yml';
    const running = startEngine(['run', playbook, '-i', inv, '--report', report], { FLEETPLAY_RETRY_DIR: retryDir });
    await running.waitFor('TASK [A slow command]');
    await new Promise((r) => setTimeout(r, 500));
    running.signal('SIGINT');
    const { code, stdout: out } = await running.done;
    expect(code, out).toBe(130);
    expect(out).toMatch(/SIGINT: finishing tasks in flight/);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as Report;
    expect(rep.interrupted).toBe(true);
    expect(rep.results.filter((x) => x.task === 'A slow command').map((x) => x.status)).toEqual(['ok', 'ok', 'ok']);
    expect(rep.results.some((x) => x.task === 'Write after the slow command' || x.task === 'apply config')).toBe(false);
    const names = lab.nodes.map((n) => n.name);
    const retryFile = path.join(retryDir, 'interrupted.retry');
    expect(readFileSync(retryFile, 'utf8').trim().split('\n')).toEqual(names);
    // The handler the config change notified did not run; the next run must run it.
    expect(JSON.parse(readFileSync(path.join(retryDir, 'interrupted.handlers.json'), 'utf8'))).toEqual({
      Interrupted: Object.fromEntries(names.map((n) => [n, ['apply config']])),
    });
    for (const n of names) expect(onNode(lab, n, 'test -e /srv/interrupt/applied.conf').code).toBe(1);

    const check = await engine(['run', playbook, '-i', inv, '--check'], { withReport: true, env: { FLEETPLAY_RETRY_DIR: retryDir } });
    expect(
      check
        .report!.results.filter((x) => x.handler)
        .map((x) => `${x.host}:${x.status}`)
        .sort(),
    ).toEqual(names.map((n) => `${n}:changed`));
    const rerun = await engine(['run', playbook, '-i', inv], { withReport: true, env: { FLEETPLAY_RETRY_DIR: retryDir } });
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(rerun.report!.results.filter((x) => x.task === 'New config').map((x) => x.status)).toEqual(['ok', 'ok', 'ok']);
    expect(
      rerun
        .report!.results.filter((x) => x.handler)
        .map((x) => `${x.host}:${x.status}`)
        .sort(),
    ).toEqual(names.map((n) => `${n}:changed`));
    for (const n of names) expect(onNode(lab, n, 'cat /srv/interrupt/applied.conf /srv/interrupt/data.txt').stdout).toBe('v2\ncomplete\n');
    expect(existsSync(path.join(retryDir, 'interrupted.handlers.json'))).toBe(false);
    const final = await engine(['run', playbook, '-i', inv], { withReport: true, env: { FLEETPLAY_RETRY_DIR: retryDir } });
    expect(final.code).toBe(0);
    for (const n of names) expect(final.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
  });

  it('a node that freezes mid-run (no reply, connection open) is unreachable within about the timeout', async () => {
    const victim = lab.nodes[2]!;
    // cgroup v2's freezer stops every process of the node, sshd included: the TCP connection stays
    // open but nothing answers, as with a hung kernel or a pulled cable.
    const freeze = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']
      .map((h) => path.join(h, 'fleetplay', victim.machine, 'cgroup.freeze'))
      .find((f) => existsSync(f));
    expect(freeze, 'no cgroup v2 freezer for the node').toBeDefined();
    const reportFile = path.join(tmpDir(), 'report.json');
    const running = startEngine(['run', 'test/e2e/playbooks/rollout/slow.yml', '-i', inv, '--timeout', '3', '--report', reportFile], {
      FLEETPLAY_RETRY_DIR: tmpDir(),
    });
    await running.waitFor('TASK [A slow command]');
    await new Promise((r) => setTimeout(r, 500));
    writeFileSync(freeze!, '1');
    const frozenAt = Date.now();
    try {
      const done = await running.done;
      expect(done.code, done.stdout).toBe(3);
      const rep = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
      const lost = rep.results.find((x) => x.host === victim.name && x.status === 'unreachable');
      expect(lost, done.stdout).toBeDefined();
      // The message names the fault: not a dropped connection, a host that stopped answering.
      expect(lost!.msg).toMatch(/stopped answering: no reply to 3 keepalives sent every 1\.0 s/);
      // Three keepalives a second apart go unanswered (timeout 3 s / 3), plus a little slack.
      expect(Date.parse(lost!.startedAt!) + lost!.durationMs! - frozenAt).toBeLessThan(8_000);
      for (const n of lab.nodes.filter((x) => x !== victim)) expect(rep.recap[n.name]).toMatchObject({ failed: 0, unreachable: 0 });
    } finally {
      writeFileSync(freeze!, '0');
    }
  });

  it('a second SIGINT aborts the tasks in flight: exit 130 at once, report written, no half-written file', async () => {
    const report = path.join(tmpDir(), 'report.json');
    const running = startEngine(['run', 'test/e2e/playbooks/rollout/interrupted.yml', '-i', inv, '--report', report], {
      FLEETPLAY_RETRY_DIR: tmpDir(),
    });
    await running.waitFor('TASK [A slow command]');
    await new Promise((r) => setTimeout(r, 300));
    running.signal('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    const second = Date.now();
    running.signal('SIGINT');
    const { code, stdout: out } = await running.done;
    expect(code, out).toBe(130);
    // The slow command sleeps 4 s; aborting does not wait for it.
    expect(Date.now() - second).toBeLessThan(2500);
    expect(out).toMatch(/SIGINT again: aborting tasks in flight/);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as Report;
    expect(rep.interrupted).toBe(true);
    for (const n of lab.nodes) expect(onNode(lab, n.name, 'ls -A /srv/interrupt | grep -c fleetplay || true').stdout).toBe('0\n');
  });
});
