// Decides which files make up an inventory and which format each one is in.
import { extname, join } from 'node:path';
import { isControllerDirectory, listControllerDirectory } from '../controllerFile.ts';

/** The two static inventory formats Ansible ships. */
export type InventoryFormat = 'ini' | 'yaml';

const YAML_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);
// Ansible's INVENTORY_IGNORE_EXTS, minus `.ini`: fleetplay has no dynamic-script config files to skip.
const IGNORED_SUFFIXES = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins']);

/** The format of one inventory file: by extension, else by its first meaningful line. */
export function inventoryFormat(file: string, source: string): InventoryFormat {
  const ext = extname(file).toLowerCase();
  if (YAML_EXTENSIONS.has(ext)) return 'yaml';
  if (ext === '.ini') return 'ini';
  for (const raw of source.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) return 'ini';
    // A YAML document marker, directive, flow mapping, or `key:` followed by a space or the end of the line.
    if (line === '---' || line.startsWith('%') || line.startsWith('{') || /^(?:[^\s#'"]+|"[^"]*"|'[^']*'):(?:\s|$)/.test(line)) {
      return 'yaml';
    }
    return 'ini';
  }
  return 'ini';
}

/** Inventory files inside a directory inventory, in lexical order, descending into subdirectories. */
export function listInventoryFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of listControllerDirectory(dir, 'inventory directory', 'inventory')) {
    if (entry.startsWith('.') || IGNORED_NAMES.has(entry)) continue;
    if (IGNORED_SUFFIXES.some((suffix) => entry.endsWith(suffix))) continue;
    const path = join(dir, entry);
    // Anything else (a FIFO, a dangling link) is kept and refused by name when read, never opened blocking.
    if (isControllerDirectory(path)) files.push(...listInventoryFiles(path));
    else files.push(path);
  }
  return files;
}
