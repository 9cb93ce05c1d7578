// Loads a playbook file, validates all of it, and returns plays ready to run. Touches no host.
import { readFlag } from './flags.ts';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { FleetError } from '../errors.ts';
import { isTemplated, renderString } from '../template/render.ts';
import type { HandlerDef, ModuleRegistry, PlayDef, Playbook, TaskNode, Vars } from '../types.ts';
import { loadYamlFile, type YamlFile } from '../yaml/load.ts';
import { isLinear, normalizeKeywords } from './keywords.ts';
import { checkCollections, readModuleDefaults } from './moduleDefaults.ts';
import { parseScopeExtras } from './scopeExtras.ts';
import { Problems } from './problems.ts';
import { playSchema } from './schema.ts';
import { checkTemplates } from './literalArgs.ts';
import { checkSchema } from './schemaCheck.ts';
import { parseTaskList, type ParseContext } from './tasks.ts';
import { newRoleState, parsePlayRoles } from './roles.ts';
import { parseRoleTask } from './roleTasks.ts';
import { roleSearchFor } from './roleSearch.ts';
import { describeValue } from './wording.ts';
import { loadEntries } from './importPlaybook.ts';
import { collectorsFor, subsetList } from '../executor/factSubsets.ts';

/** Options of loading a playbook. */
export interface LoadOptions {
  /** --roles-path: searched for roles before ANSIBLE_ROLES_PATH or ansible.cfg's roles_path. */
  rolesPath?: string[];
  /** For a run: an include_tasks file under a `when` that has problems fails only if reached (engine/playbook/lazyIncludes.ts). */
  deferGuardedIncludes?: boolean;
  /** Collects the problems that wait (validate prints them as warnings). */
  guardedProblems?: Problems;
  /** -e: known at load time, for templated import_playbook and import_role names (as in Ansible). */
  extraVars?: Vars;
}

/** Loads and validates `file` against `modules`. Throws one FleetError listing every problem, each with file:line:column. */
export function loadPlaybook(file: string, modules: ModuleRegistry, options: LoadOptions = {}): Playbook {
  const full = path.resolve(file);
  const yaml = loadYamlFile(full, 'playbook');
  const problems = new Problems();
  const search = roleSearchFor(path.dirname(full), options.rolesPath ? { rolesPath: options.rolesPath } : {});
  const ctx: ParseContext = {
    problems,
    including: [full],
    playbookDir: path.dirname(full),
    modules,
    roles: newRoleState(search),
    parseRoleTask,
    controllerTask: { seen: false },
  };
  if (options.deferGuardedIncludes) ctx.deferGuardedIncludes = true;
  if (options.guardedProblems) ctx.guarded = options.guardedProblems;
  if (options.extraVars) ctx.extraVars = options.extraVars;
  if (!Array.isArray(yaml.value) || yaml.value.length === 0) {
    const value = yaml.value;
    // A single play written without its leading `- ` is the usual cause of a mapping here.
    const hint = value && typeof value === 'object' && !Array.isArray(value) && 'hosts' in value ? '; start the play with `- hosts:`' : '';
    problems.add(yaml, [], `a playbook is a list of plays (each with at least \`hosts:\`), got ${describeValue(value)}${hint}`);
    problems.throwIfAny();
  }
  const plays = loadEntries(yaml, ctx, parsePlay);
  problems.throwIfAny();
  return { file: full, plays, modules };
}

function parsePlay(yaml: YamlFile, index: number, raw: unknown, playbookCtx: ParseContext): PlayDef | undefined {
  // Each play has its own roles: dedup, handlers and public variables are per play, as in Ansible.
  const ctx: ParseContext = { ...playbookCtx, roles: newRoleState(playbookCtx.roles!.search) };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.problems.add(
      yaml,
      [index],
      `play ${index + 1} of the playbook must be a mapping (a play with at least \`hosts:\`), got ${describeValue(raw)}`,
    );
    return undefined;
  }
  const play = normalizeKeywords(yaml, [index], raw as Record<string, unknown>, ctx.problems, 'play');
  // What a templated import_role name may use at load time: the play's vars under an import's, and -e.
  ctx.loadVars = { ...(isVars(play.vars) ? play.vars : {}), ...playbookCtx.loadVars };
  for (const issue of checkSchema(playSchema, play, 'play', 'keyword')) {
    ctx.problems.add(yaml, [index, ...issue.path], issue.message, issue.which);
  }
  checkTemplates(yaml, { name: play.name, vars: play.vars, vars_files: play.vars_files }, (sub) => [index, ...sub], ctx);
  // module_defaults and collections of the play hold for every task it loads, its roles' too (moduleDefaults.ts).
  ctx.moduleDefaults = readModuleDefaults(yaml, [index, 'module_defaults'], play.module_defaults, ctx.problems);
  checkCollections(yaml, [index, 'collections'], play.collections, ctx.problems);
  const hosts = Array.isArray(play.hosts) ? play.hosts.join(':') : String(play.hosts ?? '');
  // Roles run after pre_tasks (and their handlers), before the play's tasks, in the same section.
  const roleBlocks = parsePlayRoles(yaml, [index, 'roles'], play.roles, ctx, ctx.roles!);
  const def: PlayDef = {
    name: typeof play.name === 'string' ? play.name : hosts,
    hosts,
    vars: (play.vars as Vars | undefined) ?? {},
    varsFiles: toList(play.vars_files).map((f, i) => ({
      file: f,
      location: yaml.locate(Array.isArray(play.vars_files) ? [index, 'vars_files', i] : [index, 'vars_files']),
    })),
    gatherFacts: play.gather_facts !== false,
    ...(play.gather_subset !== undefined ? { gatherSubset: play.gather_subset } : {}),
    ...(typeof play.gather_timeout === 'number' ? { gatherTimeout: play.gather_timeout } : {}),
    tags: toList(play.tags),
    ...(play.serial !== undefined ? { serial: play.serial } : {}),
    ...(typeof play.strategy === 'string' ? { strategy: play.strategy } : {}),
    ...(typeof play.max_fail_percentage === 'number' ? { maxFailPercentage: play.max_fail_percentage } : {}),
    anyErrorsFatal: play.any_errors_fatal === true,
    ...(typeof play.force_handlers === 'boolean' ? { forceHandlers: play.force_handlers } : {}),
    preTasks: parseTaskList(yaml, [index, 'pre_tasks'], play.pre_tasks, ctx),
    tasks: [...roleBlocks, ...parseTaskList(yaml, [index, 'tasks'], play.tasks, ctx)],
    postTasks: parseTaskList(yaml, [index, 'post_tasks'], play.post_tasks, ctx),
    handlers: [],
    location: yaml.locate([index]),
    baseDir: path.dirname(yaml.file),
  };
  const become = readFlag(yaml, [index], play, 'become');
  if (become !== undefined) def.become = become;
  if (typeof play.become_user === 'string') def.becomeUser = play.become_user;
  if (play.connection === 'local') def.connection = 'local';
  Object.assign(def, parseScopeExtras(yaml, [index], play, ctx.problems));
  checkTemplates(
    yaml,
    { environment: play.environment, become: play.become, ignore_unreachable: play.ignore_unreachable },
    (sub) => [index, ...sub],
    ctx,
  );
  const handlers = parseTaskList(yaml, [index, 'handlers'], play.handlers, ctx);
  // Roles' handlers are in the play's namespace, before the play's own (Ansible compiles them first).
  def.handlers.push(...ctx.roles!.handlers);
  if (ctx.roles!.public.length > 0) def.roles = ctx.roles!.public;
  handlers.forEach((h, i) => {
    // A handler may be an include_tasks or include_role (run when notified, by its name or listen topics).
    if (h.kind !== 'block') def.handlers.push(h);
    else ctx.problems.add(yaml, [index, 'handlers', i], `handler ${i + 1} of handlers must be a task or an include (not a block)`);
  });
  // An include_role's handlers join the play's when the include runs (executor/includeRole.ts), as in Ansible.
  // A literal gather_subset is checked now, with Ansible's message (a templated one when facts are gathered).
  // fleetplay runs plays with Ansible's default strategy only; a templated one is checked when the play starts.
  if (typeof play.strategy === 'string' && !isTemplated(play.strategy) && !isLinear(play.strategy))
    ctx.problems.add(
      yaml,
      [index, 'strategy'],
      `strategy '${play.strategy}' is not supported: fleetplay runs plays with the linear strategy only`,
    );
  if (play.gather_subset !== undefined && !JSON.stringify(play.gather_subset).includes('{{')) {
    try {
      collectorsFor(subsetList(play.gather_subset));
    } catch (err) {
      ctx.problems.add(yaml, [index, 'gather_subset'], (err as Error).message);
    }
  }
  checkVarsFiles(yaml, index, def, ctx);
  checkNotify(yaml, index, def, ctx, ctx.roles!.lateHandlers);
  return def;
}

function checkVarsFiles(yaml: YamlFile, index: number, play: PlayDef, ctx: ParseContext): void {
  for (const vf of play.varsFiles) {
    if (isTemplated(vf.file)) continue;
    const full = path.resolve(play.baseDir, vf.file);
    if (!existsSync(full)) {
      ctx.problems.at(vf.location, `vars file '${vf.file}' not found (looked for ${full})`);
      continue;
    }
    // Reading a FIFO or a device would block validate; a directory cannot be read.
    if (!statSync(full).isFile()) {
      ctx.problems.at(vf.location, `vars file '${vf.file}' is not a regular file (${full})`);
      continue;
    }
    try {
      const loaded = loadYamlFile(full, 'playbook');
      if (loaded.value !== null && (typeof loaded.value !== 'object' || Array.isArray(loaded.value))) {
        ctx.problems.add(loaded, [], `a vars file must be a mapping of variable names to values, got ${describeValue(loaded.value)}`);
      }
    } catch (err) {
      if (!(err instanceof FleetError)) throw err;
      if (err.location) ctx.problems.addError(err);
      else ctx.problems.list.push({ message: err.message, location: vf.location, excerpt: yaml.excerpt(vf.location) });
    }
  }
  void index;
}

/** Every notify must name a handler (by name or by a `listen` topic). */
function checkNotify(_yaml: YamlFile, index: number, play: PlayDef, ctx: ParseContext, late: HandlerDef[]): void {
  // A templated handler name is rendered with the play's vars, as the run does (executor/notify.ts).
  let open = false;
  const nameOf = (name: string | undefined): string => {
    if (name === undefined || !isTemplated(name)) return name ?? '';
    try {
      return renderString(name, { ...play.vars, ...ctx.extraVars }, play.location);
    } catch {
      open = true;
      return '';
    }
  };
  const known = new Set([...play.handlers, ...late].flatMap((h) => [nameOf(h.name), ...(h.listen ?? [])]));
  if (open) return;
  const visit = (nodes: TaskNode[]): void => {
    for (const n of nodes) {
      if (n.kind === 'task') {
        n.notify.forEach((name, i) => {
          if (!known.has(name) && !isTemplated(name)) {
            ctx.problems.at(n.locate(['notify', ...(n.notify.length > 1 ? [i] : [])]), `notify names no handler of this play: '${name}'`);
          }
        });
      } else if (n.kind === 'block') {
        for (const name of n.notify ?? [])
          if (!known.has(name) && !isTemplated(name))
            ctx.problems.at(n.location, `notify of this block names no handler of this play: '${name}'`);
        visit(n.block);
        visit(n.rescue);
        visit(n.always);
      } else if (n.tasks) visit(n.tasks);
    }
  };
  visit([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
  void index;
}

function isVars(v: unknown): v is Vars {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}
