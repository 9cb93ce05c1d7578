// Wraps a host/group graph into an Inventory whose hostVars() layers variables by Ansible's precedence.
import type { Inventory, InventoryGroup, InventoryHost, Vars } from '../types.ts';
import { groupPriority } from './builder.ts';
import { inventoryError } from './error.ts';
import { assignOwn, setOwn } from './own-properties.ts';
import type { VarsFiles } from './vars-files.ts';

/** Everything an Inventory is made of. */
export interface InventoryParts {
  source: string;
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  files: VarsFiles;
}

/** Builds the Inventory object; group membership is read from the maps on every call, so later edits count. */
export function createInventory(parts: InventoryParts): Inventory {
  const { source, hosts, groups, files } = parts;

  // `all` first, then by depth below `all`, then ansible_group_priority, then name: Ansible's sort_groups().
  const groupsOf = (host: string): string[] => {
    if (!hosts.has(host)) return [];
    const parents = parentsByGroup(groups);
    const found = new Set<string>(['all']);
    const visit = (name: string): void => {
      if (found.has(name)) return;
      found.add(name);
      (parents.get(name) ?? []).forEach(visit);
    };
    for (const group of groups.values()) {
      if (group.hosts.includes(host)) visit(group.name);
    }
    const depth = depthOf(parents);
    const priority = (name: string): number => groupPriority(groups.get(name)?.vars['ansible_group_priority']) ?? 1;
    return [...found].sort((a, b) => depth(a) - depth(b) || priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0));
  };

  const hostVars = (host: string): Vars => {
    const entry = hosts.get(host);
    if (!entry) throw inventoryError(`unknown host '${host}'`);
    const ordered = groupsOf(host);
    const merged: Vars = {};
    // Shallow merges (hash_behaviour=replace), lowest precedence first.
    for (const name of ordered) assignOwn(merged, groups.get(name)?.vars);
    for (const name of ordered) assignOwn(merged, files.groups.get(name));
    assignOwn(merged, entry.vars);
    assignOwn(merged, files.hosts.get(host));
    const vars = structuredClone(merged);
    setOwn(vars, 'inventory_hostname', host);
    setOwn(vars, 'group_names', ordered.filter((name) => name !== 'all').sort());
    return vars;
  };

  return { source, hosts, groups, groupsOf, hostVars };
}

function parentsByGroup(groups: Map<string, InventoryGroup>): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const group of groups.values()) {
    for (const child of group.children) parents.set(child, [...(parents.get(child) ?? []), group.name]);
  }
  return parents;
}

// Depth is the longest parent chain up to `all` (which is 0); a parent-less group counts as a child of `all`.
function depthOf(parents: Map<string, string[]>): (name: string) => number {
  const memo = new Map<string, number>();
  const depth = (name: string, seen: ReadonlySet<string>): number => {
    if (name === 'all') return 0;
    const known = memo.get(name);
    if (known !== undefined) return known;
    const own = parents.get(name) ?? [];
    const up = own.filter((p) => !seen.has(p)).map((p) => depth(p, new Set([...seen, name])));
    const value = up.length === 0 ? 1 : Math.max(...up) + 1;
    memo.set(name, value);
    return value;
  };
  return (name) => depth(name, new Set());
}
