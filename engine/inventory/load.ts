// Loads an inventory file or directory, plus the group_vars/ and host_vars/ beside it.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Inventory } from '../types.ts';
import { registerVaultLeaves } from '../vault/index.ts';
import { parseYaml } from '../yaml/load.ts';
import { readSourceFile } from '../yaml/source.ts';
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
  // Strict UTF-8, BOM dropped, and a file encrypted with ansible-vault decrypted (or a located error).
  const { text: source, encrypted } = readSourceFile(file, 'inventory');
  const format = inventoryFormat(file, source);
  switch (format) {
    case 'yaml': {
      const yaml = parseYaml(source, file, 'inventory');
      if (encrypted) registerVaultLeaves(yaml.value);
      parseYamlInventory(yaml, builder);
      return;
    }
    case 'ini':
      parseIniInventory(source, file, builder, encrypted ? { onValue: registerVaultLeaves } : {});
      return;
  }
}
