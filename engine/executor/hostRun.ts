// Per-host state during a run, and how the variables a task sees are layered.
import path from 'node:path';
import type { Connection, PredictedState, RecapCounters, RoleRef, SourceLocation, Vars } from '../types.ts';
import { roleLayers } from './roleVars.ts';
import { layeredScopeOf } from '../template/render.ts';
import type { ReadAhead } from './readAhead.ts';
import { namespaceFacts } from './facts.ts';

/** A host taking part in the run. */
export interface HostRun {
  name: string;
  /** Inventory-level variables (group and host vars), already merged. */
  inventoryVars: Vars;
  groups: string[];
  /** Gathered facts. */
  facts: Vars;
  /** set_fact values and registered results: they outrank play and task vars. */
  hostFacts: Vars;
  /** Variables loaded by include_vars: above task vars, below set_fact and register (Ansible's order). */
  includedVars?: Vars;
  /** meta: clear_host_errors ran for this host (a block's always then leaves it active). */
  errorsCleared?: boolean;
  conn: Connection;
  /** Results of read-only commands run ahead of their tasks (readAhead.ts). */
  readAhead: ReadAhead;
  /** 'ended': meta end_host / end_batch / end_play ended the play for it (active again in the next play). */
  status: 'active' | 'failed' | 'unreachable' | 'ended';
  /** Handler names (or listen topics) notified and not yet run. */
  notified: Set<string>;
  /** Notifications an earlier run left pending: they join `notified` when the play's tasks start. */
  carried: Set<string>;
  counters: RecapCounters;
  /** Whether this host was ever given a task, for "not run" reporting. */
  attempted: boolean;
  /** Check mode: the state earlier tasks would have left. */
  predicted: PredictedState;
  /** Check mode: registered or set_fact variables whose values could not be predicted, with why. */
  unknownVars: Map<string, string>;
  /** Check mode: handlers notified by tasks whose outcome is unknown (they may or may not run). */
  maybeNotified: Set<string>;
}

/** Fresh zeroed recap counters. */
export function emptyCounters(): RecapCounters {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, unknown: 0 };
}

/** Play-wide variables and magic variables shared by every task of a play. */
export interface PlayVars {
  playVars: Vars;
  varsFiles: Vars;
  extraVars: Vars;
  magic: Vars;
  /** The play's public roles (include_role with `public: true` adds to it as it runs). */
  roles?: RoleRef[];
  /** The hosts of the rolling batch being run (ansible_play_batch); the play's hosts when unset. */
  batch?: HostRun[];
}

/** Ansible's ansible_search_path: the task's role and the roles that depend on it, then the task file's folder. */
function searchPath(magic: Vars, where: SourceLocation): string[] {
  const roles = [magic.role_path, ...(Array.isArray(magic.ansible_parent_role_paths) ? magic.ansible_parent_role_paths : [])];
  const out = roles.filter((p): p is string => typeof p === 'string');
  const dir = path.dirname(where.file);
  return out.includes(dir) ? out : [...out, dir];
}

/**
 * The variables a task sees on one host, lowest to highest: role defaults, inventory (group then host),
 * facts, play vars, vars_files, role vars, block and task vars (outermost first), include_vars, set_fact/register,
 * role params, extra vars (roleVars.ts says which roles). The layers are read in place, not copied.
 */
export function taskVars(host: HostRun, play: PlayVars, scopeVars: Vars[], where: SourceLocation, extra: Vars = {}): Vars {
  const roles = roleLayers(play.roles, scopeVars);
  const layers: Vars[] = [
    roles.defaults,
    host.inventoryVars,
    host.facts,
    { ansible_facts: namespaceFacts(host.facts) },
    play.playVars,
    play.varsFiles,
    roles.vars,
    ...scopeVars,
    host.includedVars ?? NO_VARS,
    host.hostFacts,
    roles.params,
    extra,
    play.extraVars,
    play.magic,
    roles.magic,
  ];
  const own: Vars = {
    ansible_search_path: searchPath(roles.magic, where),
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    group_names: groupNames(host.groups),
  };
  // As in Ansible, ansible_connection names the connection even when no inventory sets it: SSH, the default
  // (roles test `ansible_connection not in ['docker', …]`). A task's or play's `connection: local` does not
  // change it here (Ansible's would read 'local').
  if (valueIn(layers, 'ansible_connection') === undefined) own.ansible_connection = 'ssh';
  layers.push(own);
  return layeredScopeOf(layers, where);
}

const NO_VARS: Vars = Object.freeze({});

// group_names per host, kept: a host's groups are set once, and every task's variables carry the list.
const groupNamesOf = new WeakMap<readonly string[], string[]>();
function groupNames(groups: readonly string[]): string[] {
  let names = groupNamesOf.get(groups);
  if (!names) groupNamesOf.set(groups, (names = groups.filter((g) => g !== 'all' && g !== 'ungrouped').sort()));
  return names;
}

/** The value the highest layer holding `key` gives it, as spreading the layers would. */
function valueIn(layers: readonly Vars[], key: string): unknown {
  for (let i = layers.length - 1; i >= 0; i--) if (Object.prototype.propertyIsEnumerable.call(layers[i], key)) return layers[i]?.[key];
  return undefined;
}
