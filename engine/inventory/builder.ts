// Accumulates groups, hosts and their inventory-file variables from one or more sources, then reconciles them.
import type { InventoryGroup, InventoryHost } from '../types.ts';
import { inventoryError, type ErrorSite } from './error.ts';
import { setOwn } from './own-properties.ts';

/** The reconciled host/group graph, ready to be wrapped into an Inventory. */
export interface InventoryGraph {
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
}

/** Mutable inventory under construction; parsers call it, `build()` applies Ansible's implicit groups. */
export class InventoryBuilder {
  private readonly hosts = new Map<string, InventoryHost>();
  private readonly groups = new Map<string, InventoryGroup>();
  private readonly parents = new Map<string, string[]>();
  private readonly members = new Map<string, Set<string>>();

  constructor() {
    this.addGroup('all');
    this.addChild('all', 'ungrouped');
  }

  /** True when the group was declared by any source loaded so far. */
  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /** Declares a group (no-op when it exists) and returns it. */
  addGroup(name: string): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, hosts: [], children: [], vars: {} };
      this.groups.set(name, group);
      this.parents.set(name, []);
    }
    return group;
  }

  /** Declares a host (first declaration fixes its order) and adds it to `group` when given. */
  addHost(name: string, group?: string): InventoryHost {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {} };
      this.hosts.set(name, host);
    }
    if (group !== undefined) {
      // A Set beside the ordered list: `h[1:4][1:4]…` adds 65,536 hosts, and includes() made that quadratic.
      const members = this.members.get(group) ?? new Set<string>();
      this.members.set(group, members);
      if (!members.has(name)) {
        members.add(name);
        this.addGroup(group).hosts.push(name);
      }
    }
    return host;
  }

  /** Makes `child` a child group of `parent`; a loop is an error located at `site`. */
  addChild(parent: string, child: string, site?: ErrorSite): void {
    if (child === 'all') throw inventoryError(`group 'all' cannot be a child of '${parent}'`, site);
    this.addGroup(parent);
    const childGroup = this.addGroup(child);
    if (parent === child || this.isDescendant(parent, childGroup)) {
      throw inventoryError(`adding group '${child}' as a child of '${parent}' creates a loop`, site);
    }
    const children = this.groups.get(parent)?.children ?? [];
    if (!children.includes(child)) {
      children.push(child);
      this.parents.get(child)?.push(parent);
    }
  }

  /** Sets one inventory-file variable of a group; `ansible_group_priority` must be an integer. */
  setGroupVar(group: string, key: string, value: unknown, site?: ErrorSite): void {
    if (key === 'ansible_group_priority' && groupPriority(value) === undefined) {
      throw inventoryError(`ansible_group_priority of group '${group}' must be an integer, got ${JSON.stringify(value)}`, site);
    }
    checkPort(key, value, site);
    setOwn(this.addGroup(group).vars, key, value);
  }

  /** Sets one inventory-file variable of a host; `ansible_port` must be a port number. */
  setHostVar(host: string, key: string, value: unknown, site?: ErrorSite): void {
    checkPort(key, value, site);
    setOwn(this.addHost(host).vars, key, value);
  }

  /** Finishes the graph: top-level groups become children of `all`, group-less hosts join `ungrouped`. */
  build(): InventoryGraph {
    for (const name of this.groups.keys()) {
      // Like Ansible's reconcile_inventory: only groups without any parent hang directly under `all`.
      if (name !== 'all' && (this.parents.get(name) ?? []).length === 0) this.addChild('all', name);
    }
    const grouped = new Set<string>();
    for (const group of this.groups.values()) {
      if (group.name !== 'all' && group.name !== 'ungrouped') for (const h of group.hosts) grouped.add(h);
    }
    const ungrouped = this.addGroup('ungrouped');
    // Keep inventory order: Ansible lists a host in `ungrouped` only when no other group holds it.
    ungrouped.hosts = [...this.hosts.keys()].filter((h) => !grouped.has(h));
    return { hosts: this.hosts, groups: this.groups };
  }

  // True when `name` is `group` or sits anywhere below it.
  private isDescendant(name: string, group: InventoryGroup, seen = new Set<string>()): boolean {
    if (group.name === name) return true;
    if (seen.has(group.name)) return false;
    seen.add(group.name);
    return group.children.some((child) => {
      const next = this.groups.get(child);
      return next !== undefined && this.isDescendant(name, next, seen);
    });
  }
}

/** The integer value of an `ansible_group_priority` setting (Ansible applies int()), or undefined if it has none. */
export function groupPriority(value: unknown): number | undefined {
  const priority = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  return typeof priority === 'number' && Number.isInteger(priority) ? priority : undefined;
}

/** Refuses an `ansible_port` that is not a whole number from 1 to 65535 (a template is checked when it is used). */
export function checkPort(key: string, value: unknown, site?: ErrorSite): void {
  if (key !== 'ansible_port' && key !== 'ansible_ssh_port') return;
  if (typeof value === 'string' && value.includes('{{')) return;
  const port = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw inventoryError(`${key} must be a port number from 1 to 65535, got ${JSON.stringify(value) ?? String(value)}`, site);
  }
}
