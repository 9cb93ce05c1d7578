// Loads group_vars/ and host_vars/ beside an inventory, finding files the way Ansible's host_group_vars plugin does.
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isControllerDirectory, listControllerDirectory } from '../controllerFile.ts';
import type { Vars } from '../types.ts';
import { loadYamlFile } from '../yaml/load.ts';
import { inventoryError, siteInYaml } from './error.ts';
import { checkPort } from './builder.ts';
import { assignOwn } from './own-properties.ts';
import { isMapping } from './yaml-inventory.ts';

/** Variables from group_vars/ (per group) and host_vars/ (per host); names without files are absent. */
export interface VarsFiles {
  groups: Map<string, Vars>;
  hosts: Map<string, Vars>;
}

// Tried in this order; the first one that exists wins, so a `web/` directory hides `web.yml`.
const CANDIDATE_SUFFIXES = ['', '.yml', '.yaml', '.json'];
const VARS_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);

/** Loads `<baseDir>/group_vars/<group>` and `<baseDir>/host_vars/<host>` for every given name. */
export function loadVarsFiles(baseDir: string, groups: Iterable<string>, hosts: Iterable<string>): VarsFiles {
  return {
    groups: loadForNames(join(baseDir, 'group_vars'), groups),
    hosts: loadForNames(join(baseDir, 'host_vars'), hosts),
  };
}

function loadForNames(dir: string, names: Iterable<string>): Map<string, Vars> {
  const found = new Map<string, Vars>();
  if (!isDirectory(dir)) return found;
  for (const name of names) {
    const vars = loadNamed(dir, name);
    if (vars) found.set(name, vars);
  }
  return found;
}

// The merged variables of `<dir>/<name>` (a file with one of the known suffixes, or a directory of files).
function loadNamed(dir: string, name: string): Vars | undefined {
  // A name like "../x" must not reach outside the vars directory.
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\')) return undefined;
  for (const suffix of CANDIDATE_SUFFIXES) {
    const path = join(dir, name + suffix);
    if (!existsSync(path)) continue;
    const files = isDirectory(path) ? listVarsDirectory(path) : [path];
    const merged: Vars = {};
    // Shallow merge, Ansible's default hash_behaviour=replace.
    for (const file of files) assignOwn(merged, readVarsFile(file));
    return merged;
  }
  return undefined;
}

/**
 * The group or host names `<dir>` (a group_vars/ or host_vars/ directory) has files for: what validate
 * loads when it has no inventory to name the groups and hosts. Other files are never read by a run.
 */
export function namesInVarsDirectory(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  const names = new Set<string>();
  for (const entry of listControllerDirectory(dir, 'vars directory', 'inventory')) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const ext = extname(entry);
    if (isDirectory(join(dir, entry)) || ext === '') names.add(entry);
    else if (VARS_EXTENSIONS.has(ext)) names.add(entry.slice(0, -ext.length));
  }
  return [...names];
}

/** Files of a `<name>/` vars directory in lexical order, descending into extension-less subdirectories. */
export function listVarsDirectory(dir: string): string[] {
  const files: string[] = [];
  // A FIFO, device or socket among the entries is listed and then refused by name when read (never opened blocking).
  for (const entry of listControllerDirectory(dir, 'vars directory', 'inventory')) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const path = join(dir, entry);
    const ext = extname(entry);
    if (isDirectory(path)) {
      if (ext === '') files.push(...listVarsDirectory(path));
    } else if (ext === '' || VARS_EXTENSIONS.has(ext)) {
      files.push(path);
    }
  }
  return files;
}

function readVarsFile(file: string): Vars {
  const yaml = loadYamlFile(file, 'inventory');
  if (yaml.value === null || yaml.value === undefined) return {};
  if (!isMapping(yaml.value)) throw inventoryError('a vars file must be a mapping of variable names to values', siteInYaml(yaml, []));
  for (const [key, value] of Object.entries(yaml.value)) checkPort(key, value, siteInYaml(yaml, [key]));
  return yaml.value;
}

function isDirectory(path: string): boolean {
  return isControllerDirectory(path);
}
