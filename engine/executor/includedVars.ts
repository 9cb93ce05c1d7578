// Where include_vars puts what it loaded: a per-host layer of its own, as Ansible's VariableManager keeps
// it (`_vars_cache`): above block and task vars, below set_fact and registered results, for the rest of
// the play run on that host. Each loop item's load counts, in order.
import { setOwn } from '../inventory/own-properties.ts';
import type { Vars } from '../types.ts';
import type { HostRun } from './hostRun.ts';

/** Adds the variables an include_vars task returned (its `ansible_facts`) to the host's include_vars layer. */
export function storeIncludedVars(registered: Vars, host: HostRun): void {
  const items = Array.isArray(registered.results) ? (registered.results as unknown[]) : [registered];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const loaded = (item as Vars).ansible_facts;
    if (!loaded || typeof loaded !== 'object' || Array.isArray(loaded)) continue;
    host.includedVars ??= {};
    for (const [k, v] of Object.entries(loaded as Vars)) setOwn(host.includedVars, k, v);
  }
}
