// End-to-end: one run as three --slice processes on five lab nodes, side by side: every host is run
// by exactly one slice (its marker file has one line per run), batches and run_once work within each
// slice, and `engine report merge` of the three reports gives the recap of the same run unsliced.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, labInventory, onNode, tmpDir, type EngineRun } from './support.ts';

const LAB = 'slices';
let lab: LabState;
let inventory: string;
let playbook: string;

// Every task's outcome is the same on every run, so a sliced run and an unsliced one can be compared.
const PLAYBOOK = `- hosts: all
  serial: 2
  gather_facts: false
  tasks:
    - name: count this run on the node
      shell: echo {{ run_label }} >> /root/slice-runs
    - name: a check that fails and is ignored on one node
      command: test {{ inventory_hostname }} != slices-3
      ignore_errors: true
    - name: look at the marker
      stat:
        path: /root/slice-runs
    - name: once per batch
      command: 'true'
      run_once: true
      register: once
`;

beforeAll(async () => {
  lab = await bootLab(LAB, 5, 'clean', 164);
  inventory = labInventory(lab);
  playbook = path.join(tmpDir(), 'slices.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const run = (extra: string[]): Promise<EngineRun> =>
  engine(['run', playbook, '-i', inventory, '--retry-file', path.join(tmpDir(), 'r'), ...extra]);

/** The recap without the run_once task, whose count is per slice by design. */
function recapOf(
  results: Array<{ host: string; task: string; status: string; ignored?: boolean }>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of results) {
    if (r.task === 'once per batch') continue;
    const c = (out[r.host] ??= {});
    const key = r.ignored ? 'ignored' : r.status;
    c[key] = (c[key] ?? 0) + 1;
  }
  return out;
}

describe('--slice and report merge on the lab', () => {
  it('three slices cover every host once, and their merged recap is the unsliced run’s', async () => {
    const whole = await engine(['run', playbook, '-i', inventory, '-e', 'run_label=whole', '--retry-file', path.join(tmpDir(), 'r')], {
      withReport: true,
    });
    expect(whole.code, whole.stdout + whole.stderr).toBe(0);
    const dir = tmpDir();
    const files = [1, 2, 3].map((i) => path.join(dir, `slice-${i}.json`));
    const slices = await Promise.all(files.map((f, i) => run(['--slice', `${i + 1}/3`, '-e', `run_label=slice${i + 1}`, '--report', f])));
    for (const s of slices) expect(s.code, s.stdout + s.stderr).toBe(0);

    // Each node ran in exactly one slice: its marker has the whole run's line and one slice's line.
    const seen = new Map<string, string>();
    for (const node of lab.nodes) {
      const lines = onNode(lab, node.name, 'cat /root/slice-runs').stdout.trim().split('\n');
      expect(lines, node.name).toHaveLength(2);
      expect(lines[0]).toBe('whole');
      seen.set(node.name, lines[1]!);
    }
    expect(new Set(seen.values()).size).toBeGreaterThan(1);

    // serial and run_once work within a slice: batches of at most two of its hosts, and run_once once per
    // batch (as Ansible runs it under serial), so once per batch of the slice.
    for (const [i, s] of slices.entries()) {
      const report = JSON.parse((await import('node:fs')).readFileSync(files[i]!, 'utf8')) as {
        slice: { index: number; count: number };
        results: Array<{ host: string; task: string; batch?: number }>;
      };
      expect(report.slice).toEqual({ index: i + 1, count: 3 });
      const hosts = [...seen].filter(([, label]) => label === `slice${i + 1}`).map(([h]) => h);
      expect(new Set(report.results.map((r) => r.host))).toEqual(new Set(hosts));
      const batches = new Set(report.results.map((r) => r.batch));
      expect(batches.size).toBe(Math.ceil(hosts.length / 2));
      expect(report.results.filter((r) => r.task === 'once per batch')).toHaveLength(batches.size);
      expect(s.stdout).toMatch(hosts.length ? /PLAY RECAP/ : /no hosts/i);
    }

    const merged = path.join(dir, 'merged.json');
    const m = await engine(['report', 'merge', ...files, '--report', merged, '--retry-file', path.join(dir, 'retry')]);
    expect(m.code, m.stdout + m.stderr).toBe(0);
    const mergedReport = JSON.parse((await import('node:fs')).readFileSync(merged, 'utf8'));
    expect(recapOf(mergedReport.results)).toEqual(recapOf(whole.report!.results));
    expect(Object.keys(mergedReport.recap).sort()).toEqual(Object.keys(whole.report!.recap).sort());
    expect(recapOf(whole.report!.results)['slices-3']).toMatchObject({ ignored: 1 });
    for (const node of lab.nodes) expect(m.stdout).toMatch(new RegExp(`${node.name} +: ok=`));
  }, 300_000);
});
