// One reference to a role as written: an entry of a play's `roles:`, a `dependencies:` entry of a role's
// meta/main.yml (a name, or a mapping with `role:` or `name:`, keywords, and role params as the other
// keys), or the arguments of import_role / include_role.
import type { RoleInclude, TaskScope, Vars } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';
import { isTemplated } from '../template/render.ts';
import { booleanWord, variableNameProblem } from './keywords.ts';
import { checkCollections, readModuleDefaults } from './moduleDefaults.ts';
import { inheritedDelegate, parseScope, type ParseContext } from './tasks.ts';
import { describeValue } from './wording.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** A role reference, ready to load. */
export interface RoleEntry {
  /** The name (or path) as written. */
  name: string;
  /** Role params: the keys of a `roles:` entry that are no keyword. */
  params: Vars;
  /** The entry's `vars:` (roles: and dependencies): role-vars precedence, above the role's vars/. */
  vars: Vars;
  /** Variables of the role's block scope (an import_role or include_role task's own `vars:`). */
  layerVars: Vars;
  /** Keywords every task of the role inherits (when, tags, become, …). */
  scope: TaskScope;
  from: RoleInclude['from'];
  /** Set by import_role / include_role (default true there); else the role's meta decides. */
  allowDuplicates?: boolean;
  yaml: YamlFile;
  /** Where the role's name is written, for messages. */
  nameAt: Path;
  /** The entry's module_defaults levels (engine/playbook/moduleDefaults.ts), over the play's. */
  moduleDefaults?: Array<Record<string, unknown>>;
}

// Role keywords fleetplay applies to the role's tasks.
const SUPPORTED = [
  'role',
  'name',
  'vars',
  'when',
  'tags',
  'become',
  'become_user',
  'check_mode',
  'no_log',
  'ignore_errors',
  'environment',
  'ignore_unreachable',
  'become_method',
  'collections',
  'module_defaults',
  'delegate_to',
  'delegate_facts',
  'remote_user',
];
// Ansible role keywords fleetplay does not implement: refused, not taken as role params.
const UNSUPPORTED = [
  'become_flags',
  'become_exe',
  'connection',
  'port',
  'any_errors_fatal',
  'debugger',
  'diff',
  'run_once',
  'throttle',
  'timeout',
];
const BOOLEANS = ['become', 'check_mode', 'no_log', 'ignore_errors', 'ignore_unreachable'];

/** Parses one `roles:` or `dependencies:` entry found at `at`; undefined (after recording why) when unusable. */
export function parseRoleEntry(yaml: YamlFile, at: Path, raw: unknown, ctx: ParseContext, what: string): RoleEntry | undefined {
  const location = yaml.locate(at);
  const bare = { when: [], tags: [], vars: {}, location };
  if (typeof raw === 'string' && raw.trim() !== '') {
    return { name: raw.trim(), params: {}, vars: {}, layerVars: {}, scope: bare, from: {}, yaml, nameAt: at };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.problems.add(yaml, at, `${what} must be a role name or a mapping with 'role:', got ${describeValue(raw)}`);
    return undefined;
  }
  const entry: Raw = { ...(raw as Raw) };
  const nameKey = typeof entry.role === 'string' ? 'role' : typeof entry.name === 'string' ? 'name' : undefined;
  if (!nameKey) {
    ctx.problems.add(yaml, at, `${what} needs 'role:' (or 'name:') with the role's name`);
    return undefined;
  }
  const name = String(entry[nameKey]).trim();
  if (name.includes('{{')) {
    ctx.problems.add(
      yaml,
      [...at, nameKey],
      `a role name in ${what} cannot be a template in fleetplay; use include_role for a templated name`,
    );
    return undefined;
  }
  for (const key of BOOLEANS) {
    const v = entry[key];
    if (typeof v === 'string' && booleanWord(v) !== undefined) entry[key] = booleanWord(v);
    if (v !== undefined && typeof entry[key] !== 'boolean' && !(typeof v === 'string' && isTemplated(v)))
      ctx.problems.add(yaml, [...at, key], `'${key}' must be true or false, got ${describeValue(v)}`);
  }
  const vars = entry.vars ?? {};
  if (typeof vars !== 'object' || Array.isArray(vars) || vars === null) {
    ctx.problems.add(yaml, [...at, 'vars'], `'vars' must be a mapping of variable names to values, got ${describeValue(vars)}`);
  } else {
    for (const name of Object.keys(vars)) {
      const why = variableNameProblem(name);
      if (why) ctx.problems.add(yaml, [...at, 'vars', name], `'${name}' is not a valid variable name: ${why}`, 'key');
    }
  }
  checkCollections(yaml, [...at, 'collections'], entry.collections, ctx.problems);
  const params: Vars = {};
  for (const [key, value] of Object.entries(entry)) {
    if (SUPPORTED.includes(key)) continue;
    if (UNSUPPORTED.includes(key)) {
      ctx.problems.add(yaml, [...at, key], `'${key}' is an Ansible role keyword that fleetplay does not support yet`, 'key');
      continue;
    }
    const why = variableNameProblem(key);
    if (why) ctx.problems.add(yaml, [...at, key], `role param '${key}' is not a valid variable name: ${why}`, 'key');
    else Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
  }
  // The task keywords a role's tasks inherit, read as for a block (keywords added there reach roles too).
  const scope = parseScope(yaml, at, { ...entry, name: undefined, vars: undefined, tags: toList(entry.tags) }, ctx);
  delete scope.name;
  // delegate_to on the entry: the role's tasks run on the delegate unless they name their own.
  const delegate = inheritedDelegate(yaml, at, entry, ctx);
  if (delegate) scope.delegate = delegate;
  const plainVars = vars && typeof vars === 'object' && !Array.isArray(vars) ? (vars as Vars) : {};
  const moduleDefaults = readModuleDefaults(yaml, [...at, 'module_defaults'], entry.module_defaults, ctx.problems);
  return { name, params, vars: plainVars, layerVars: {}, scope, from: {}, yaml, nameAt: [...at, nameKey], moduleDefaults };
}

/** Tags as a list (`tags: a, b` split at commas, as keywords.ts does for tasks). */
export function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string')
    return v
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
  return Array.isArray(v) ? v.map(String) : [String(v)];
}
