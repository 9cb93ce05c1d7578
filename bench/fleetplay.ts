// fleetplay's side of the benchmark: playbooks/containerd.yml through the CLI, timed, with the control
// process's peak RSS (GNU time) and, from --report, remote commands and per-task timings.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabState } from '../lab/index.ts';
import { hotspots } from './profile.ts';
import { ROOT } from './setup.ts';
import { timedRun } from './timed.ts';
import type { FleetplayDetail, ScenarioKey, ScenarioRun, TaskTiming } from './types.ts';

interface ReportResult {
  host: string;
  task: string;
  module: string;
  status: string;
  durationMs: number;
  commands?: number;
  startedAt?: string;
  ignored?: boolean;
}
interface Report {
  durationMs: number;
  results: ReportResult[];
}

/** The lab's inventory plus `[kube:children]` and a copy of inventory/group_vars/kube.yml, written into `dir`. */
export function fleetplayInventory(lab: LabState, dir: string): string {
  mkdirSync(path.join(dir, 'group_vars'), { recursive: true });
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  const file = path.join(dir, 'hosts');
  writeFileSync(file, `${readFileSync(lab.inventoryFile, 'utf8')}\n[kube:children]\n${lab.name}\n`);
  return file;
}

/** Which playbook a run takes, and whether it starts with an empty controller cache (FLEETPLAY_CACHE_DIR). */
export interface FleetplayRunOptions {
  playbook?: string;
  freshCache?: boolean;
  /** Run under V8's CPU profiler (node --cpu-prof) and name the top functions (profile.ts). */
  profile?: boolean;
}

/**
 * Runs playbooks/containerd.yml (or `options.playbook`) once (`--check` for the check scenarios, `-e`
 * for each of `extraVars`) and reads its report.
 */
export async function runFleetplay(
  scenario: ScenarioKey,
  inventory: string,
  workDir: string,
  extraVars: string[] = [],
  options: FleetplayRunOptions = {},
): Promise<ScenarioRun> {
  const report = path.join(workDir, `fleetplay-${scenario}.report.json`);
  const rssFile = path.join(workDir, `fleetplay-${scenario}.rss`);
  const log = path.join(workDir, `fleetplay-${scenario}.log`);
  const check = scenario === 'checkFresh' || scenario === 'checkConverged';
  const profileDir = path.join(workDir, `profile-${scenario}`);
  const engine = [
    process.execPath,
    ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    '--import',
    'tsx',
    path.join(ROOT, 'engine/index.ts'),
    'run',
    options.playbook ?? 'playbooks/containerd.yml',
    '-i',
    inventory,
    '--report',
    report,
    ...extraVars.flatMap((e) => ['-e', e]),
  ];
  const r = await timedRun({
    cmd: '/usr/bin/time',
    args: ['-f', '%M %U %S', '-o', rssFile, ...engine, ...(check ? ['--check'] : [])],
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...(options.freshCache ? { FLEETPLAY_CACHE_DIR: path.join(workDir, `cache-${scenario}`) } : {}) },
    log,
  });
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as Report;
  // GNU time's last line: peak RSS (KiB), user and system CPU seconds of the control process.
  const [rssKiB, userS, sysS] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
  const peakRssKiB = rssKiB ?? Number.NaN;
  const cpuMs = Math.round(((userS ?? 0) + (sysS ?? 0)) * 1000);
  return {
    tool: 'fleetplay',
    scenario,
    wallMs: r.wallMs,
    exitCode: r.exitCode,
    changed: parsed.results.filter((x) => x.status === 'changed').length,
    failed: parsed.results.filter((x) => x.status === 'failed' && !x.ignored).length,
    loadBefore: r.loadBefore,
    machineBusy: r.machineBusy,
    log,
    fleetplay: { ...detail(parsed, r.wallMs, peakRssKiB, cpuMs), ...(options.profile ? { profile: hotspots(profileDir) } : {}) },
  };
}

/** Peak RSS of `engine validate` on the same playbook and inventory: the engine loaded, no host contacted. */
export function baselineRssMiB(inventory: string, workDir: string): number {
  const rssFile = path.join(workDir, 'fleetplay-validate.rss');
  const engine = [
    process.execPath,
    '--import',
    'tsx',
    path.join(ROOT, 'engine/index.ts'),
    'validate',
    'playbooks/containerd.yml',
    '-i',
    inventory,
  ];
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, ...engine], { cwd: ROOT, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`engine validate failed (exit ${r.status})`);
  return Number((Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024).toFixed(1));
}

function detail(report: Report, wallMs: number, peakRssKiB: number, cpuMs: number): FleetplayDetail {
  const hosts = [...new Set(report.results.map((x) => x.host))];
  const perHost = hosts.map((h) => report.results.filter((x) => x.host === h).reduce((a, x) => a + (x.commands ?? 0), 0));
  const byTask = new Map<string, ReportResult[]>();
  for (const x of report.results) byTask.set(x.task, [...(byTask.get(x.task) ?? []), x]);
  const tasks: TaskTiming[] = [...byTask.entries()].map(([task, rs]) => {
    const starts = rs.map((x) => Date.parse(x.startedAt ?? '')).filter(Number.isFinite);
    const ends = rs.map((x) => Date.parse(x.startedAt ?? '') + x.durationMs).filter(Number.isFinite);
    return {
      task,
      module: rs[0]!.module,
      spanMs: starts.length > 0 ? Math.max(...ends) - Math.min(...starts) : 0,
      meanHostMs: Math.round(rs.reduce((a, x) => a + x.durationMs, 0) / hosts.length),
      commandsPerHost: Number((rs.reduce((a, x) => a + (x.commands ?? 0), 0) / hosts.length).toFixed(2)),
    };
  });
  return {
    peakRssMiB: Number((peakRssKiB / 1024).toFixed(1)),
    cpuMsPerHost: Number((cpuMs / Math.max(1, hosts.length)).toFixed(1)),
    engineMs: report.durationMs,
    overheadMs: wallMs - report.durationMs,
    tasksPerHost: byTask.size,
    commandsPerHost: {
      min: Math.min(...perHost),
      max: Math.max(...perHost),
      mean: Number((perHost.reduce((a, b) => a + b, 0) / Math.max(1, hosts.length)).toFixed(1)),
    },
    tasks,
  };
}
