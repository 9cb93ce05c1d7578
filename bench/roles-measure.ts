// How much of real roles fleetplay runs as written (issue #16's closing metric). Walks every role under the
// given folders (default: the pinned public roles, test/fixtures/roles/) and, for each task of its tasks/ and
// handlers/ files (inside blocks too), asks fleetplay's own loader: does the task name a module fleetplay has,
// and does the task pass the loader's checks (module schema, argument types, keywords, template syntax, the
// role's template/copy sources)? Includes and role imports call no module and are counted apart.
//   npx tsx bench/roles-measure.ts [roles-folder ...] [--json]
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FleetError } from '../engine/errors.ts';
import { shortModuleName } from '../engine/moduleRegistry.ts';
import { Problems } from '../engine/playbook/problems.ts';
import { newRoleState } from '../engine/playbook/roles.ts';
import { roleSearchFor } from '../engine/playbook/roleSearch.ts';
import { parseRoleTask } from '../engine/playbook/roleTasks.ts';
import { taskKeywords } from '../engine/playbook/schema.ts';
import { type ParseContext, parseTaskList } from '../engine/playbook/tasks.ts';
import type { ModuleRegistry } from '../engine/types.ts';
import { loadYamlFile, type YamlFile } from '../engine/yaml/load.ts';
import { moduleRegistry } from '../modules/index.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** The counts of one role (or of all of them). */
export interface RoleCounts {
  role: string;
  /** Tasks that call a module (not blocks, includes or role imports). */
  tasks: number;
  /** Of those, the ones whose module fleetplay has. */
  known: number;
  /** Of those, the ones fleetplay's loader accepts as written. */
  valid: number;
  /** include_tasks, import_tasks, include_role, import_role entries. */
  includes: number;
  /** Why the others fail: the loader's first message of each, shortened. */
  reasons: string[];
}

const INCLUDES = ['include_tasks', 'import_tasks', 'include_role', 'import_role', 'include', 'import_playbook'];

/** The module a task entry calls as written, or undefined for blocks and includes. */
function moduleOf(entry: Raw): string | 'include' | undefined {
  if ('block' in entry) return undefined;
  const keys = Object.keys(entry).filter((k) => !Object.hasOwn(taskKeywords, k));
  if (keys.some((k) => INCLUDES.includes(shortModuleName(k)))) return 'include';
  for (const k of ['local_action', 'action']) {
    const v = entry[k];
    if (typeof v === 'string') return v.trim().split(/\s+/)[0] ?? '';
    if (v && typeof v === 'object' && typeof (v as Raw).module === 'string') return (v as Raw).module as string;
  }
  return keys[0] ?? '';
}

/** A message reduced to its kind: the module name for unknown modules, the text up to the first quote otherwise. */
function reason(message: string): string {
  const unknown = /^unknown module or keyword '([^']+)'/.exec(message);
  if (unknown) return `unknown module ${unknown[1]}`;
  const arg = /^unknown argument '([^']+)' for module '([^']+)'/.exec(message);
  if (arg) return `${arg[2]}: unknown argument ${arg[1]}`;
  return message.replace(/\s+/g, ' ').slice(0, 90);
}

function measureList(yaml: YamlFile, at: Path, list: unknown, ctx: Omit<ParseContext, 'problems'>, counts: RoleCounts): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return;
    const raw = entry as Raw;
    const module = moduleOf(raw);
    if (module === undefined) {
      for (const part of ['block', 'rescue', 'always']) measureList(yaml, [...at, i, part], raw[part], ctx, counts);
      return;
    }
    if (module === 'include') {
      counts.includes++;
      return;
    }
    counts.tasks++;
    if (!ctx.modules.find(module)) {
      counts.reasons.push(`unknown module ${module}`);
      return;
    }
    counts.known++;
    // The loader parses this one entry at its own place in the file (a sparse list: forEach skips the rest).
    const only: unknown[] = new Array(list.length);
    only[i] = raw;
    const problems = new Problems();
    try {
      parseTaskList(yaml, at, only, { ...ctx, problems, including: [yaml.file] });
    } catch (err) {
      if (!(err instanceof FleetError)) throw err;
      problems.list.push({ message: err.message, location: err.location ?? { file: yaml.file, line: 0, column: 0 }, excerpt: '' });
    }
    if (problems.list.length === 0) counts.valid++;
    else counts.reasons.push(reason(problems.list[0]!.message));
  });
}

/** The task files of a role: every YAML file under tasks/ and handlers/. */
function taskFiles(roleDir: string): string[] {
  const out: string[] = [];
  for (const sub of ['tasks', 'handlers']) {
    const dir = path.join(roleDir, sub);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(path.join(e.parentPath, e.name));
    }
  }
  return out.sort();
}

/** Measures one role folder with `modules`. */
export function measureRole(roleDir: string, modules: ModuleRegistry = moduleRegistry): RoleCounts {
  const counts: RoleCounts = { role: path.basename(roleDir), tasks: 0, known: 0, valid: 0, includes: 0, reasons: [] };
  const ctx: Omit<ParseContext, 'problems'> = {
    including: [],
    playbookDir: roleDir,
    modules,
    roles: newRoleState(roleSearchFor(path.dirname(roleDir), {})),
    rolePath: roleDir,
    parseRoleTask,
  };
  for (const file of taskFiles(roleDir)) {
    let yaml: YamlFile;
    try {
      yaml = loadYamlFile(file, 'playbook');
    } catch (err) {
      if (err instanceof FleetError) continue;
      throw err;
    }
    measureList(yaml, [], yaml.value, ctx, counts);
  }
  return counts;
}

/** Every role (a folder with tasks/) directly under `root`, measured, in name order. */
export function measureRoles(root: string, modules: ModuleRegistry = moduleRegistry): RoleCounts[] {
  return readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((dir) => statSync(dir).isDirectory() && existsSync(path.join(dir, 'tasks')))
    .sort()
    .map((dir) => measureRole(dir, modules));
}

const percent = (part: number, whole: number): string => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

function main(argv: string[]): void {
  const json = argv.includes('--json');
  const roots = argv.filter((a) => a !== '--json');
  const rows = (roots.length ? roots : [path.resolve(import.meta.dirname, '../test/fixtures/roles')]).flatMap((r) => measureRoles(r));
  const total: RoleCounts = { role: 'all', tasks: 0, known: 0, valid: 0, includes: 0, reasons: [] };
  for (const r of rows) {
    total.tasks += r.tasks;
    total.known += r.known;
    total.valid += r.valid;
    total.includes += r.includes;
    total.reasons.push(...r.reasons);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ roles: rows, total }, null, 2)}\n`);
    return;
  }
  const line = (r: RoleCounts) =>
    `${r.role.padEnd(48)} ${String(r.tasks).padStart(5)} ${percent(r.known, r.tasks).padStart(7)} ${percent(r.valid, r.tasks).padStart(7)}`;
  process.stdout.write(`${'role'.padEnd(48)} tasks  module   as written\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  process.stdout.write(`${line(total)}\n`);
  process.stdout.write(
    `\n${total.tasks} tasks in ${rows.length} roles (and ${total.includes} includes): ${percent(total.known, total.tasks)} call a module fleetplay has, ${percent(total.valid, total.tasks)} pass its loader as written.\n`,
  );
  const tally = new Map<string, number>();
  for (const r of total.reasons) tally.set(r, (tally.get(r) ?? 0) + 1);
  const top = [...tally].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (top.length) process.stdout.write(`\nwhy the others do not:\n${top.map(([r, n]) => `${String(n).padStart(4)}  ${r}`).join('\n')}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main(process.argv.slice(2));
