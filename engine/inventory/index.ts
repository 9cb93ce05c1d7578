// Public API of the inventory layer: load inventories, select hosts with patterns, apply --limit.

/** Loads an INI/YAML inventory file or directory, with group_vars/ and host_vars/. */
export { loadInventory } from './load.ts';
/** Hosts matching an Ansible host pattern, in inventory order. */
export { selectHosts } from './patterns.ts';
/** Narrows a host list with a --limit pattern (supports `@file`). */
export { limitHosts } from './limit.ts';
