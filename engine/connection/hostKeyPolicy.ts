// Who may lower host-key checking, decided once before a run, and the warning a lowered run prints.
//
// Only the operator may verify less: the command line (--no-host-key-checking, --accept-new-host-keys)
// and the inventory, which describes the machines and how to reach them (Ansible reads
// host_key_checking from its configuration and ansible_host_key_checking as a connection variable of
// the inventory). A playbook is often someone else's code: its group_vars/host_vars, play vars and
// -e values that say host_key_checking=false are ignored, with a warning, never obeyed silently.
import path from 'node:path';
import { selectHosts } from '../inventory/index.ts';
import type { Inventory, Playbook, Vars } from '../types.ts';
import { inventoryBaseDir, inventoryLayers, shown, varsFileLayers, varsFilesOf, type VarsLayer } from './varsOrigin.ts';

/** How strictly one host's key is checked: known keys only, unknown keys recorded, or not at all. */
export type HostKeyCheck = 'strict' | 'accept-new' | 'off';

/** The run's host-key policy: a level per host, and the warnings to print before anything connects. */
export interface HostKeyPolicy {
  byHost: ReadonlyMap<string, HostKeyCheck>;
  /** At most two lines: where checking was lowered, and which lowerings were ignored. */
  warnings: string[];
  /** The level for jump hosts (ProxyJump): set by the command line only, strict unless a flag lowers it. */
  jumpHosts?: HostKeyCheck;
}

/** The command-line switches that lower checking for every host of the run. */
export interface HostKeyFlags {
  acceptNewHostKeys: boolean;
  noHostKeyChecking: boolean;
}

/** What the policy is decided from: the sources that may lower checking and the ones that may not. */
export interface HostKeyPolicyInput {
  inventory: Inventory;
  /** The hosts the run may contact. */
  hosts: readonly string[];
  flags: HostKeyFlags;
  /** Per host, layers that may not lower checking (playbook group_vars, play vars, -e), highest first. */
  ignoredLayers: (host: string) => VarsLayer[];
  /** Per host, the inventory's layers, highest precedence first. */
  inventoryLayers: (host: string) => VarsLayer[];
}

// The variable names that carry the setting, highest precedence first (Ansible's ssh plugin order).
const KEYS = ['ansible_ssh_host_key_checking', 'ansible_host_key_checking', 'host_key_checking'] as const;
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'n', 'f']);
const LISTED_REASONS = 3;

/** The policy for a playbook run: the hosts its plays select (narrowed by --limit), from every source. */
export function hostKeyPolicyForRun(
  playbook: Playbook,
  inventory: Inventory,
  options: { flags: HostKeyFlags; extraVars: Vars; limit?: ReadonlySet<string> },
): HostKeyPolicy {
  const selected = new Set<string>();
  for (const play of playbook.plays)
    for (const h of selectHosts(inventory, play.hosts)) if (!options.limit || options.limit.has(h)) selected.add(h);
  const playbookDir = path.dirname(playbook.file);
  const inventoryDir = inventoryBaseDir(inventory);
  // Read only when some host needs its layers named; both loads were already done (and checked) once.
  let playbookFiles: ReturnType<typeof varsFilesOf> | undefined;
  let inventoryFiles: ReturnType<typeof varsFilesOf> | undefined;
  const extra: VarsLayer = { where: '-e', vars: options.extraVars };
  const playLayers: VarsLayer[] = playbook.plays.map((p) => ({
    where: `play '${p.name}' vars (${shown(p.location.file)}:${p.location.line})`,
    vars: p.vars,
  }));
  const hostsOfPlay = playbook.plays.map((p) => new Set(selectHosts(inventory, p.hosts)));
  const hosts = [...selected].filter((h) => {
    // Local hosts have no host key; fleetplay's own order: playbook defaults < inventory < -e.
    playbookFiles ??= varsFilesOf(playbookDir, inventory);
    const layers = [
      extra,
      ...inventoryLayers(inventory, h, (inventoryFiles ??= varsFilesOf(inventoryDir, inventory)), inventoryDir),
      ...varsFileLayers(playbookFiles, playbookDir, h, inventory.groupsOf(h)),
    ];
    return layers.find((l) => 'ansible_connection' in l.vars)?.vars.ansible_connection !== 'local';
  });
  return hostKeyPolicy({
    inventory,
    hosts,
    flags: options.flags,
    inventoryLayers: (h) => inventoryLayers(inventory, h, (inventoryFiles ??= varsFilesOf(inventoryDir, inventory)), inventoryDir),
    ignoredLayers: (h) => [
      extra,
      ...playLayers.filter((_, i) => hostsOfPlay[i]!.has(h)),
      ...varsFileLayers((playbookFiles ??= varsFilesOf(playbookDir, inventory)), playbookDir, h, inventory.groupsOf(h)),
    ],
  });
}

/** Decides each host's level and the warnings, from the flags and the named layers of variables. */
export function hostKeyPolicy(input: HostKeyPolicyInput): HostKeyPolicy {
  const byHost = new Map<string, HostKeyCheck>();
  const lowered = { off: new Map<string, number>(), 'accept-new': new Map<string, number>() };
  const ignored = new Set<string>();
  const count = (level: 'off' | 'accept-new', reason: string) => lowered[level].set(reason, (lowered[level].get(reason) ?? 0) + 1);
  for (const host of input.hosts) {
    for (const l of input.ignoredLayers(host)) {
      const setting = settingIn(l.vars);
      if (setting?.off)
        ignored.add(
          l.where === '-e' ? `-e ${setting.key}=${String(setting.value)}` : `${l.where}: ${setting.key}=${String(setting.value)}`,
        );
    }
    const fromInventory = inventorySetting(input.inventory.hostVars(host), () => input.inventoryLayers(host));
    if (input.flags.noHostKeyChecking) {
      byHost.set(host, 'off');
      count('off', '--no-host-key-checking');
    } else if (fromInventory?.off) {
      byHost.set(host, 'off');
      count('off', `${fromInventory.where}: ${fromInventory.key}=${String(fromInventory.value)}`);
    } else if (input.flags.acceptNewHostKeys) {
      byHost.set(host, 'accept-new');
      count('accept-new', '--accept-new-host-keys');
    } else {
      byHost.set(host, 'strict');
    }
  }
  const warnings: string[] = [];
  const parts = (['off', 'accept-new'] as const).filter((level) => lowered[level].size > 0).map((level) => describe(level, lowered[level]));
  if (parts.length) warnings.push(`warning: host key checking is ${parts.join(' and ')}`);
  if (ignored.size) {
    warnings.push(
      `warning: ignored ${[...ignored].join('; ')}: only the command line (--no-host-key-checking, --accept-new-host-keys) ` +
        `or the inventory may lower host key checking`,
    );
  }
  const jumpHosts: HostKeyCheck = input.flags.noHostKeyChecking ? 'off' : input.flags.acceptNewHostKeys ? 'accept-new' : 'strict';
  return { byHost, warnings, jumpHosts };
}

// "off for 3 hosts (inventory/group_vars/all.yml: host_key_checking=false)"
function describe(level: 'off' | 'accept-new', reasons: Map<string, number>): string {
  const hosts = [...reasons.values()].reduce((a, b) => a + b, 0);
  const names = [...reasons.keys()];
  const listed =
    names.slice(0, LISTED_REASONS).join('; ') + (names.length > LISTED_REASONS ? `; and ${names.length - LISTED_REASONS} more` : '');
  const what = level === 'off' ? 'off' : 'accept-new (keys not yet in known_hosts are trusted and recorded)';
  return `${what} for ${hosts} host${hosts === 1 ? '' : 's'} (${listed})`;
}

// The effective value is the merged one (as the connection reads it); its origin is the highest
// layer that sets that same name.
function inventorySetting(merged: Vars, layers: () => VarsLayer[]): (Setting & { where: string }) | undefined {
  const s = settingIn(merged);
  if (!s?.off) return s && { ...s, where: '' };
  const from = layers().find((l) => l.vars[s.key] !== undefined && l.vars[s.key] !== null);
  return { ...s, where: from?.where ?? 'the inventory' };
}

interface Setting {
  key: string;
  value: unknown;
  off: boolean;
}

function settingIn(vars: Vars): Setting | undefined {
  const key = KEYS.find((k) => vars[k] !== undefined && vars[k] !== null);
  if (!key) return undefined;
  const value = vars[key];
  return { key, value, off: isFalse(value) };
}

// Ansible's boolean words; anything else (true, a template, a typo) keeps checking on: fail closed.
function isFalse(v: unknown): boolean {
  if (v === false || v === 0) return true;
  return typeof v === 'string' && FALSE_WORDS.has(v.trim().toLowerCase());
}
