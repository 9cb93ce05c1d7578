// Role fixtures for the roles tests: a playbook, roles and an inventory of local hosts in a temp folder,
// run through the real loader and executor on the local connection.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPlaybook, type RunOptions } from '../../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import { loadPlaybook, type LoadOptions } from '../../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../../engine/types.ts';
import { moduleRegistry } from '../../../modules/index.ts';

/** Writes `files` (path relative to a new temp folder → text; DIR in the text is that folder) and an inventory of `hosts`. */
export function fixture(files: Record<string, string>, hosts = ['h1']): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-roles-'));
  writeFileSync(path.join(dir, 'inv'), `[all]\n${hosts.map((h) => `${h} ansible_connection=local`).join('\n')}\n`);
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text.replaceAll('DIR', dir));
  }
  return dir;
}

/** Loads `dir/play.yml` (or `file`) and runs it over `dir/inv`. */
export async function runFixture(
  dir: string,
  opts: Partial<RunOptions> = {},
  load: LoadOptions = {},
  file = path.join(dir, 'play.yml'),
): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(loadPlaybook(file, moduleRegistry, load), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
    ...opts,
  });
}

/** The messages of debug tasks (and other results) on `host`, in order: `task name => msg`. */
export function messages(r: RunReport, host = 'h1'): string[] {
  return r.results.filter((x) => x.host === host && x.module === 'debug').map((x) => x.msg);
}

/** `task:status` of every result on `host`. */
export function rows(r: RunReport, host = 'h1'): string[] {
  return r.results.filter((x) => x.host === host).map((x) => `${x.task}:${x.status}`);
}
