// Runs ansible-core's integration targets through fleetplay's CLI on one lab node and counts, per target,
// the assert tasks (and their `that` conditions) that passed out of all the target holds. An assert a run
// never reached (the host stopped at an earlier failure, or a playbook was refused) counts as not passed.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type AssertSite, targetAsserts } from './asserts.ts';
import type { InventoryKind, Invocation, TargetSpec } from './targets.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Where the pinned targets live. */
export const TARGETS_DIR = path.join(ROOT, 'test/fixtures/ansible-targets');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');

/** The lab node the targets run on. */
export interface Node {
  address: string;
  keyFile: string;
  knownHostsFile: string;
}

/** What one target scored. */
export interface TargetScore {
  name: string;
  skipped?: string;
  asserts: { passed: number; failed: number; skipped: number; total: number };
  conditions: { passed: number; total: number };
  /** Playbook runs that ended with the exit code runme.sh expects (role targets: one run). */
  runs: { ok: number; total: number };
  /** Failed tasks (not ignored) of runs that did not end as expected, and unreachable results. */
  failedTasks: number;
  unreachable: number;
  /** The first failure that stopped a run: where and why. */
  firstFailure?: string;
  /** Every failed (not ignored) task and every run that ended with another exit code, in order. */
  failures: string[];
  /** Every problem that made fleetplay refuse a playbook before running it (file:line:column: message). */
  refusals: string[];
  durationMs: number;
}

interface ReportResult {
  task: string;
  module: string;
  status: string;
  msg: string;
  ignored?: boolean;
  location?: string;
}

/** Runs one target and scores it. */
export async function runTarget(spec: TargetSpec, node: Node, timeoutMs = 300_000): Promise<TargetScore> {
  const sites = targetAsserts(TARGETS_DIR, spec.name);
  const score: TargetScore = {
    name: spec.name,
    asserts: { passed: 0, failed: 0, skipped: 0, total: sites.length },
    conditions: { passed: 0, total: sites.reduce((n, s) => n + s.conditions, 0) },
    runs: { ok: 0, total: 0 },
    failedTasks: 0,
    unreachable: 0,
    failures: [],
    refusals: [],
    durationMs: 0,
  };
  if (spec.skip) return { ...score, skipped: spec.skip };
  const started = Date.now();
  const work = mkdtempSync(path.join(os.tmpdir(), `fp-target-${spec.name}-`));
  const invocations = spec.kind === 'role' ? [rolePlay(spec.name, work)] : (spec.invocations ?? []);
  const outcome = new Map<string, 'ok' | 'failed' | 'skipped'>();
  for (const [i, inv] of invocations.entries()) {
    score.runs.total++;
    const run = await runInvocation(spec, inv, node, path.join(work, `run${i}`), timeoutMs);
    const expected = run.code === (inv.expectCode ?? 0);
    for (const p of run.problems) if (!score.refusals.includes(p)) score.refusals.push(p);
    if (expected) score.runs.ok++;
    for (const r of run.results) {
      if (r.status === 'unreachable') score.unreachable++;
      // In a run that ended as runme.sh expects, a failed task was rescued or meant to fail.
      if (r.status === 'failed' && !r.ignored && !expected) {
        score.failedTasks++;
        score.failures.push(`${shortLocation(r.location)} ${r.task}: ${oneLine(r.msg)}`);
        score.firstFailure ??= score.failures.at(-1);
      }
      if (r.module !== 'assert' || !r.location) continue;
      const key = siteKey(r.location);
      const prev = outcome.get(key);
      const now = r.status === 'ok' ? 'ok' : r.status === 'skipped' ? 'skipped' : 'failed';
      // A site is passed only if every result it had (loop items, repeated includes) passed.
      if (prev === 'failed' || (prev === 'ok' && now === 'skipped')) continue;
      outcome.set(key, now);
    }
    if (!expected) {
      score.failures.push(`${spec.kind === 'role' ? 'the play' : inv.playbook}: exit ${run.code}${run.error ? `: ${run.error}` : ''}`);
      score.firstFailure ??= score.failures.at(-1);
    }
  }
  for (const site of sites) {
    const o = outcome.get(`${site.file}:${site.line}`);
    if (o === 'ok') {
      score.asserts.passed++;
      score.conditions.passed += site.conditions;
    } else if (o === 'failed') score.asserts.failed++;
    else if (o === 'skipped') score.asserts.skipped++;
  }
  score.durationMs = Date.now() - started;
  return score;
}

/** The play ansible-test writes for a role target: `testhost`, facts, `output_dir`, the role. */
function rolePlay(target: string, work: string): Invocation {
  const file = path.join(work, `${target}.yml`);
  const play = [
    '- hosts: testhost',
    '  gather_facts: true',
    '  vars:',
    `    output_dir: ${JSON.stringify(path.join(work, 'output_dir'))}`,
    '  pre_tasks:',
    '    - name: ansible-test creates output_dir before the run',
    '      command: mkdir -p {{ output_dir }}',
    '      changed_when: false',
    '  roles:',
    `    - ${target}`,
    '',
  ].join('\n');
  mkdirSync(path.join(work, 'output_dir'), { recursive: true });
  writeFileSync(file, play);
  return { playbook: file, inventory: 'ansible-test' };
}

interface RunOutcome {
  code: number;
  results: ReportResult[];
  error?: string;
  /** Every `file:line:column: message` the run printed before refusing the playbook (exit 4). */
  problems: string[];
}

/** Runs one playbook with fleetplay's CLI from the target's folder (as runme.sh does) and reads its report. */
function runInvocation(spec: TargetSpec, inv: Invocation, node: Node, dir: string, timeoutMs: number): Promise<RunOutcome> {
  mkdirSync(dir, { recursive: true });
  const cwd = path.join(TARGETS_DIR, spec.name);
  const inventory = writeInventory(inv.inventory, node, cwd, dir);
  const report = path.join(dir, 'report.json');
  const argv = [TSX, path.join(ROOT, 'engine', 'index.ts'), 'run', inv.playbook, '-i', inventory, '--report', report];
  argv.push('--roles-path', TARGETS_DIR, ...(inv.args ?? []));
  const env = { ...process.env, NO_COLOR: '1', FLEETPLAY_RETRY_DIR: dir, ...inv.env };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd, env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      let results: ReportResult[] = [];
      try {
        results = (JSON.parse(readFileSync(report, 'utf8')) as { results: ReportResult[] }).results;
      } catch {
        results = [];
      }
      const lines = stderr.split('\n').map((l) => l.replaceAll(`${TARGETS_DIR}/`, ''));
      const line = lines.find((l) => l.startsWith('error:'));
      const error = line ? oneLine(line.slice(7)) : undefined;
      const problems =
        code === 4 ? lines.filter((l) => /^(error: )?\S+:\d+:\d+: /.test(l)).map((l) => oneLine(l.replace(/^error: /, ''))) : [];
      resolve({ code: code ?? -1, results, problems, ...(error ? { error } : {}) });
    });
  });
}

/** An inventory file for an invocation: the lab node as `testhost`, or local hosts. */
function writeInventory(kind: InventoryKind, node: Node, cwd: string, dir: string): string {
  if (typeof kind === 'object' && 'file' in kind) return path.join(cwd, kind.file);
  const file = path.join(dir, 'inventory.ini');
  if (kind === 'ansible-test') {
    // ansible-test's inventory names the node's Python (service's target writes it into a script's shebang).
    const vars = `ansible_user=root ansible_ssh_private_key_file=${node.keyFile} ansible_ssh_known_hosts_file=${node.knownHostsFile} ansible_python_interpreter=/usr/bin/python3`;
    writeFileSync(file, `[testgroup]\ntesthost ansible_host=${node.address} ${vars}\n`);
  } else writeFileSync(file, kind.local.map((h) => `${h} ansible_connection=local\n`).join(''));
  return file;
}

/** `/…/fixtures/ansible-targets/stat/tasks/main.yml:28:3` → `stat/tasks/main.yml:28`. */
function siteKey(location: string): string {
  return shortLocation(location);
}

function shortLocation(location: string | undefined): string {
  if (!location) return '?';
  const rel = location.startsWith(TARGETS_DIR) ? location.slice(TARGETS_DIR.length + 1) : location;
  return rel.replace(/:\d+$/, '');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

/**
 * Runs `specs` in two lanes at once, each in order: the targets that change the node (role targets, and
 * script targets that run on `testhost`: template, unarchive) one after another, and the controller-side
 * script targets beside them. Scores come back in the order of `specs`.
 */
export async function runAll(specs: TargetSpec[], node: Node, onScore?: (s: TargetScore) => void): Promise<TargetScore[]> {
  const onNode = (t: TargetSpec) =>
    t.kind === 'role' ||
    (t.invocations ?? []).some((i) => i.inventory === 'ansible-test' && i.playbook.endsWith('runme.yml')) ||
    ['template', 'unarchive'].includes(t.name);
  const scores = new Map<string, TargetScore>();
  await warmUp();
  const lane = async (list: TargetSpec[]) => {
    for (const spec of list) {
      const score = await runTarget(spec, node);
      scores.set(spec.name, score);
      onScore?.(score);
    }
  };
  await Promise.all([lane(specs.filter(onNode)), lane(specs.filter((t) => !onNode(t)))]);
  return specs.map((t) => scores.get(t.name)!);
}

/**
 * Starts the CLI once before the lanes do: after an engine change its first start rebuilds the bundle
 * (engine/bundle.ts), and two lanes starting at once would both build it.
 */
function warmUp(): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, path.join(ROOT, 'engine', 'index.ts'), '--help'], { cwd: ROOT, stdio: 'ignore' });
    child.on('close', () => resolve());
  });
}

/** The per-target table, as Markdown. */
export function scoreTable(scores: TargetScore[]): string {
  const rows = scores.map((s) =>
    s.skipped
      ? `| ${s.name} | skipped | | | | ${s.skipped} |`
      : `| ${s.name} | ${s.asserts.passed}/${s.asserts.total} | ${s.conditions.passed}/${s.conditions.total} | ${s.asserts.skipped} | ${s.runs.ok}/${s.runs.total} | ${(s.firstFailure ?? '').replace(/\|/g, '\\|')} |`,
  );
  return [
    '| target | asserts passed | `that` conditions passed | asserts skipped | runs as expected | first failure |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Re-exported for callers that list the sites themselves. */
export type { AssertSite };
