// End-to-end: both faults of a real fleet in one 50-node rollout. One node powers off mid-task (its
// connection ends); one freezes mid-task and one freezes while it waits idle for the others (every
// process stopped by the cgroup freezer: no reply, no FIN). Each is unreachable within its bound, the
// message says which fault it was, a silent host is not logged in to again (which would add -T per
// attempt), and the 47 others converge.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, labInventory, onNode, startEngine, tmpDir, type Report } from './support.ts';

const LAB = 'faults';
const TIMEOUT_S = 6;
let lab: LabState;
let inv: string;

beforeAll(async () => {
  lab = await bootLab(LAB, 50, 'clean', 300);
  inv = labInventory(lab);
}, 900_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
}, 300_000);

describe('a 50-node rollout with a node powered off, one frozen mid-task and one frozen while idle', () => {
  it('each is unreachable within its bound with the cause named; the 47 others converge', async () => {
    const killed = lab.nodes[7]!;
    const frozen = lab.nodes[31]!;
    const idle = lab.nodes[44]!;
    const freezer = (machine: string) =>
      ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']
        .map((h) => path.join(h, 'fleetplay', machine, 'cgroup.freeze'))
        .find((f) => existsSync(f));
    const freeze = freezer(frozen.machine);
    const freezeIdle = freezer(idle.machine);
    expect(freeze && freezeIdle, 'no cgroup v2 freezer for the nodes').toBeTruthy();
    const reportFile = path.join(tmpDir(), 'report.json');
    const running = startEngine(
      [
        'run',
        'test/e2e/playbooks/rollout/faults.yml',
        '-i',
        inv,
        '--timeout',
        String(TIMEOUT_S),
        '--report',
        reportFile,
        '-e',
        `idle_node=${idle.name}`,
      ],
      { FLEETPLAY_RETRY_DIR: tmpDir() },
    );
    await running.waitFor('TASK [A slow command]', 300_000);
    await new Promise((r) => setTimeout(r, 1000));
    const at = Date.now();
    writeFileSync(freeze!, '1');
    process.kill(killed.pid, 'SIGTERM'); // systemd-nspawn powers the node off mid-task
    // Its short command is done (its result line comes under the task's header): it waits for the others.
    const idleDone = new RegExp(`TASK \\[A slow command\\][^]*\\n  changed +${idle.name} `);
    for (let waited = 0; !idleDone.test(running.output()); waited += 50) {
      if (waited > 30_000) throw new Error(`${idle.name} did not finish its short command:\n${running.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    writeFileSync(freezeIdle!, '1');
    try {
      const done = await running.done;
      expect(done.code, done.stdout).toBe(3);
      const rep = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
      const lostAfter = (host: string) => {
        const lost = rep.results.find((x) => x.host === host && x.status === 'unreachable');
        expect(lost, `${host}: ${done.stdout}`).toBeDefined();
        return { ms: Date.parse(lost!.startedAt!) + lost!.durationMs! - at, msg: lost!.msg };
      };
      const k = lostAfter(killed.name);
      const f = lostAfter(frozen.name);
      console.log(`50 nodes, -T ${TIMEOUT_S}: powered off → unreachable after ${k.ms} ms (${k.msg}); frozen → after ${f.ms} ms (${f.msg})`);
      // Powered off: the connection ends, so at once (the node's shutdown takes a moment).
      expect(k.ms).toBeLessThan(TIMEOUT_S * 1000);
      // Frozen: 3 keepalives every -T/3 unanswered = 4/3 × -T, plus scheduling slack on a loaded controller.
      expect(f.msg).toMatch(/stopped answering: no reply to 3 keepalives sent every 2\.0 s/);
      expect(f.ms).toBeLessThan(((TIMEOUT_S * 4) / 3) * 1000 + 4000);
      // Frozen while idle: its keepalives went unanswered between tasks; the next task fails at once
      // with the cause, instead of logging in again and waiting out a handshake timeout per attempt.
      const next = rep.results.find((x) => x.host === idle.name && x.task === 'Write after the slow command');
      expect(next?.status, done.stdout).toBe('unreachable');
      expect(next!.msg).toMatch(/stopped answering/);
      expect(next!.durationMs).toBeLessThan(1000);
      const others = lab.nodes.filter((x) => x !== killed && x !== frozen && x !== idle);
      for (const n of others) expect(rep.recap[n.name], n.name).toMatchObject({ failed: 0, unreachable: 0 });
      const sample = others.slice(0, 5);
      for (const n of sample) expect(onNode(lab, n.name, 'cat /srv/chaos/data.txt').stdout).toBe('complete\n');
    } finally {
      writeFileSync(freeze!, '0');
      writeFileSync(freezeIdle!, '0');
    }
  }, 600_000);
});
