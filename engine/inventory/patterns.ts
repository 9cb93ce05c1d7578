// Selects hosts from an inventory with Ansible host patterns.
import type { Inventory } from '../types.ts';
import { compileTerms, splitHostPattern, type PatternElement, type PatternTerm } from './pattern-syntax.ts';

/** Hosts matching `pattern`, in inventory order without duplicates; a malformed pattern is a FleetError('inventory'). */
export function selectHosts(inv: Inventory, pattern: string): string[] {
  const elements = splitHostPattern(pattern, (name) => inv.hosts.has(name)).map((text) => ({ text }));
  return inventoryOrder(inv, evaluatePattern(inv, elements, pattern));
}

/** The set of hosts the elements of one pattern select (unions, then intersections, then exclusions). */
export function evaluatePattern(inv: Inventory, elements: PatternElement[], pattern: string): Set<string> {
  let selected = new Set<string>();
  for (const term of compileTerms(elements, pattern)) {
    const that = matchTerm(inv, term);
    switch (term.op) {
      case 'union':
        for (const host of that) selected.add(host);
        break;
      case 'intersect': {
        const keep = new Set(that);
        selected = new Set([...selected].filter((host) => keep.has(host)));
        break;
      }
      case 'exclude':
        for (const host of that) selected.delete(host);
        break;
    }
  }
  return selected;
}

/** The members of `hosts` in the order the inventory declares them. */
export function inventoryOrder(inv: Inventory, hosts: ReadonlySet<string>): string[] {
  return [...inv.hosts.keys()].filter((host) => hosts.has(host));
}

// Ansible's _match_one_pattern: groups whose name matches give all their hosts; host names are tried
// when no group matched or the pattern is a glob/regex (or contains a dot, like an FQDN).
function matchTerm(inv: Inventory, term: PatternTerm): string[] {
  if (term.op === 'union' && !term.subscript && inv.hosts.has(term.expr)) return [term.expr];
  const found = new Set<string>();
  const groups = [...inv.groups.keys()].filter((name) => term.matches(name));
  for (const name of groups) hostsBelow(inv, name, found, new Set());
  if (groups.length === 0 || term.kind !== 'plain' || term.expr.includes('.')) {
    for (const host of inv.hosts.keys()) if (term.matches(host)) found.add(host);
  }
  return applySubscript(inventoryOrder(inv, found), term.subscript);
}

function hostsBelow(inv: Inventory, groupName: string, found: Set<string>, seen: Set<string>): void {
  if (seen.has(groupName)) return;
  seen.add(groupName);
  const group = inv.groups.get(groupName);
  if (!group) return;
  for (const host of group.hosts) found.add(host);
  for (const child of group.children) hostsBelow(inv, child, found, seen);
}

function applySubscript(hosts: string[], subscript: PatternTerm['subscript']): string[] {
  if (!subscript) return hosts;
  if (subscript.single) {
    const host = hosts.at(subscript.start);
    return host === undefined ? [] : [host];
  }
  const end = subscript.end === undefined ? hosts.length : subscript.end + 1;
  return hosts.slice(subscript.start, end);
}
