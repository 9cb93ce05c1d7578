// Where a host's variable was set: which inventory layer or which group_vars/host_vars file, for messages.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Inventory, Vars } from '../types.ts';
import { loadVarsFiles, type VarsFiles } from '../inventory/vars-files.ts';

/** One layer of variables a host sees, named for a human ("inventory/group_vars/all.yml"). */
export interface VarsLayer {
  where: string;
  vars: Vars;
}

/**
 * The layers that make up a host's inventory variables, highest precedence first, mirroring
 * Inventory.hostVars: host_vars file, inline host vars, group_vars files, inline group vars.
 */
export function inventoryLayers(inventory: Inventory, host: string, files: VarsFiles, baseDir: string): VarsLayer[] {
  const groups = [...inventory.groupsOf(host)].reverse();
  const source = shown(inventory.source);
  return [
    ...fileLayer(files.hosts.get(host), baseDir, 'host_vars', host),
    ...layer(inventory.hosts.get(host)?.vars, `${source} (host ${host})`),
    ...groups.flatMap((g) => fileLayer(files.groups.get(g), baseDir, 'group_vars', g)),
    ...groups.flatMap((g) => layer(inventory.groups.get(g)?.vars, `${source} (group ${g})`)),
  ];
}

/** The group_vars/host_vars files of `baseDir` for a host, highest precedence first (host, then its groups). */
export function varsFileLayers(files: VarsFiles, baseDir: string, host: string, groups: string[]): VarsLayer[] {
  return [
    ...fileLayer(files.hosts.get(host), baseDir, 'host_vars', host),
    ...[...groups].reverse().flatMap((g) => fileLayer(files.groups.get(g), baseDir, 'group_vars', g)),
  ];
}

/** group_vars/ and host_vars/ of a directory, for every group and host of the inventory. */
export function varsFilesOf(baseDir: string, inventory: Inventory): VarsFiles {
  return loadVarsFiles(baseDir, inventory.groups.keys(), inventory.hosts.keys());
}

/** The directory whose group_vars/ and host_vars/ belong to an inventory (itself, or the file's directory). */
export function inventoryBaseDir(inventory: Inventory): string {
  try {
    return statSync(inventory.source).isDirectory() ? inventory.source : path.dirname(inventory.source);
  } catch {
    return path.dirname(inventory.source);
  }
}

/** A path as the user is likely to recognise it: relative to the working directory when inside it. */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function layer(vars: Vars | undefined, where: string): VarsLayer[] {
  return vars ? [{ where, vars }] : [];
}

// Names the file loadVarsFiles read for `name` (the same first-existing-suffix rule), or its directory.
function fileLayer(vars: Vars | undefined, baseDir: string, kind: 'group_vars' | 'host_vars', name: string): VarsLayer[] {
  if (!vars) return [];
  const dir = path.join(baseDir, kind);
  const found = ['', '.yml', '.yaml', '.json'].map((s) => path.join(dir, name + s)).find((f) => existsSync(f));
  return [{ where: shown(found ?? path.join(dir, name)), vars }];
}
