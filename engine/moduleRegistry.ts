// The modules a run may use, looked up by the key a task writes (`copy`, `ansible.builtin.copy`, an alias).
// The engine never imports modules/: the CLI (the composition root) builds the registry from modules/ and
// hands it to the loader, which keeps it on the Playbook for the run.
import type { ModuleDefinition, ModuleRegistry } from './types.ts';

/** The collection prefixes a module key may carry. */
export const MODULE_PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.'];

/** Strips the collection prefixes fleetplay accepts (`ansible.builtin.copy` → `copy`). */
export function shortModuleName(key: string): string {
  for (const p of MODULE_PREFIXES) if (key.startsWith(p)) return key.slice(p.length);
  return key;
}

/** A registry of `modules`, by name and alias; a name given twice is a programming error. */
export function createModuleRegistry(modules: readonly ModuleDefinition[]): ModuleRegistry {
  const byName = new Map<string, ModuleDefinition>();
  for (const m of modules) {
    for (const n of [m.name, ...(m.aliases ?? [])]) {
      if (byName.has(n)) throw new Error(`two modules are named '${n}'`);
      byName.set(n, m);
    }
  }
  return {
    find: (key) => byName.get(shortModuleName(key)),
    names: () => [...byName.keys()],
    definitions: () => [...modules],
  };
}
