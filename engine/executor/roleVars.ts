// The variables roles add to a task, at Ansible's levels: the defaults of the play's public roles and
// of the task's own role (lowest, below inventory vars), their vars/ (above vars_files, below block and
// task vars), the task's role params (above set_fact and registered results, below extra vars), and the
// magic variables role_name, role_path, ansible_role_names, ansible_parent_role_names/paths, role_names.
import { innermostRole } from '../playbook/roleLayer.ts';
import { assignOwn } from '../inventory/own-properties.ts';
import type { PlayDef, RoleRef, TaskNode, Vars } from '../types.ts';

/** The layers of role variables one task sees. */
export interface RoleLayers {
  defaults: Vars;
  vars: Vars;
  params: Vars;
  magic: Vars;
}

const NONE: RoleLayers = { defaults: {}, vars: {}, params: {}, magic: {} };
const NO_ROLES: RoleRef[] = [];
// The merged layers of a play's public roles, recomputed when an include_role makes one more public.
const playWide = new WeakMap<RoleRef[], { count: number; defaults: Vars; vars: Vars; magic: Vars }>();
// A role's own layers merged over the play's, per role (recomputed when the play's layers change).
const ownMerged = new WeakMap<RoleRef, { wide: object; defaults: Vars; vars: Vars }>();

/** Role layers for a task whose scope variables are `scopeVars` in a play whose public roles are `publicRoles`. */
export function roleLayers(publicRoles: RoleRef[] | undefined, scopeVars: readonly Vars[]): RoleLayers {
  const own = innermostRole(scopeVars);
  if (!own && (!publicRoles || publicRoles.length === 0)) return NONE;
  const wide = playLayers(publicRoles ?? NO_ROLES);
  if (!own) return { defaults: wide.defaults, vars: wide.vars, params: {}, magic: wide.magic };
  const merged = ownLayers(own, wide);
  return {
    defaults: merged.defaults,
    vars: merged.vars,
    params: own.params,
    magic: {
      ...wide.magic,
      role_name: own.name,
      ansible_role_name: own.name,
      role_path: own.path,
      ansible_parent_role_names: own.parents.map((p) => p.name),
      ansible_parent_role_paths: own.parents.map((p) => p.path),
    },
  };
}

/** The play's public role layers with the task's own role's on top, kept while the play's public roles stay the same. */
function ownLayers(own: RoleRef, wide: { defaults: Vars; vars: Vars }): { defaults: Vars; vars: Vars } {
  const cached = ownMerged.get(own);
  if (cached && cached.wide === wide) return cached;
  const merged = {
    wide,
    defaults: assignOwn(assignOwn({}, wide.defaults), own.defaults),
    vars: assignOwn(assignOwn({}, wide.vars), own.vars),
  };
  ownMerged.set(own, merged);
  return merged;
}

function playLayers(roles: RoleRef[]): { defaults: Vars; vars: Vars; magic: Vars } {
  const cached = playWide.get(roles);
  if (cached && cached.count === roles.length) return cached;
  const defaults: Vars = {};
  const vars: Vars = {};
  for (const r of roles) [assignOwn(defaults, r.defaults), assignOwn(vars, r.exportVars)];
  const names = roles.map((r) => r.name);
  const computed = { count: roles.length, defaults, vars, magic: { role_names: names, ansible_role_names: names } };
  playWide.set(roles, computed);
  return computed;
}

/** The variables of every role a play loaded (defaults, vars, params), for the run's secret scan. */
export function roleVariableLayers(play: PlayDef): Vars[] {
  const refs = new Set<RoleRef>(play.roles ?? []);
  const visit = (nodes: readonly TaskNode[]): void => {
    for (const node of nodes) {
      const own = innermostRole([node.vars]);
      if (own) refs.add(own);
      if (node.kind === 'block') for (const list of [node.block, node.rescue, node.always]) visit(list);
      else if (node.kind === 'include') visit(node.tasks ?? []);
    }
  };
  visit([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
  return [...refs].flatMap((r) => [r.defaults, r.vars, r.params]);
}
