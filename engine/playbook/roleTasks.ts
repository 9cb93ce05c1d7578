// import_role (static: the role's tasks are placed here at load, and the task's when, tags and become
// apply to each of them) and include_role (dynamic: the role is run when the task is reached, per host
// and loop item; its own when and tags decide only whether it is included, `apply` gives keywords to
// the role's tasks), also under their ansible.builtin. and ansible.legacy. names.
import path from 'node:path';
import { shortModuleName } from '../moduleRegistry.ts';
import { isTemplated } from '../template/render.ts';
import type { IncludeDef, RoleInclude, TaskNode } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';
import { applyScope } from './applyScope.ts';
import { booleanWord } from './keywords.ts';
import { parseKeyValueArgs } from './keyValueArgs.ts';
import { checkTemplates } from './literalArgs.ts';
import type { RoleEntry } from './roleEntry.ts';
import { renderAtLoad } from './loadTime.ts';
import { loadRole, newRoleState, type PlayRoleState } from './roles.ts';
import { roleSearchFor } from './roleSearch.ts';
import { importKeywords, includeKeywords } from './schema.ts';
import { markRunOnce } from './importKeywords.ts';
import { includeContext } from './lazyIncludes.ts';
import { checkSchema } from './schemaCheck.ts';
import { inheritedDelegate, parseLoop, parseScope, type ParseContext } from './tasks.ts';
import { describeValue } from './wording.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** The task keys that make a task an import_role or include_role (short names). */
export { ROLE_TASK_KEYS } from './tasks.ts';

const ARG_NAMES = ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from'] as const;
const roleArgs = (include: boolean) => ({
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    ...Object.fromEntries(ARG_NAMES.map((k) => [k, { type: 'string', minLength: 1 }])),
    ...(include ? { apply: { type: 'object', description: 'a mapping of task keywords (tags, when, become, …)' } } : {}),
    public: { type: 'boolean' },
    allow_duplicates: { type: 'boolean' },
    rolespec_validate: { type: 'boolean' },
  },
  required: ['name'],
  additionalProperties: false,
});
const LOOP_KEYS = ['loop', 'with_items', 'with_list', 'loop_control'];
const schemas = new Map<boolean, { type: string; properties: Record<string, unknown>; additionalProperties: boolean }>();

/** The keywords an include_role (loops allowed) or import_role task takes beside its arguments. */
function keywordSchema(include: boolean): { type: string; properties: Record<string, unknown>; additionalProperties: boolean } {
  let schema = schemas.get(include);
  if (!schema) {
    const keywords = include ? includeKeywords : importKeywords;
    const properties = Object.fromEntries(Object.entries(keywords).filter(([k]) => !/(^|\.)(include|import)_tasks$/.test(k)));
    if (!include) for (const k of LOOP_KEYS) delete properties[k];
    schemas.set(include, (schema = { type: 'object', properties, additionalProperties: false }));
  }
  return schema;
}

/** The role state of the play being loaded (one made for a task file loaded on its own). */
export function roleStateOf(ctx: ParseContext): PlayRoleState {
  ctx.roles ??= newRoleState(roleSearchFor(ctx.playbookDir));
  return ctx.roles;
}

/** Parses an import_role or include_role task written under `key`. */
export function parseRoleTask(yaml: YamlFile, at: Path, task: Raw, key: string, ctx: ParseContext): TaskNode | undefined {
  const include = shortModuleName(key) === 'include_role';
  const schema = keywordSchema(include);
  const keywords = schema.properties;
  const others = Object.keys(task).filter((k) => k !== key && !Object.hasOwn(keywords, k));
  for (const k of others) {
    const hint = LOOP_KEYS.includes(k) ? ' (import_role cannot loop; use include_role)' : '';
    ctx.problems.add(yaml, [...at, k], `'${k}' is not a keyword of ${shortModuleName(key)}${hint}`, 'key');
  }
  const rest = Object.fromEntries(Object.entries(task).filter(([k]) => !others.includes(k) && k !== key));
  for (const issue of checkSchema(schema, rest, 'task', 'keyword'))
    ctx.problems.add(yaml, [...at, ...issue.path], issue.message, issue.which);
  const args = roleTaskArgs(yaml, [...at, key], task[key], ctx);
  if (!args) return undefined;
  for (const issue of checkSchema(roleArgs(include), args, shortModuleName(key)))
    ctx.problems.add(yaml, [...at, key, ...issue.path], issue.message, issue.which);
  if (typeof args.name !== 'string' || args.name === '') return undefined;
  const scope = parseScope(yaml, at, task, ctx);
  const from: RoleInclude['from'] = {};
  for (const k of ARG_NAMES) if (typeof args[k] === 'string') from[k.replace('_from', '') as keyof RoleInclude['from']] = args[k] as string;
  const templated = isTemplated(args.name) || Object.values(from).some((f) => isTemplated(f));
  // A templated name or file is rendered at run time; its syntax is checked now.
  checkTemplates(yaml, args, (sub) => [...at, key, ...sub], ctx);
  const state = roleStateOf(ctx);
  if (!include) {
    // A templated name or file of an import is rendered now, as Ansible does, with what is known at load time.
    if (templated) {
      const name = renderAtLoad(yaml, [...at, key, 'name'], args.name, 'the role name of an import_role', scope.vars, ctx);
      if (name === undefined) return undefined;
      args.name = name;
      for (const [k, v] of Object.entries(from)) {
        const file = renderAtLoad(yaml, [...at, key, `${k}_from`], v, `${k}_from of an import_role`, scope.vars, ctx);
        if (file === undefined) return undefined;
        from[k as keyof RoleInclude['from']] = file;
      }
    }
    const entry: RoleEntry = { ...baseEntry(yaml, [...at, key], args, from), scope: { ...scope, vars: {} }, layerVars: scope.vars };
    const loaded = loadRole(entry, ctx, state, state.current);
    if (!loaded) return undefined;
    // Its delegate_to and run_once reach the role's tasks, as an import_tasks's do (Ansible applies an import's keywords).
    const delegate = inheritedDelegate(yaml, at, task, ctx);
    if (delegate) {
      loaded.role.block.delegate = delegate;
      // The role's handlers are delegated too (Ansible's handlers have the import as parent).
      for (const h of loaded.role.handlers)
        if (h.kind === 'task' && h.delegateTo === undefined) [h.delegateTo, h.delegateFacts] = [delegate.to, delegate.facts];
    }
    if (task.run_once === true) markRunOnce([loaded.role.block]);
    // import_role's role is public, as Ansible exposes statically imported roles to the whole play.
    if (args.public !== false && !state.public.includes(loaded.role.ref)) state.public.push(loaded.role.ref);
    return loaded.role.block;
  }
  const apply = applyScope(yaml, [...at, key, 'apply'], args.apply, ctx, parseScope);
  const role: RoleInclude = {
    name: args.name,
    from,
    public: args.public === true,
    allowDuplicates: args.allow_duplicates !== false,
    apply,
    search: state.search,
  };
  const node: IncludeDef = { kind: 'include', ...scope, file: args.name, baseDir: path.dirname(yaml.file), role };
  const loop = parseLoop(task);
  if (loop) node.loop = loop;
  if (task.run_once === true) node.runOnce = true;
  if (typeof task.register === 'string') node.register = task.register;
  if (!templated) {
    // The include's vars are Ansible's include params for the role's tasks: above set_fact, below extra vars.
    const entry: RoleEntry = {
      ...baseEntry(yaml, [...at, key], args, from),
      params: { ...scope.vars },
      scope: apply,
      layerVars: { ...apply.vars },
    };
    const before = state.handlers.length;
    // Under a `when`, a role that cannot be loaded (missing, broken) fails only a run that reaches the include
    // (Ansible resolves include_role's role when it runs), as an include_tasks file there (lazyIncludes.ts).
    const { ctx: inner, deferred } = includeContext(ctx, task, false);
    const loaded = loadRole(entry, inner, state, state.current);
    if (deferred && inner.problems.list.length > 0) {
      ctx.guarded?.list.push(...inner.problems.list);
      state.handlers.splice(before);
      return node;
    }
    // The handlers this include brought (its role's and its dependencies') come after the play's own.
    state.lateHandlers.push(...state.handlers.splice(before));
    if (loaded) {
      role.loaded = loaded.role;
      node.tasks = [loaded.role.block];
    }
  }
  return node;
}

function baseEntry(yaml: YamlFile, at: Path, args: Raw, from: RoleInclude['from']): Omit<RoleEntry, 'scope' | 'layerVars'> {
  return {
    name: String(args.name),
    params: {},
    vars: {},
    from,
    allowDuplicates: args.allow_duplicates !== false,
    yaml,
    nameAt: [...at, 'name'],
  };
}

/** include_role/import_role arguments: a mapping, or `name=x tasks_from=y`; boolean words made booleans. */
function roleTaskArgs(yaml: YamlFile, at: Path, value: unknown, ctx: ParseContext): Raw | undefined {
  let args: Raw;
  if (typeof value === 'string') {
    const parsed = parseKeyValueArgs(value);
    if (parsed.kind !== 'ok') {
      ctx.problems.addInString(yaml, at, value, parsed.offset, parsed.message);
      return undefined;
    }
    // A bare word is the role's name (`import_role: myrole` is not Ansible, but `name=` is required there).
    args = Object.keys(parsed.args).length === 0 ? { name: value.trim() } : { ...parsed.args };
  } else if (value && typeof value === 'object' && !Array.isArray(value)) args = { ...(value as Raw) };
  else {
    ctx.problems.add(yaml, at, `role arguments must be a mapping with 'name:', got ${describeValue(value)}`);
    return undefined;
  }
  for (const k of ['public', 'allow_duplicates', 'rolespec_validate']) {
    const v = args[k];
    if (typeof v === 'string' && booleanWord(v) !== undefined) args[k] = booleanWord(v);
  }
  return args;
}
