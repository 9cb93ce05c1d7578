// group_vars/ and host_vars/ beside the playbook: the playbook's defaults.
import path from 'node:path';
import { loadVarsFiles, namesInVarsDirectory } from '../inventory/vars-files.ts';
import type { Inventory, Playbook, Vars } from '../types.ts';
import { assignOwn } from '../inventory/own-properties.ts';

/**
 * Per host, the variables from `group_vars/` (all first, then the host's groups in precedence order)
 * and `host_vars/` next to the playbook. fleetplay ranks them below every inventory level, so they act
 * as the playbook's defaults that an inventory (or -e) overrides. (Ansible ranks them just above the
 * matching inventory level; fleetplay has no roles, so this is where role defaults would live.)
 */
export function playbookDefaults(playbook: Playbook, inventory: Inventory): Map<string, Vars> {
  const dir = path.dirname(playbook.file);
  const hosts = [...inventory.hosts.keys()];
  const files = loadVarsFiles(dir, inventory.groups.keys(), hosts);
  const out = new Map<string, Vars>();
  for (const h of hosts) {
    const groups = inventory.groupsOf(h);
    const layers = groups.map((g) => files.groups.get(g) ?? {});
    out.set(
      h,
      [...layers, files.hosts.get(h) ?? {}].reduce((acc, v) => assignOwn(acc, v), {}),
    );
  }
  return out;
}

/**
 * Loads the playbook's group_vars/ and host_vars/ with the run's own loader, for `validate`: with an
 * inventory exactly the files the run reads; without one, every file some group or host could use.
 */
export function checkPlaybookVarsFiles(playbook: Playbook, inventory: Inventory | undefined): void {
  if (inventory) {
    playbookDefaults(playbook, inventory);
    return;
  }
  const dir = path.dirname(playbook.file);
  loadVarsFiles(dir, namesInVarsDirectory(path.join(dir, 'group_vars')), namesInVarsDirectory(path.join(dir, 'host_vars')));
}
