// End-to-end: a batched rollout whose controller is killed (SIGKILL: no report, no retry file, nothing
// flushed) at several points, then `engine run --resume`: finished batches are not run again, the batch
// in flight is re-checked from the hosts' state, handlers it notified run once, failures before the kill
// count against the failure budget, and a resumed run killed in turn resumes again.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ROOT, bootLab, engine, labInventory, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'resume';
const PLAYBOOK = 'test/e2e/playbooks/rollout/resume.yml';
let lab: LabState;
let inv: string;
let names: string[];

beforeAll(async () => {
  lab = await bootLab(LAB, 6, 'clean', 360);
  inv = labInventory(lab);
  names = lab.nodes.map((n) => n.name);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

/** The controller as one process (tsx as a loader, not tsx's CLI, which would leave its child alive after a SIGKILL). */
interface Controller {
  output(): string;
  kill(): Promise<void>;
}

function startController(args: string[]): Controller {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine/index.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    output: () => out,
    kill: () => {
      child.kill('SIGKILL');
      return done;
    },
  };
}

/** Waits until `pattern` matches the live output. */
async function until(run: Controller, pattern: RegExp, ms = 120_000): Promise<void> {
  for (let waited = 0; !pattern.test(run.output()); waited += 50) {
    if (waited > ms) throw new Error(`${pattern} did not appear:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How often the handler ran on each host (lines of its counter file). */
function restarts(dir: string): number[] {
  return names.map((n) => Number(onNode(lab, n, `cat ${dir}/restarts 2>/dev/null | wc -l`).stdout.trim()));
}

describe('--resume after the controller was killed', () => {
  it('mid-batch 2 of 3: batch 1 is not run again, batch 2 is re-checked and its handlers run once, batch 3 runs', async () => {
    const dir = '/srv/resume-a';
    for (const n of names) onNode(lab, n, `mkdir -p ${dir}`);
    const retry = path.join(tmpDir(), 'site.retry');
    const args = ['run', PLAYBOOK, '-i', inv, '-e', `dir=${dir}`, '--retry-file', retry];
    const first = startController(args);
    // Batch 2's configs are written (changed, handler notified), its slow check is running: kill.
    await until(first, /BATCH 2\/3[\s\S]*TASK \[A slow check\]/);
    await first.kill();
    expect(restarts(dir)).toEqual([1, 1, 0, 0, 0, 0]);
    const report = path.join(tmpDir(), 'r.json');
    const resumed = await engine([...args, '--resume', '--report', report]);
    expect(resumed.code, resumed.stdout).toBe(0);
    expect(resumed.stdout).toMatch(/resuming: batch 1 of 3 finished before the controller stopped/);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as Report;
    // Batch 1 ran no task again; batch 2's config was already there (ok), yet its handler ran; batch 3 changed.
    expect(rep.results.filter((x) => names.slice(0, 2).includes(x.host))).toEqual([]);
    for (const n of names.slice(2, 4)) {
      expect(rep.results.find((x) => x.host === n && x.task === 'New config')?.status).toBe('ok');
      expect(rep.results.find((x) => x.host === n && x.task === 'restart app')?.status).toBe('changed');
    }
    for (const n of names.slice(4)) expect(rep.results.find((x) => x.host === n && x.task === 'New config')?.status).toBe('changed');
    expect(restarts(dir)).toEqual([1, 1, 1, 1, 1, 1]);
    // The run finished: nothing is left to resume.
    const again = await engine([...args, '--resume']);
    expect([again.code, again.stdout]).toEqual([0, expect.stringMatching(/nothing to resume/)]);
  });

  it('counts a failure from before the kill against the budget, and resumes a resumed run killed in turn', async () => {
    const dir = '/srv/resume-b';
    for (const n of names) onNode(lab, n, `mkdir -p ${dir}`);
    const retry = path.join(tmpDir(), 'site.retry');
    // The third host fails in batch 2; one of two is 50%, above max_fail_percentage 49: the rollout must stop after batch 2.
    const args = ['run', PLAYBOOK, '-i', inv, '-e', `dir=${dir}`, '-e', `fail_host=${names[2]}`, '-e', 'nap=4', '--retry-file', retry];
    const first = startController(args);
    await until(first, /BATCH 1\/3[\s\S]*TASK \[A slow check\]/);
    await first.kill();
    // Resume, and kill the resumed run once batch 2's host has failed.
    const second = startController([...args, '--resume']);
    await until(second, new RegExp(`BATCH 2/3[\\s\\S]*failed +${names[2]} [\\s\\S]*TASK \\[A slow check\\]`));
    await second.kill();
    const report = path.join(tmpDir(), 'r.json');
    const third = await engine([...args, '--resume', '--report', report]);
    expect(third.code, third.stdout).toBe(2);
    expect(third.stdout).toMatch(/resuming: batch 1 of 3 finished/);
    expect(third.stdout).toMatch(
      new RegExp(`rollout stopped: 1 of 2 hosts of batch 2 failed .*max_fail_percentage 49.*not run: ${names[4]}, ${names[5]}`),
    );
    const rep = JSON.parse(readFileSync(report, 'utf8')) as Report;
    expect(rep.recap[names[2]!]).toMatchObject({ failed: 1 });
    expect(rep.results.filter((x) => x.host === names[2])).toEqual([]); // it failed before: not run again
    expect(readFileSync(retry, 'utf8').trim().split('\n')).toEqual([names[2], names[4], names[5]]);
    // Handlers: batch 1's ran once (in the first resumed run); names[3]'s ran once; batch 3 never started.
    expect(restarts(dir)).toEqual([1, 1, 0, 1, 0, 0]);
  });
});
