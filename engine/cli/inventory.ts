// `engine inventory -i INVENTORY --list | --graph | --host NAME`.
import { loadInventory, selectHosts } from '../inventory/index.ts';
import { FleetError } from '../errors.ts';
import { setOwn } from '../inventory/own-properties.ts';
import { Secrets } from '../secrets.ts';
import type { Inventory } from '../types.ts';
import { parseCommand, str, type OptionSpec } from './args.ts';

const options: OptionSpec = {
  inventory: { type: 'string', short: 'i' },
  list: { type: 'boolean' },
  graph: { type: 'boolean' },
  host: { type: 'string' },
};

/** Help text of `inventory`. */
export const inventoryHelp = `Usage: engine inventory -i INVENTORY (--list | --graph [GROUP] | --host NAME)

  --list        every group and host, with each host's merged variables (JSON, like ansible-inventory)
  --graph       the group tree
  --host NAME   the merged variables of one host (JSON)`;

/** Runs `engine inventory`; returns the exit code. */
export async function inventoryCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const p = parseCommand(argv, options);
  if (p.values.help) {
    out(inventoryHelp + '\n');
    return 0;
  }
  const file = str(p, 'inventory');
  if (!file) throw new FleetError('arguments', 'an inventory is required: -i INVENTORY');
  const inv = loadInventory(file);
  const host = str(p, 'host');
  if (host) {
    if (!inv.hosts.has(host)) throw new FleetError('arguments', `no host '${host}' in ${file}`);
    out(JSON.stringify(masked(inv.hostVars(host)), null, 2) + '\n');
  } else if (p.values.graph) {
    out(graph(inv, p.positionals[0] ?? 'all', 0).join('\n') + '\n');
  } else if (p.values.list) {
    out(JSON.stringify(list(inv), null, 2) + '\n');
  } else {
    throw new FleetError('arguments', 'choose one of --list, --graph or --host NAME');
  }
  return 0;
}

/** Variables as shown: values under secret names (passwords, tokens, keys) masked, unlike ansible-inventory. */
function masked(vars: Record<string, unknown>): Record<string, unknown> {
  return new Secrets().redactDeep(vars);
}

function list(inv: Inventory): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _meta: { hostvars: Object.fromEntries([...inv.hosts.keys()].map((h) => [h, masked(inv.hostVars(h))])) },
  };
  for (const g of inv.groups.values()) {
    // An own property even for a group named __proto__ (assignment would set the object's prototype).
    setOwn(out, g.name, { ...(g.hosts.length ? { hosts: g.hosts } : {}), ...(g.children.length ? { children: g.children } : {}) });
  }
  return out;
}

function graph(inv: Inventory, name: string, depth: number): string[] {
  const group = inv.groups.get(name);
  if (!group) return depth === 0 ? [`no group '${name}'`] : [];
  const pad = depth === 0 ? '' : `${'  |'.repeat(depth - 1)}  |--`;
  const lines = [`${pad}@${name}:`];
  for (const child of group.children) lines.push(...graph(inv, child, depth + 1));
  const inner = `${'  |'.repeat(depth)}  |--`;
  for (const h of group.hosts) lines.push(`${inner}${h}`);
  void selectHosts;
  return lines;
}
