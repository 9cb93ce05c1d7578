// Loads an inventory file or directory, plus the group_vars/ and host_vars/ beside it.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Inventory } from '../types.ts';
import { parseYaml } from '../yaml/load.ts';
import { InventoryBuilder } from './builder.ts';
import { inventoryError } from './error.ts';
import { parseIniInventory } from './ini.ts';
import { createInventory } from './model.ts';
import { inventoryFormat, listInventoryFiles } from './sources.ts';
import { loadVarsFiles } from './vars-files.ts';
import { parseYamlInventory } from './yaml-inventory.ts';

/** Loads an INI or YAML inventory file, or every inventory file in a directory; errors carry file:line:column. */
export function loadInventory(path: string): Inventory {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (err) {
    throw inventoryError(`cannot read inventory ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const builder = new InventoryBuilder();
  const files = isDirectory ? listInventoryFiles(path) : [path];
  for (const file of files) loadSource(file, builder);
  const { hosts, groups } = builder.build();
  const varsFiles = loadVarsFiles(isDirectory ? path : dirname(path), groups.keys(), hosts.keys());
  return createInventory({ source: resolve(path), hosts, groups, files: varsFiles });
}

function loadSource(file: string, builder: InventoryBuilder): void {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw inventoryError(`cannot read inventory ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const format = inventoryFormat(file, source);
  switch (format) {
    case 'yaml':
      parseYamlInventory(parseYaml(source, file, 'inventory'), builder);
      return;
    case 'ini':
      parseIniInventory(source, file, builder);
      return;
  }
}
