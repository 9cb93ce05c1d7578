// Benchmark (not a test): playbooks/containerd.yml on a legacy lab of N nodes, fresh apply and
// converged no-op re-run, with remote commands per host per task. Usage:
//   npx tsx bench/containerd.ts [--nodes 10] [--keep]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labUp, type LabState } from '../lab/index.ts';

interface ReportResult {
  host: string;
  task: string;
  status: string;
  commands?: number;
  durationMs: number;
}
interface Scenario {
  name: string;
  wallMs: number;
  exitCode: number;
  changed: number;
  tasksPerHost: number;
  commandsPerHost: number;
  commandsPerTask: number;
  maxCommandsPerTask: number;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { nodes: { type: 'string', default: '10' }, keep: { type: 'boolean' } } });
const nodes = Number(values.nodes);

function inventoryFor(lab: LabState): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-bench-'));
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  const file = path.join(dir, 'hosts');
  writeFileSync(file, `${readFileSync(lab.inventoryFile, 'utf8')}\n[kube:children]\n${lab.name}\n`);
  return file;
}

function runScenario(name: string, inventory: string, extra: string[] = []): Scenario {
  const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'fp-bench-')), 'report.json');
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine/index.ts'), 'run', 'playbooks/containerd.yml', '-i', inventory, '--report', report, ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const results = (JSON.parse(readFileSync(report, 'utf8')) as { results: ReportResult[] }).results;
  const hosts = new Set(results.map((x) => x.host));
  const perHostTask = new Map<string, number>();
  for (const x of results) perHostTask.set(`${x.host}\0${x.task}`, (perHostTask.get(`${x.host}\0${x.task}`) ?? 0) + (x.commands ?? 0));
  const commands = [...perHostTask.values()];
  const total = commands.reduce((a, b) => a + b, 0);
  return {
    name,
    wallMs: Math.round(wallMs),
    exitCode: r.status ?? -1,
    changed: results.filter((x) => x.status === 'changed').length,
    tasksPerHost: perHostTask.size / hosts.size,
    commandsPerHost: total / hosts.size,
    commandsPerTask: Number((total / perHostTask.size).toFixed(2)),
    maxCommandsPerTask: Math.max(...commands),
  };
}

const lab = await labUp({ name: 'bench', nodes, image: 'legacy', first: 101, log: (l) => console.error(l) });
try {
  const inventory = inventoryFor(lab);
  const scenarios = [runScenario('fresh apply', inventory), runScenario('converged no-op re-run', inventory), runScenario('--check on converged nodes', inventory, ['--check'])];
  const machine = { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
  const result = { date: new Date().toISOString(), nodes, machine, command: `npx tsx bench/containerd.ts --nodes ${nodes}`, scenarios };
  const out = path.join(ROOT, 'bench/results', `containerd-${nodes}-nodes.json`);
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`| scenario (${nodes} nodes, ${machine.cores} cores) | wall time | changed results | tasks/host | remote commands/host | per task (avg / max) |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const s of scenarios) {
    console.log(`| ${s.name} | ${(s.wallMs / 1000).toFixed(1)} s | ${s.changed} | ${s.tasksPerHost} | ${s.commandsPerHost} | ${s.commandsPerTask} / ${s.maxCommandsPerTask} |`);
  }
  console.log(`\nwritten to ${path.relative(ROOT, out)}`);
} finally {
  if (!values.keep) await labDown({ name: 'bench' });
}
