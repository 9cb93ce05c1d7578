// Turns the YAML of a task list (tasks, blocks, includes) into TaskNode values, recording every problem.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { shortModuleName } from '../moduleRegistry.ts';
import { splitFreeForm } from './freeForm.ts';
import { FleetError } from '../errors.ts';
import { parseExpression } from '../expr/index.ts';
import { isTemplated } from '../template/render.ts';
import type { Condition, IncludeDef, InheritedDelegate, LoopSpec, ModuleRegistry, TaskDef, TaskNode, TaskScope, Vars } from '../types.ts';
import { loadYamlFile, type YamlFile } from '../yaml/load.ts';
import { Problems } from './problems.ts';
import { coerceArgTypes } from './argTypes.ts';
import { parseKeyValueArgs } from './keyValueArgs.ts';
import { normalizeKeywords } from './keywords.ts';
import { checkAssertions, checkCommandGiven, checkCommandLine, checkLocalSrc, checkPatterns, checkTemplates } from './literalArgs.ts';
import { blockKeywords, importKeywords, includeKeywords, taskKeywords } from './schema.ts';
import { markRunOnce } from './importKeywords.ts';
import { canonicalArgs } from './argAliases.ts';
import { checkSchema, suggest } from './schemaCheck.ts';
import { describeValue } from './wording.ts';
import type { PlayRoleState } from './roles.ts';
import { LOOP_KEYWORDS, lookupOfKeyword } from '../lookups/loop.ts';
import { includeContext, mayBeMissing, underWhen } from './lazyIncludes.ts';
import { defaultsFor, underModuleDefaults } from './moduleDefaults.ts';
import { expandLocalAction } from './localAction.ts';
import { parseScopeExtras } from './scopeExtras.ts';
import { applyScope } from './applyScope.ts';
import { readFlag, TEMPLATED_FLAGS } from './flags.ts';
import { renderAtLoad } from './loadTime.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** State shared while parsing one playbook: problems, and files being included (to stop cycles). */
export interface ParseContext {
  problems: Problems;
  including: string[];
  /** The playbook's folder: the last place a task's relative `src` is looked for. */
  playbookDir: string;
  /** The modules tasks may name. */
  modules: ModuleRegistry;
  /** The roles of the play being loaded (engine/playbook/roles.ts); made on first use when absent. */
  roles?: PlayRoleState;
  /** The folder of the role whose task files are being parsed (its templates/ and files/ come first). */
  rolePath?: string;
  /** How many `when`s enclose the entries being parsed (engine/playbook/lazyIncludes.ts). */
  conditional?: number;
  /** Where those waiting problems are collected (validate prints them as warnings). */
  guarded?: Problems;
  /** Set once a task that runs on the controller is parsed: a literal src missing after it may be its output. */
  controllerTask?: { seen: boolean };
  /** Parsing the `block:` of a block with a `rescue:`: a task there that fails at run time is rescued. */
  rescued?: boolean;
  /** A run's load: problems of an include_tasks file under a `when` wait until it is reached (lazyIncludes.ts). */
  deferGuardedIncludes?: boolean;
  /** Variables known at load time (import_playbook's vars, the play's): templated import_role names. */
  loadVars?: Vars;
  /** -e, for the same templates. */
  extraVars?: Vars;
  /** module_defaults in force, outermost first (engine/playbook/moduleDefaults.ts). */
  moduleDefaults?: Raw[];
  /**
   * Parses an include_role or import_role task (engine/playbook/roleTasks.ts). Passed in by whoever starts the
   * parse: role files are parsed by this file's parseTaskList, so the two files must not import each other.
   */
  parseRoleTask: (yaml: YamlFile, at: Path, task: Raw, key: string, ctx: ParseContext) => TaskNode | undefined;
}

/** The task keys that name a role (include_role, import_role; any collection prefix). */
export const ROLE_TASK_KEYS = ['include_role', 'import_role'];

const INCLUDE_KEYS = ['include_tasks', 'import_tasks'];

/** Parses a list of task entries found at `at` in `yaml`. */
export function parseTaskList(yaml: YamlFile, at: Path, raw: unknown, ctx: ParseContext): TaskNode[] {
  if (raw === undefined || raw === null) return [];
  const list = listName(yaml, at);
  if (!Array.isArray(raw)) {
    ctx.problems.add(yaml, at, `${list} must be a list of tasks, got ${describeValue(raw)}`);
    return [];
  }
  const out: TaskNode[] = [];
  raw.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      const noun = list === 'handlers' ? 'handler' : 'task';
      ctx.problems.add(yaml, [...at, i], `${noun} ${i + 1} of ${list} must be a mapping (a ${noun}), got ${describeValue(entry)}`);
      return;
    }
    const node = underModuleDefaults(yaml, [...at, i], entry as Raw, ctx, () => parseTaskEntry(yaml, [...at, i], entry as Raw, ctx));
    if (node) out.push(node);
  });
  return out;
}

/** How messages name the list at `at`: `tasks`, `handlers`, `block`, or the included file. */
function listName(yaml: YamlFile, at: Path): string {
  const key = [...at].reverse().find((p): p is string => typeof p === 'string');
  return key ?? `the task file ${path.basename(yaml.file)}`;
}

function parseTaskEntry(yaml: YamlFile, at: Path, written: Raw, ctx: ParseContext): TaskNode | undefined {
  const raw = expandLocalAction(yaml, at, withoutIdleDebugger(written), ctx.problems);
  const task = normalizeKeywords(yaml, at, raw, ctx.problems, 'task');
  if ('block' in task) return underWhen(task, ctx, () => parseBlock(yaml, at, task, ctx));
  const roleKey = Object.keys(task).find((k) => ROLE_TASK_KEYS.includes(shortModuleName(k)));
  if (roleKey) return ctx.parseRoleTask(yaml, at, task, roleKey, ctx);
  const includeKey = Object.keys(task).find((k) => INCLUDE_KEYS.includes(shortModuleName(k)));
  if (includeKey) return parseInclude(yaml, at, task, includeKey, ctx);
  // `action: {module: "{{ x }}"}`: Ansible resolves the module only when the task runs (and renders no module
  // name), so the task loads and fails if it is ever reached.
  const templatedModule = written.action !== undefined ? Object.keys(task).find((k) => isTemplated(k)) : undefined;
  if (templatedModule) return templatedModuleTask(yaml, at, task, templatedModule, ctx);
  // A key refused as unsupported (local_action, include_role) was the task's module: no second message.
  const refused = Object.keys(written).some((k) => !Object.hasOwn(task, k) && !Object.hasOwn(taskKeywords, k));
  return parseTask(yaml, at, task, ctx, refused);
}

// One schema object per keyword set: checkSchema keeps its compiled validator per object.
const keywordSchemas = new Map<string, Record<string, unknown>>();

function keywordCheck(yaml: YamlFile, at: Path, task: Raw, keywords: Record<string, unknown>, what: string, ctx: ParseContext): void {
  const key = `${what}:${Object.keys(keywords).join(',')}`;
  let schema = keywordSchemas.get(key);
  if (!schema) keywordSchemas.set(key, (schema = { type: 'object', properties: keywords, additionalProperties: false }));
  for (const issue of checkSchema(schema, task, what, 'keyword'))
    ctx.problems.add(yaml, [...at, ...issue.path], issue.message, issue.which);
}

/** The keywords every task-like entry shares (name, when, tags, vars, become, …). */
export function parseScope(yaml: YamlFile, at: Path, task: Raw, ctx: ParseContext): TaskScope {
  // Names and vars are rendered at run time: their expressions are parsed now, like the arguments'.
  const flags = Object.fromEntries(TEMPLATED_FLAGS.map((k) => [k, task[k]]));
  checkTemplates(yaml, { name: task.name, vars: task.vars, environment: task.environment, ...flags }, (sub) => [...at, ...sub], ctx);
  const scope: TaskScope = {
    when: conditions(yaml, [...at, 'when'], task.when, ctx),
    tags: toList(task.tags),
    vars: (task.vars as Vars | undefined) ?? {},
    location: yaml.locate(at),
  };
  if (typeof task.name === 'string') scope.name = task.name;
  const become = readFlag(yaml, at, task, 'become');
  if (become !== undefined) scope.become = become;
  if (typeof task.become_user === 'string') scope.becomeUser = task.become_user;
  const checkMode = readFlag(yaml, at, task, 'check_mode');
  if (checkMode !== undefined) scope.checkMode = checkMode;
  const noLog = readFlag(yaml, at, task, 'no_log');
  if (noLog !== undefined) scope.noLog = noLog;
  const ignoreErrors = readFlag(yaml, at, task, 'ignore_errors');
  if (ignoreErrors !== undefined) scope.ignoreErrors = ignoreErrors;
  Object.assign(scope, parseScopeExtras(yaml, at, task, ctx.problems));
  return scope;
}

function parseBlock(yaml: YamlFile, at: Path, task: Raw, ctx: ParseContext): TaskNode {
  // A module beside `block:` is usually a task that lost its `- ` or its indentation.
  const modules = Object.keys(task).filter((k) => !Object.hasOwn(blockKeywords, k) && ctx.modules.find(k));
  for (const k of modules)
    ctx.problems.add(yaml, [...at, k], `a block takes no module: '${k}' belongs in a task of its own (inside block: or beside it)`, 'key');
  const rest = Object.fromEntries(Object.entries(task).filter(([k]) => !modules.includes(k)));
  keywordCheck(yaml, at, rest, blockKeywords, 'block', ctx);
  const delegate = inheritedDelegate(yaml, at, task, ctx);
  return {
    kind: 'block',
    ...parseScope(yaml, at, task, ctx),
    ...(delegate ? { delegate } : {}),
    ...(task.notify !== undefined ? { notify: toList(task.notify) } : {}),
    // A bad argument under a rescue fails its task at run time, for the rescue to catch, as in Ansible.
    block: inherit(parseTaskList(yaml, [...at, 'block'], task.block, hasRescue(task) ? { ...ctx, rescued: true } : ctx), task),
    rescue: inherit(parseTaskList(yaml, [...at, 'rescue'], task.rescue, ctx), task),
    always: inherit(parseTaskList(yaml, [...at, 'always'], task.always, ctx), task),
  };
}

function hasRescue(task: Raw): boolean {
  return Array.isArray(task.rescue) && task.rescue.length > 0;
}

/** A block's run_once and any_errors_fatal, given to its tasks (nested blocks too) that set none. */
function inherit(nodes: TaskNode[], block: Raw): TaskNode[] {
  if (block.run_once !== true && typeof block.any_errors_fatal !== 'boolean') return nodes;
  for (const node of nodes) {
    if (node.kind === 'block') for (const list of [node.block, node.rescue, node.always]) inherit(list, block);
    if (node.kind !== 'task') continue;
    if (block.run_once === true) node.runOnce = true;
    if (typeof block.any_errors_fatal === 'boolean') node.anyErrorsFatal ??= block.any_errors_fatal;
  }
  return nodes;
}

/** A block's or role entry's delegate_to (its template syntax checked), for its tasks to inherit. */
export function inheritedDelegate(yaml: YamlFile, at: Path, raw: Raw, ctx: ParseContext): InheritedDelegate | undefined {
  if (typeof raw.delegate_to !== 'string' || raw.delegate_to.trim() === '') return undefined;
  if (ctx.controllerTask) ctx.controllerTask.seen = true;
  checkTemplates(yaml, raw.delegate_to, () => [...at, 'delegate_to'], ctx);
  return { to: raw.delegate_to, location: yaml.locate([...at, 'delegate_to']), facts: raw.delegate_facts === true };
}

/** An include's file written as text: the file itself, or Ansible's key=value form `file=tasks.yml`. */
function includeFileOf(text: string): string {
  const kv = text.includes('=') ? parseKeyValueArgs(text) : undefined;
  return kv?.kind === 'ok' && Object.keys(kv.args).length === 1 && typeof kv.args.file === 'string' ? kv.args.file : text;
}

function parseInclude(yaml: YamlFile, at: Path, task: Raw, key: string, ctx: ParseContext): IncludeDef | undefined {
  const isImport = shortModuleName(key) === 'import_tasks';
  keywordCheck(yaml, at, task, isImport ? importKeywords : includeKeywords, shortModuleName(key), ctx);
  const value = task[key];
  const written = typeof value === 'string' ? includeFileOf(value) : String((value as Raw | undefined)?.file ?? '');
  // An import's templated file name is rendered now, as Ansible does, with what is known at load time.
  const file =
    isImport && isTemplated(written)
      ? renderAtLoad(yaml, [...at, key], written, 'the file of an import_tasks', varsOf(task.vars), ctx)
      : written;
  if (file === undefined) return undefined;
  const baseDir = includeBaseDir(yaml.file, file, ctx.rolePath);
  const include: IncludeDef = { kind: 'include', ...parseScope(yaml, at, task, ctx), file, baseDir };
  if (isImport) include.isImport = true;
  else if (task.run_once === true) include.runOnce = true;
  // An import's delegate_to reaches its tasks as a block's does (childScope); its run_once is set on them below.
  const delegate = isImport ? inheritedDelegate(yaml, at, task, ctx) : undefined;
  if (delegate) include.delegate = delegate;
  if (task.listen !== undefined) include.listen = toList(task.listen);
  if (typeof task.register === 'string') include.register = task.register;
  const applyAt = (value as Raw | undefined)?.apply !== undefined ? [key, 'apply'] : ['args', 'apply'];
  const applyRaw = (value as Raw | undefined)?.apply ?? (task.args as Raw | undefined)?.apply;
  if (applyRaw !== undefined) {
    if (shortModuleName(key) === 'import_tasks')
      ctx.problems.add(yaml, [...at, ...applyAt], 'apply is for include_tasks (import_tasks takes keywords on the task)', 'key');
    else include.apply = applyScope(yaml, [...at, ...applyAt], applyRaw, ctx, parseScope);
  }
  // A file read at run time gets the module_defaults in force here (moduleDefaults.ts).
  if (ctx.moduleDefaults?.length) include.moduleDefaults = ctx.moduleDefaults;
  const loop = parseLoop(task);
  if (loop) {
    include.loop = loop;
    checkTemplates(yaml, task[loopKey(task)], (sub) => [...at, loopKey(task), ...sub], ctx);
  }
  // Ansible refuses this at parse time: an import is expanded once, before any item exists.
  if (isImport && loop)
    ctx.problems.add(yaml, [...at, loopKey(task)], 'import_tasks cannot loop (Ansible refuses it too); use include_tasks', 'key');
  if (isTemplated(file)) {
    checkTemplates(yaml, file, () => [...at, key], ctx);
    if (isImport) ctx.problems.add(yaml, [...at, key], 'import_tasks needs a static file name; use include_tasks for templated names');
    return include;
  }
  const full = path.resolve(baseDir, file);
  if (!existsSync(full)) {
    // include_tasks behind a `when` is read when reached (strategy.ts), as Ansible reads it.
    if (mayBeMissing(task, isImport, ctx)) return include;
    ctx.problems.add(yaml, [...at, key], `task file '${file}' not found (looked for ${full})`);
    return include;
  }
  // Reading a FIFO or a device would block validate; a directory cannot be read.
  if (!statSync(full).isFile()) {
    ctx.problems.add(yaml, [...at, key], `task file '${file}' is not a regular file (${full})`);
    return include;
  }
  if (ctx.including.includes(full)) {
    ctx.problems.add(yaml, [...at, key], `${file} includes itself (${[...ctx.including, full].map((f) => path.basename(f)).join(' -> ')})`);
    return include;
  }
  const { ctx: inner, deferred } = includeContext(ctx, task, isImport);
  try {
    const child = loadYamlFile(full, 'playbook');
    inner.including.push(full);
    include.tasks = underWhen(task, inner, () => parseTaskList(child, [], child.value, inner));
    if (isImport && task.run_once === true) markRunOnce(include.tasks);
    // An import's `when` is each imported task's own (Ansible copies it down): it is evaluated with their
    // variables (a block's vars there), per task, not once at the import.
    if (isImport && include.when.length > 0) {
      for (const node of include.tasks) node.when = [...include.when, ...node.when];
      include.when = [];
    }
    inner.including.pop();
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    if (err.location) inner.problems.addError(err);
    else inner.problems.add(yaml, [...at, key], err.message);
  }
  // A guarded file with problems is read again, and fails, only if the run reaches it (lazyIncludes.ts).
  if (deferred && inner.problems.list.length > 0) {
    ctx.guarded?.list.push(...inner.problems.list);
    delete include.tasks;
  }
  return include;
}

/** A task whose module name is a template: loaded with no module to run, it fails when reached. */
function templatedModuleTask(yaml: YamlFile, at: Path, task: Raw, key: string, ctx: ParseContext): TaskDef | undefined {
  const { [key]: _written, ...rest } = task;
  const def = parseTask(yaml, at, { ...rest, debug: {} }, ctx);
  if (!def) return undefined;
  const location = yaml.locate([...at, 'action']);
  const message = `the module name '${key}' is a template: Ansible does not render module names, so no module by that name exists`;
  def.argumentProblem = { message, location };
  (ctx.guarded ?? new Problems()).list.push({ message, location, excerpt: yaml.excerpt(location) });
  return def;
}

function parseTask(yaml: YamlFile, at: Path, task: Raw, ctx: ParseContext, refused = false): TaskDef | undefined {
  const others = Object.keys(task).filter((k) => !Object.hasOwn(taskKeywords, k));
  const known = others.filter((k) => ctx.modules.find(k));
  if (others.length === 0) {
    if (!refused) ctx.problems.add(yaml, at, `task${task.name ? ` '${String(task.name)}'` : ''} names no module`);
    return undefined;
  }
  if (known.length !== 1 || others.length !== 1) {
    // `debug:` with nothing after it and `msg:` beside it: the argument lost its indentation.
    const only = known.length === 1 ? ctx.modules.find(known[0]!) : undefined;
    const argumentsOfOnly =
      only && (task[known[0]!] === null || task[known[0]!] === undefined)
        ? Object.keys((only.schema.properties as object | undefined) ?? {})
        : [];
    for (const k of others.filter((o) => !ctx.modules.find(o))) {
      if (argumentsOfOnly.includes(k)) {
        ctx.problems.add(yaml, [...at, k], `'${k}' is an argument of ${known[0]}: indent it under '${known[0]}:'`, 'key');
        continue;
      }
      const hint = suggest(shortModuleName(k), [...ctx.modules.names(), ...Object.keys(taskKeywords)]);
      ctx.problems.add(yaml, [...at, k], `unknown module or keyword '${k}'${hint ? ` (did you mean '${hint}'?)` : ''}`, 'key');
    }
    if (known.length > 1) ctx.problems.add(yaml, [...at, known[1]!], `a task takes exactly one module, found ${known.join(', ')}`, 'key');
    return undefined;
  }
  const moduleKey = known[0]!;
  const mod = ctx.modules.find(moduleKey)!;
  keywordCheck(yaml, at, task, { ...taskKeywords, [moduleKey]: {} }, 'task', ctx);
  // A task written to fail (ignore_errors: true, failed_when, or under a rescue) fails at run time on a bad argument, as
  // in Ansible, where the module refuses it when it runs: ansible-core's own tests check such failures.
  const expectsFailure = task.ignore_errors === true || task.failed_when !== undefined || ctx.rescued === true;
  const argProblems = expectsFailure ? new Problems() : ctx.problems;
  const argCtx: ParseContext = expectsFailure ? { ...ctx, problems: argProblems } : ctx;
  const written = moduleArgs(yaml, [...at, moduleKey], task[moduleKey], mod.freeFormKey, argCtx, mod.freeFormOptions);
  let args = written ?? {};
  if (task.args && typeof task.args === 'object' && !Array.isArray(task.args)) {
    // Defined, not assigned: an `__proto__` key must stay a key, not become the prototype of args.
    for (const [k, v] of Object.entries(task.args))
      Object.defineProperty(args, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  const canonical = canonicalArgs(mod.schema, args);
  // module_defaults go under the task's own arguments, before they are checked (moduleDefaults.ts).
  args = coerceArgTypes(mod.schema, { ...defaultsFor(mod, ctx, ctx.modules), ...canonical.args });
  const inArgs = (key: string): boolean =>
    !!task.args && typeof task.args === 'object' && (canonical.written.get(key) ?? key) in (task.args as Raw);
  for (const p of canonical.problems) argProblems.add(yaml, [...at, inArgs(p.key) ? 'args' : moduleKey, p.key], p.message, 'key');
  // Arguments that could not be read were reported; checking what was read would only add echoes.
  if (written) {
    const issues = checkSchema(mod.schema, args, `module '${mod.name}'`);
    // Only for what is wrong with the arguments as a whole (a missing or conflicting one), not for one argument.
    const own = issues.length > 0 && issues.every((i) => i.path.length === 0) ? mod.argumentsProblem?.(args) : undefined;
    if (own) argProblems.add(yaml, [...at, moduleKey], own, 'key');
    for (const issue of own ? [] : issues) {
      const [first, ...rest] = issue.path;
      const key = first === undefined ? [] : [canonical.written.get(String(first)) ?? first];
      const sub = first !== undefined && inArgs(String(first)) ? 'args' : moduleKey;
      argProblems.add(yaml, [...at, sub, ...key, ...rest], issue.message, issue.which, issue.ansible);
    }
    const argAt = (key: string): Path => [...at, inArgs(key) ? 'args' : moduleKey, canonical.written.get(key) ?? key];
    checkLocalSrc(yaml, mod.name, args, argAt('src'), argCtx);
    checkCommandLine(yaml, mod.name, args, task[moduleKey], argAt('cmd'), argCtx);
    if (!expectsFailure) checkCommandGiven(yaml, mod.name, args, argAt, ctx);
    checkTemplates(yaml, args, ([key, ...rest]) => [...argAt(String(key)), ...rest], ctx);
    checkAssertions(yaml, mod.name, args, argAt('that'), ctx);
    checkPatterns(yaml, mod.name, args, argAt, argCtx);
  }
  const def: TaskDef = {
    kind: 'task',
    ...parseScope(yaml, at, task, ctx),
    moduleKey,
    module: mod.name,
    args,
    // A notify that is not text is reported by the schema; it names no handler to look for.
    notify: toList(task.notify).filter((_, i) => typeof (Array.isArray(task.notify) ? task.notify[i] : task.notify) === 'string'),
    listen: toList(task.listen),
    locate: (sub, which) => yaml.locate([...at, ...sub], which),
  };
  const deferred = expectsFailure ? argProblems.list[0] : undefined;
  if (deferred) {
    def.argumentProblem = {
      message: deferred.message,
      location: deferred.location,
      ...(deferred.ansible ? { ansible: deferred.ansible } : {}),
    };
    // validate shows it as a warning; the run fails the task with it.
    for (const p of argProblems.list) (ctx.guarded ?? new Problems()).list.push(p);
  }
  const loop = parseLoop(task);
  if (loop) {
    def.loop = loop;
    checkTemplates(yaml, task[loopKey(task)], (sub) => [...at, loopKey(task), ...sub], ctx);
  }
  if (typeof task.register === 'string') def.register = task.register;
  if (task.changed_when !== undefined) def.changedWhen = conditions(yaml, [...at, 'changed_when'], task.changed_when, ctx);
  if (task.failed_when !== undefined) def.failedWhen = conditions(yaml, [...at, 'failed_when'], task.failed_when, ctx);
  if (task.until !== undefined) def.until = conditions(yaml, [...at, 'until'], task.until, ctx);
  if (typeof task.throttle === 'number') def.throttle = task.throttle;
  if (task.run_once === true) def.runOnce = true;
  if (typeof task.diff === 'boolean') def.diff = task.diff;
  if (typeof task.any_errors_fatal === 'boolean') def.anyErrorsFatal = task.any_errors_fatal;
  if (typeof task.retries === 'number') def.retries = task.retries;
  if (typeof task.delay === 'number') def.delay = task.delay;
  if (typeof task.timeout === 'number') def.timeout = task.timeout;
  if (typeof task.delegate_to === 'string') def.delegateTo = task.delegate_to;
  if (ctx.controllerTask && (typeof task.delegate_to === 'string' || task.connection === 'local')) ctx.controllerTask.seen = true;
  if (task.delegate_facts === true) def.delegateFacts = true;
  if (task.connection === 'local') def.connection = 'local';
  return def;
}

/** The module's arguments as written (free form, key=value or a mapping); undefined when reported as unreadable. */
function moduleArgs(
  yaml: YamlFile,
  at: Path,
  value: unknown,
  freeFormKey: string | undefined,
  ctx: ParseContext,
  freeFormOptions?: readonly string[],
): Vars | undefined {
  if (value === null || value === undefined) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return { ...(value as Vars) };
  if (typeof value !== 'string') {
    ctx.problems.add(yaml, at, `module arguments must be a mapping or a string, got ${describeValue(value)}`);
    return undefined;
  }
  if (freeFormKey) {
    // A module with its own options (include_vars) may be written in key=value form only.
    const keyValue = freeFormOptions ? parseKeyValueArgs(value) : undefined;
    if (keyValue?.kind === 'ok') return keyValue.args;
    const { cmd, options } = splitFreeForm(value, freeFormOptions);
    return { [freeFormKey]: cmd, ...options };
  }
  // Legacy `key=value key2="value 2"` form.
  const parsed = parseKeyValueArgs(value);
  if (parsed.kind === 'ok') return parsed.args;
  ctx.problems.addInString(yaml, at, value, parsed.offset, parsed.message);
  return undefined;
}

/** The key a task's loop is written under. */
function loopKey(task: Raw): string {
  return LOOP_KEYWORDS.find((k) => task[k] !== undefined) ?? 'loop';
}

/** A task's or include's loop (loop, with_items, with_list, with_<lookup> and loop_control), if it has one. */
export function parseLoop(task: Raw): LoopSpec | undefined {
  const keyword = loopKey(task);
  const items = task[keyword];
  if (items === undefined) return undefined;
  const control = (task.loop_control as Raw | undefined) ?? {};
  const spec: LoopSpec = { items, loopVar: typeof control.loop_var === 'string' ? control.loop_var : 'item', keyword };
  const lookup = lookupOfKeyword(keyword);
  if (lookup) spec.lookup = lookup;
  if (typeof control.pause === 'number' || typeof control.pause === 'string') spec.pause = control.pause;
  if (control.extended === true) spec.extended = true;
  if (control.extended_allitems === false) spec.extendedAllitems = false;
  if (keyword === 'with_items') {
    spec.withItems = true;
    if (Array.isArray(items)) spec.items = items.flat(1);
  }
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
      if (text.includes('{{')) {
        // Ansible warns about (and 2.19 refuses) templates inside a condition; the parser would only say "expected ':'".
        ctx.problems.add(yaml, where, 'a condition is an expression already: write variables without {{ }} (`a == 1`, not `{{ a }} == 1`)');
        return { expr: expr as string, location };
      }
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

/**
 * `debugger: ~` or `debugger: never` never starts Ansible's task debugger: fleetplay, which has none, takes them
 * as the no-ops they are (keywords.ts refuses the values that would start it).
 */
function withoutIdleDebugger(task: Raw): Raw {
  if (!Object.hasOwn(task, 'debugger') || (task.debugger !== null && task.debugger !== 'never')) return task;
  const { debugger: _idle, ...rest } = task;
  return rest;
}

function varsOf(v: unknown): Vars {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Vars) : {};
}

function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/**
 * The folder an include's file is relative to: the including file's, or, in a role, the role's tasks/
 * when the file is not beside the includer (Ansible looks there too: a role's handlers include tasks files).
 */
export function includeBaseDir(includer: string, file: string, rolePath: string | undefined): string {
  const here = path.dirname(includer);
  if (!rolePath || isTemplated(file) || path.isAbsolute(file) || existsSync(path.resolve(here, file))) return here;
  const tasks = path.join(rolePath, 'tasks');
  return existsSync(path.resolve(tasks, file)) ? tasks : here;
}
