// Runs a playbook against local hosts (as test/unit/executor.test.ts) and returns each task's results.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPlaybook } from '../../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import { loadPlaybook } from '../../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../../engine/types.ts';
import { moduleRegistry } from '../../../modules/index.ts';

/** A temp folder with `files` written (relative paths; DIR in the text becomes the folder). */
export function project(files: Record<string, string>, hosts = ['h1']): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-lookup-'));
  writeFileSync(path.join(dir, 'inv'), `[all]\n${hosts.map((h) => `${h} ansible_connection=local`).join('\n')}\n`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text.replaceAll('DIR', dir));
  }
  return dir;
}

/** Runs `play.yml` of `dir` (no facts) and returns the report. */
export async function runProject(dir: string, playbook = 'play.yml'): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(loadPlaybook(path.join(dir, playbook), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
}

/** The messages of the results of task `name` (one per loop item) on host h1. */
export function messages(report: RunReport, name: string): string[] {
  return report.results.filter((r) => r.host === 'h1' && r.task === name).map((r) => r.msg);
}

/** The statuses of the results of task `name` on h1. */
export function statuses(report: RunReport, name: string): string[] {
  return report.results.filter((r) => r.host === 'h1' && r.task === name).map((r) => r.status);
}

/** A play running `tasks` (YAML text, indented for a task list) on all hosts without facts. */
export function play(tasks: string, vars = '{}'): string {
  return `- hosts: all\n  gather_facts: false\n  vars: ${vars}\n  tasks:\n${tasks}`;
}
