// Loads roles: finds the role's folder, reads its meta (dependencies, allow_duplicates), defaults, vars,
// tasks and handlers, and turns one application of it into a block whose tasks carry the role (its
// variables through roleLayer.ts, its folder for file lookups). Dependencies run first, inside the
// block, so they inherit its when and tags as in Ansible. A role with the same params, vars, when, tags
// and *_from files runs once per play unless allow_duplicates says otherwise (Ansible's dedup).
import path from 'node:path';
import { FleetError } from '../errors.ts';
import type { BlockDef, LoadedRole, RoleRef, HandlerDef, TaskNode, Vars } from '../types.ts';
import { loadYamlFile, type YamlFile } from '../yaml/load.ts';
import { assignOwn } from '../inventory/own-properties.ts';
import { booleanWord } from './keywords.ts';
import { parseRoleEntry, type RoleEntry } from './roleEntry.ts';
import { roleFiles } from './roleFiles.ts';
import { markRoleLayer, roleLayer } from './roleLayer.ts';
import { findRole, type RoleSearch } from './roleSearch.ts';
import { parseTaskList, type ParseContext } from './tasks.ts';
import { describeValue } from './wording.ts';

/** What the roles of one play share while it is loaded (or while an include_role loads at run time). */
export interface PlayRoleState {
  search: RoleSearch;
  /** Loaded applications by dedup key (a duplicate still lends its variables to the role that depends on it). */
  cache: Map<string, LoadedRole>;
  /** Public roles: their defaults and vars are seen by the whole play. */
  public: RoleRef[];
  /** Handlers of the play's roles, in load order. */
  handlers: HandlerDef[];
  /** Handlers of roles an include_role brings: they join the play's when the include runs, as in Ansible. */
  lateHandlers: HandlerDef[];
  handlerKeys: Set<string>;
  /** Folders of the roles being loaded (to stop dependency cycles). */
  stack: string[];
  /** The role whose task files are being parsed: an import_role or include_role there has it as parent. */
  current?: Parent;
}

/** Fresh role state for one play. */
export function newRoleState(search: RoleSearch): PlayRoleState {
  return { search, cache: new Map(), public: [], handlers: [], lateHandlers: [], handlerKeys: new Set(), stack: [] };
}

/** The variables a dependency inherits from the role that pulls it in. */
export interface Parent {
  ref: RoleRef;
  /** Parents' `vars:` and vars/, outermost first, then this role's. */
  chainVars: Vars;
}

/** A play's `roles:` (at `at` in `yaml`) as blocks to run before its tasks; each role is public. */
export function parsePlayRoles(
  yaml: YamlFile,
  at: Array<string | number>,
  raw: unknown,
  ctx: ParseContext,
  state: PlayRoleState,
): BlockDef[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.problems.add(yaml, at, `roles must be a list of roles, got ${describeValue(raw)}`);
    return [];
  }
  const blocks: BlockDef[] = [];
  raw.forEach((item, i) => {
    const entry = parseRoleEntry(yaml, [...at, i], item, ctx, `role ${i + 1} of roles`);
    const loaded = entry ? loadRole(entry, ctx, state) : undefined;
    if (!loaded) return;
    if (!state.public.includes(loaded.role.ref)) state.public.push(loaded.role.ref);
    if (!loaded.duplicate) blocks.push(loaded.role.block);
  });
  return blocks;
}

/** Loads one application of a role; `duplicate` when the play already has it (its block must not run again). */
export function loadRole(
  entry: RoleEntry,
  ctx: ParseContext,
  state: PlayRoleState,
  parent?: Parent,
): { role: LoadedRole; duplicate: boolean } | undefined {
  const located = findRole(entry.name, state.search, parent ? path.dirname(parent.ref.path) : undefined);
  if ('searched' in located) {
    ctx.problems.add(entry.yaml, entry.nameAt, `the role '${entry.name}' was not found in ${located.searched.join(':')}`);
    return undefined;
  }
  const dir = located.found;
  if (state.stack.includes(dir)) {
    const chain = [...state.stack, dir].map((d) => path.basename(d)).join(' -> ');
    ctx.problems.add(entry.yaml, entry.nameAt, `role '${entry.name}' depends on itself (${chain})`);
    return undefined;
  }
  const meta = loadMeta(dir, ctx);
  const key = dedupKey(dir, entry);
  const cached = state.cache.get(key);
  if (cached && !(entry.allowDuplicates ?? meta.allowDuplicates)) return { role: cached, duplicate: true };
  state.stack.push(dir);
  // The entry's module_defaults and `when` hold for the role's tasks and dependencies (moduleDefaults.ts, lazyIncludes.ts).
  const outerDefaults = ctx.moduleDefaults;
  const outerConditional = ctx.conditional;
  if (entry.moduleDefaults?.length) ctx.moduleDefaults = [...(outerDefaults ?? []), ...entry.moduleDefaults];
  if (entry.scope.when.length > 0) ctx.conditional = (outerConditional ?? 0) + 1;
  try {
    const roleVars = loadVars(dir, 'vars', entry.from.vars, entry, ctx);
    const ref: RoleRef = {
      // A collection's role is `role_name` by its short name (its FQCN names its handlers too).
      name: entry.name.includes('/') || located.collection ? path.basename(dir) : entry.name,
      path: dir,
      defaults: {},
      exportVars: {},
      vars: {},
      params: assignOwn(assignOwn({}, parent?.ref.params), entry.params),
      parents: parent ? [{ name: parent.ref.name, path: parent.ref.path }, ...parent.ref.parents] : [],
    };
    const chainVars = assignOwn(assignOwn(assignOwn({}, parent?.chainVars), entry.vars), roleVars);
    const depBlocks: BlockDef[] = [];
    const depExports: Vars = {};
    for (const dep of meta.dependencies) {
      const loaded = loadRole(dep, ctx, state, { ref, chainVars });
      if (!loaded) continue;
      assignOwn(ref.defaults, loaded.role.ref.defaults);
      assignOwn(depExports, loaded.role.ref.exportVars);
      if (!loaded.duplicate) depBlocks.push(loaded.role.block);
    }
    assignOwn(ref.defaults, loadVars(dir, 'defaults', entry.from.defaults, entry, ctx));
    assignOwn(assignOwn(ref.exportVars, depExports), roleVars);
    for (const layer of [parent?.chainVars, depExports, roleVars, entry.vars]) assignOwn(ref.vars, layer);
    // Roles imported or included by these tasks inherit this role's vars and params, as Ansible's dep chain.
    const outer = state.current;
    state.current = { ref, chainVars };
    let tasks: TaskNode[];
    try {
      tasks = loadTaskFile(dir, 'tasks', entry.from.tasks, entry, ctx);
    } finally {
      state.current = outer;
    }
    const prefixes = located.collection ? [ref.name, `${located.collection}.${ref.name}`] : [ref.name];
    const handlers = loadHandlers(dir, entry, ref, prefixes, ctx, state);
    const block: BlockDef = {
      kind: 'block',
      ...entry.scope,
      vars: roleLayer(ref, entry.layerVars),
      rolePath: dir,
      block: [...depBlocks, ...stamp(tasks, dir)],
      rescue: [],
      always: [],
    };
    const role: LoadedRole = { ref, block, handlers };
    state.cache.set(key, role);
    return { role, duplicate: false };
  } finally {
    state.stack.pop();
    ctx.moduleDefaults = outerDefaults;
    ctx.conditional = outerConditional;
  }
}

/** Ansible's role identity in a play: folder, params, vars, when, tags and the *_from files. */
function dedupKey(dir: string, entry: RoleEntry): string {
  const when = entry.scope.when.map((c) => c.expr);
  return `${dir}\0${stableJson({ params: entry.params, vars: entry.vars, when, tags: entry.scope.tags, from: entry.from, layer: entry.layerVars })}`;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Vars)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** meta/main: `dependencies` (role entries) and `allow_duplicates`; other keys (galaxy_info, …) are ignored. */
function loadMeta(dir: string, ctx: ParseContext): { dependencies: RoleEntry[]; allowDuplicates: boolean } {
  const out = { dependencies: [] as RoleEntry[], allowDuplicates: false };
  const found = roleFiles(dir, 'meta', undefined, false);
  const file = 'files' in found ? found.files[0] : undefined;
  const yaml = file ? readYaml(file, ctx) : undefined;
  if (!yaml || yaml.value === null || yaml.value === undefined) return out;
  if (typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
    ctx.problems.add(
      yaml,
      [],
      `a role's meta/main must be a mapping (dependencies, allow_duplicates, galaxy_info), got ${describeValue(yaml.value)}`,
    );
    return out;
  }
  const meta = yaml.value as Vars;
  const allow = meta.allow_duplicates;
  const allowValue = typeof allow === 'string' ? booleanWord(allow) : allow;
  if (allow !== undefined && typeof allowValue !== 'boolean')
    ctx.problems.add(yaml, ['allow_duplicates'], `allow_duplicates must be true or false, got ${describeValue(allow)}`);
  out.allowDuplicates = allowValue === true;
  const deps = meta.dependencies;
  if (deps === undefined || deps === null) return out;
  if (!Array.isArray(deps)) {
    ctx.problems.add(yaml, ['dependencies'], `dependencies must be a list of roles, got ${describeValue(deps)}`);
    return out;
  }
  deps.forEach((d, i) => {
    const entry = parseRoleEntry(yaml, ['dependencies', i], d, ctx, `dependency ${i + 1} of ${path.relative(process.cwd(), yaml.file)}`);
    if (entry) out.dependencies.push(entry);
  });
  return out;
}

/** A role's vars/ or defaults/ (main, or the *_from name; a folder of files merged in sorted order). */
function loadVars(dir: string, subdir: 'vars' | 'defaults', name: string | undefined, entry: RoleEntry, ctx: ParseContext): Vars {
  const found = roleFiles(dir, subdir, name, true);
  if ('problem' in found) {
    ctx.problems.add(entry.yaml, entry.nameAt, `role '${entry.name}': ${found.problem}`);
    return {};
  }
  const out: Vars = {};
  for (const file of found.files) {
    const yaml = readYaml(file, ctx);
    if (!yaml || yaml.value === null || yaml.value === undefined) continue;
    if (typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
      ctx.problems.add(yaml, [], `a role's ${subdir} file must be a mapping of variable names to values, got ${describeValue(yaml.value)}`);
      continue;
    }
    assignOwn(out, yaml.value as Vars);
  }
  return out;
}

/** The parsed tasks of a role's tasks/ (or handlers/) file; none when the role has no such file. */
function loadTaskFile(
  dir: string,
  subdir: 'tasks' | 'handlers',
  name: string | undefined,
  entry: RoleEntry,
  ctx: ParseContext,
): TaskNode[] {
  const found = roleFiles(dir, subdir, name, false);
  if ('problem' in found) {
    ctx.problems.add(entry.yaml, entry.nameAt, `role '${entry.name}': ${found.problem}`);
    return [];
  }
  const file = found.files[0];
  if (!file) return [];
  if (ctx.including.includes(file)) {
    ctx.problems.add(entry.yaml, entry.nameAt, `role '${entry.name}' includes itself (${path.relative(process.cwd(), file)})`);
    return [];
  }
  const yaml = readYaml(file, ctx);
  if (!yaml) return [];
  ctx.including.push(file);
  const outer = ctx.rolePath;
  ctx.rolePath = dir;
  try {
    return parseTaskList(yaml, [], yaml.value, ctx);
  } finally {
    ctx.including.pop();
    if (outer === undefined) delete ctx.rolePath;
    else ctx.rolePath = outer;
  }
}

/** The role's handlers, added once per role and handlers file to the play's handlers. */
function loadHandlers(
  dir: string,
  entry: RoleEntry,
  ref: RoleRef,
  prefixes: string[],
  ctx: ParseContext,
  state: PlayRoleState,
): HandlerDef[] {
  const key = `${dir}\0${entry.from.handlers ?? ''}`;
  if (state.handlerKeys.has(key)) return [];
  state.handlerKeys.add(key);
  const handlers: HandlerDef[] = [];
  for (const node of loadTaskFile(dir, 'handlers', entry.from.handlers, entry, ctx)) {
    if (node.kind === 'block') {
      ctx.problems.at(node.location, 'a handler of a role must be a task or an include (not a block)');
      continue;
    }
    node.rolePath ??= dir;
    markRoleLayer(node.vars, ref);
    // Ansible also lets a task notify a role's handler as `role name : handler name`, and its listen topics
    // as `role name : topic` (a collection's role by its short name or its FQCN).
    const own = [...(node.name ? [node.name] : []), ...(node.listen ?? [])];
    (node.listen ??= []).push(...prefixes.flatMap((p) => own.map((n) => `${p} : ${n}`)));
    handlers.push(node);
  }
  state.handlers.push(...handlers);
  return handlers;
}

/** Sets the role's folder on every entry that has none yet (entries of nested roles keep theirs). */
export function stamp(nodes: TaskNode[], dir: string): TaskNode[] {
  for (const node of nodes) {
    if (node.rolePath) continue;
    node.rolePath = dir;
    if (node.kind === 'block') for (const list of [node.block, node.rescue, node.always]) stamp(list, dir);
    else if (node.kind === 'include' && node.tasks) stamp(node.tasks, dir);
  }
  return nodes;
}

function readYaml(file: string, ctx: ParseContext): YamlFile | undefined {
  try {
    return loadYamlFile(file, 'playbook');
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    if (err.location) ctx.problems.addError(err);
    else ctx.problems.at({ file, line: 1, column: 1 }, err.message);
    return undefined;
  }
}
