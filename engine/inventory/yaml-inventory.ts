// Reads Ansible's YAML inventory format: nested groups with `hosts`, `children` and `vars` mappings.
import type { YamlFile } from '../yaml/load.ts';
import type { InventoryBuilder } from './builder.ts';
import { inventoryError, siteInYaml } from './error.ts';
import { expandHostPattern } from './host-pattern.ts';

type Path = Array<string | number>;
type Mapping = Record<string, unknown>;

/** True for a plain YAML mapping (not a list, scalar or null). */
export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Adds the groups, hosts and variables of a parsed YAML inventory file to `builder`. */
export function parseYamlInventory(yaml: YamlFile, builder: InventoryBuilder): void {
  const data = yaml.value;
  if (data === null || data === undefined) return;
  if (!isMapping(data)) {
    throw inventoryError('a YAML inventory must be a mapping of group names (such as all:)', siteInYaml(yaml, []));
  }
  if ('plugin' in data) {
    throw inventoryError('inventory plugin configuration files are not supported', siteInYaml(yaml, ['plugin'], 'key'));
  }
  for (const [name, group] of Object.entries(data)) parseGroup(yaml, builder, name, group, [name]);
}

function parseGroup(yaml: YamlFile, builder: InventoryBuilder, name: string, data: unknown, path: Path): void {
  if (data !== null && data !== undefined && !isMapping(data)) {
    throw inventoryError(`group '${name}' must be a mapping with hosts, children or vars`, siteInYaml(yaml, path));
  }
  builder.addGroup(name);
  if (!data) return;
  for (const [key, raw] of Object.entries(data)) {
    const here = [...path, key];
    if (key !== 'hosts' && key !== 'children' && key !== 'vars') {
      throw inventoryError(`unexpected key '${key}' in group '${name}' (expected hosts, children or vars)`, siteInYaml(yaml, here, 'key'));
    }
    if (raw === null || raw === undefined) continue;
    // Ansible accepts a single name as shorthand for a one-entry mapping.
    const section = typeof raw === 'string' ? { [raw]: null } : raw;
    if (!isMapping(section)) {
      throw inventoryError(`'${key}' of group '${name}' must be a mapping`, siteInYaml(yaml, here));
    }
    switch (key) {
      case 'vars':
        for (const [variable, value] of Object.entries(section)) {
          builder.setGroupVar(name, variable, value, siteInYaml(yaml, [...here, variable]));
        }
        break;
      case 'children':
        for (const [child, childData] of Object.entries(section)) {
          parseGroup(yaml, builder, child, childData, [...here, child]);
          builder.addChild(name, child, siteInYaml(yaml, [...here, child], 'key'));
        }
        break;
      case 'hosts':
        for (const [entry, vars] of Object.entries(section)) parseHost(yaml, builder, name, entry, vars, [...here, entry]);
        break;
    }
  }
}

function parseHost(yaml: YamlFile, builder: InventoryBuilder, group: string, entry: string, vars: unknown, path: Path): void {
  const expansion = expandHostPattern(entry);
  if ('error' in expansion) throw inventoryError(expansion.error, siteInYaml(yaml, path, 'key'));
  if (vars !== null && vars !== undefined && !isMapping(vars)) {
    throw inventoryError(`variables of host '${entry}' must be a mapping`, siteInYaml(yaml, path));
  }
  for (const host of expansion.hosts) {
    builder.addHost(host, group);
    if (expansion.port !== undefined) builder.setHostVar(host, 'ansible_port', expansion.port, siteInYaml(yaml, path, 'key'));
    for (const [key, value] of Object.entries(vars ?? {})) {
      builder.setHostVar(host, key, structuredClone(value), siteInYaml(yaml, [...path, key]));
    }
  }
}
