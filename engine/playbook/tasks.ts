// Turns the YAML of a task list (tasks, blocks, includes) into TaskNode values, recording every problem.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findModule, moduleNames, shortModuleName } from '../../modules/index.ts';
import { splitCommandLine, splitFreeForm } from '../../modules/lib/argv.ts';
import { FleetError } from '../errors.ts';
import { parseExpression } from '../expr/index.ts';
import { isTemplated } from '../template/render.ts';
import type { Condition, IncludeDef, LoopSpec, TaskDef, TaskNode, TaskScope, Vars } from '../types.ts';
import { loadYamlFile, type YamlFile } from '../yaml/load.ts';
import type { Problems } from './problems.ts';
import { blockKeywords, includeKeywords, taskKeywords } from './schema.ts';
import { checkSchema, suggest } from './schemaCheck.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** State shared while parsing one playbook: problems, and files being included (to stop cycles). */
export interface ParseContext {
  problems: Problems;
  including: string[];
}

const INCLUDE_KEYS = ['include_tasks', 'import_tasks'];
const FREE_FORM_OPTIONS = ['creates', 'removes', 'chdir', 'executable', 'stdin'];

/** Parses a list of task entries found at `at` in `yaml`. */
export function parseTaskList(yaml: YamlFile, at: Path, raw: unknown, ctx: ParseContext): TaskNode[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.problems.add(yaml, at, 'expected a list of tasks');
    return [];
  }
  const out: TaskNode[] = [];
  raw.forEach((entry, i) => {
    const node = parseTaskEntry(yaml, [...at, i], entry, ctx);
    if (node) out.push(node);
  });
  return out;
}

function parseTaskEntry(yaml: YamlFile, at: Path, raw: unknown, ctx: ParseContext): TaskNode | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.problems.add(yaml, at, 'a task must be a mapping (key: value pairs)');
    return undefined;
  }
  const task = raw as Raw;
  if ('block' in task) return parseBlock(yaml, at, task, ctx);
  const includeKey = Object.keys(task).find((k) => INCLUDE_KEYS.includes(shortModuleName(k)));
  if (includeKey) return parseInclude(yaml, at, task, includeKey, ctx);
  return parseTask(yaml, at, task, ctx);
}

function keywordCheck(yaml: YamlFile, at: Path, task: Raw, keywords: Record<string, unknown>, what: string, ctx: ParseContext): void {
  const schema = { type: 'object', properties: keywords, additionalProperties: false };
  for (const issue of checkSchema(schema, task, what, 'keyword')) ctx.problems.add(yaml, [...at, ...issue.path], issue.message, issue.which);
}

function parseScope(yaml: YamlFile, at: Path, task: Raw, ctx: ParseContext): TaskScope {
  const scope: TaskScope = {
    when: conditions(yaml, [...at, 'when'], task.when, ctx),
    tags: toList(task.tags),
    vars: (task.vars as Vars | undefined) ?? {},
    location: yaml.locate(at),
  };
  if (typeof task.name === 'string') scope.name = task.name;
  if (typeof task.become === 'boolean') scope.become = task.become;
  if (typeof task.become_user === 'string') scope.becomeUser = task.become_user;
  if (typeof task.check_mode === 'boolean') scope.checkMode = task.check_mode;
  if (typeof task.no_log === 'boolean') scope.noLog = task.no_log;
  if (typeof task.ignore_errors === 'boolean') scope.ignoreErrors = task.ignore_errors;
  return scope;
}

function parseBlock(yaml: YamlFile, at: Path, task: Raw, ctx: ParseContext): TaskNode {
  keywordCheck(yaml, at, task, blockKeywords, 'block', ctx);
  return {
    kind: 'block',
    ...parseScope(yaml, at, task, ctx),
    block: parseTaskList(yaml, [...at, 'block'], task.block, ctx),
    rescue: parseTaskList(yaml, [...at, 'rescue'], task.rescue, ctx),
    always: parseTaskList(yaml, [...at, 'always'], task.always, ctx),
  };
}

function parseInclude(yaml: YamlFile, at: Path, task: Raw, key: string, ctx: ParseContext): IncludeDef | undefined {
  keywordCheck(yaml, at, task, includeKeywords, shortModuleName(key), ctx);
  const value = task[key];
  const file = typeof value === 'string' ? value : String((value as Raw | undefined)?.file ?? '');
  const baseDir = path.dirname(yaml.file);
  const include: IncludeDef = { kind: 'include', ...parseScope(yaml, at, task, ctx), file, baseDir };
  const loop = parseLoop(task);
  if (loop) include.loop = loop;
  const isImport = shortModuleName(key) === 'import_tasks';
  if (isTemplated(file)) {
    if (isImport) ctx.problems.add(yaml, [...at, key], 'import_tasks needs a static file name; use include_tasks for templated names');
    return include;
  }
  const full = path.resolve(baseDir, file);
  if (!existsSync(full)) {
    ctx.problems.add(yaml, [...at, key], `task file not found: ${full}`);
    return include;
  }
  if (ctx.including.includes(full)) {
    ctx.problems.add(yaml, [...at, key], `${file} includes itself (${[...ctx.including, full].map((f) => path.basename(f)).join(' -> ')})`);
    return include;
  }
  try {
    const child = loadYamlFile(full, 'playbook');
    ctx.including.push(full);
    include.tasks = parseTaskList(child, [], child.value, ctx);
    ctx.including.pop();
  } catch (err) {
    if (err instanceof FleetError) ctx.problems.addError(err);
    else throw err;
  }
  return include;
}

function parseTask(yaml: YamlFile, at: Path, task: Raw, ctx: ParseContext): TaskDef | undefined {
  const others = Object.keys(task).filter((k) => !(k in taskKeywords));
  const known = others.filter((k) => findModule(k));
  if (others.length === 0) {
    ctx.problems.add(yaml, at, `task${task.name ? ` '${String(task.name)}'` : ''} names no module`);
    return undefined;
  }
  if (known.length !== 1 || others.length !== 1) {
    for (const k of others.filter((o) => !findModule(o))) {
      const hint = suggest(shortModuleName(k), [...moduleNames(), ...Object.keys(taskKeywords)]);
      ctx.problems.add(yaml, [...at, k], `unknown module or keyword '${k}'${hint ? ` (did you mean '${hint}'?)` : ''}`, 'key');
    }
    if (known.length > 1) ctx.problems.add(yaml, [...at, known[1]!], `a task takes exactly one module, found ${known.join(', ')}`, 'key');
    return undefined;
  }
  const moduleKey = known[0]!;
  const mod = findModule(moduleKey)!;
  keywordCheck(yaml, at, task, { ...taskKeywords, [moduleKey]: {} }, 'task', ctx);
  const args = moduleArgs(yaml, [...at, moduleKey], task[moduleKey], mod.freeFormKey, ctx);
  if (task.args && typeof task.args === 'object') Object.assign(args, task.args);
  for (const issue of checkSchema(mod.schema, args, `module '${mod.name}'`)) {
    const sub = task.args && typeof task.args === 'object' && issue.path[0] !== undefined && issue.path[0] in (task.args as Raw) ? 'args' : moduleKey;
    ctx.problems.add(yaml, [...at, sub, ...issue.path], issue.message, issue.which);
  }
  const def: TaskDef = {
    kind: 'task',
    ...parseScope(yaml, at, task, ctx),
    moduleKey,
    module: mod.name,
    args,
    notify: toList(task.notify),
    listen: toList(task.listen),
    locate: (sub, which) => yaml.locate([...at, ...sub], which),
  };
  const loop = parseLoop(task);
  if (loop) def.loop = loop;
  if (typeof task.register === 'string') def.register = task.register;
  if (task.changed_when !== undefined) def.changedWhen = conditions(yaml, [...at, 'changed_when'], task.changed_when, ctx);
  if (task.failed_when !== undefined) def.failedWhen = conditions(yaml, [...at, 'failed_when'], task.failed_when, ctx);
  if (task.until !== undefined) def.until = conditions(yaml, [...at, 'until'], task.until, ctx);
  if (typeof task.throttle === 'number') def.throttle = task.throttle;
  if (task.run_once === true) def.runOnce = true;
  if (typeof task.retries === 'number') def.retries = task.retries;
  if (typeof task.delay === 'number') def.delay = task.delay;
  if (typeof task.timeout === 'number') def.timeout = task.timeout;
  return def;
}

function moduleArgs(yaml: YamlFile, at: Path, value: unknown, freeFormKey: string | undefined, ctx: ParseContext): Vars {
  if (value === null || value === undefined) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return { ...(value as Vars) };
  if (typeof value !== 'string') {
    ctx.problems.add(yaml, at, 'module arguments must be a mapping or a string');
    return {};
  }
  if (freeFormKey) {
    const { cmd, options } = splitFreeForm(value, FREE_FORM_OPTIONS);
    return { [freeFormKey]: cmd, ...options };
  }
  // Legacy `key=value key2="value 2"` form.
  const out: Vars = {};
  try {
    for (const word of splitCommandLine(value)) {
      const eq = word.indexOf('=');
      if (eq <= 0) {
        ctx.problems.add(yaml, at, `expected key=value arguments, got '${word}'`);
        return out;
      }
      out[word.slice(0, eq)] = word.slice(eq + 1);
    }
  } catch (err) {
    ctx.problems.add(yaml, at, (err as Error).message);
  }
  return out;
}

function parseLoop(task: Raw): LoopSpec | undefined {
  const items = task.loop ?? task.with_items ?? task.with_list;
  if (items === undefined) return undefined;
  const control = (task.loop_control as Raw | undefined) ?? {};
  const spec: LoopSpec = { items, loopVar: typeof control.loop_var === 'string' ? control.loop_var : 'item' };
  if ('with_items' in task && Array.isArray(items)) spec.items = items.flat(1);
  if (typeof control.index_var === 'string') spec.indexVar = control.index_var;
  if (typeof control.label === 'string') spec.label = control.label;
  return spec;
}

/** Parses a condition keyword (string, bool or list) and checks each expression's syntax. */
export function conditions(yaml: YamlFile, at: Path, raw: unknown, ctx: ParseContext): Condition[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((expr, i) => {
    const where = Array.isArray(raw) ? [...at, i] : at;
    const location = yaml.locate(where);
    if (typeof expr === 'string') {
      const text = expr.trim().replace(/^\{\{([\s\S]*)\}\}$/, '$1');
      try {
        parseExpression(text);
      } catch (err) {
        const offset = (err as { offset?: number }).offset ?? 0;
        const loc = { ...location, column: location.column + offset };
        ctx.problems.list.push({ message: `invalid expression: ${(err as Error).message}`, location: loc, excerpt: yaml.excerpt(loc) });
      }
    }
    return { expr: expr as string | boolean | number, location };
  });
}

function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}
