// The lab's files on disk: state.json, inventory.ini and known_hosts.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_KEY_FILE, LABS_DIR, labDir } from './paths.ts';
import type { LabImage, LabNode, LabState } from './types.ts';

/** Path of a lab's state.json. */
export function stateFile(name: string): string {
  return join(labDir(name), 'state.json');
}

/** A fresh state record for a lab (files not written yet). */
export function newState(opts: { name: string; image: LabImage; nodes: LabNode[] }): LabState {
  const dir = labDir(opts.name);
  return {
    name: opts.name,
    image: opts.image,
    nodes: opts.nodes,
    dir,
    inventoryFile: join(dir, 'inventory.ini'),
    knownHostsFile: join(dir, 'known_hosts'),
    keyFile: LAB_KEY_FILE,
  };
}

/** Reads a lab's state.json, or undefined when there is none (or it is unreadable). */
export function readState(name: string): LabState | undefined {
  const file = stateFile(name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** Writes state.json atomically (temp file + rename), so a crash never leaves half a record. */
export function writeState(state: LabState): void {
  writeAtomic(stateFile(state.name), `${JSON.stringify(state, null, 2)}\n`);
}

/** Names of every lab that has a directory. */
export function labNames(): string[] {
  if (!existsSync(LABS_DIR)) return [];
  return readdirSync(LABS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

/** Ansible INI inventory: one group named after the lab, plus connection vars. */
export function renderInventory(state: LabState): string {
  const hosts = state.nodes.map((n) => `${n.name} ansible_host=${n.address}`);
  return [
    `[${state.name}]`,
    ...hosts,
    '',
    `[${state.name}:vars]`,
    'ansible_user=root',
    `ansible_ssh_private_key_file=${state.keyFile}`,
    `ansible_ssh_known_hosts_file=${state.knownHostsFile}`,
    '',
  ].join('\n');
}

/** known_hosts lines "<address> ssh-ed25519 AAAA…", one per node. */
export function renderKnownHosts(entries: Array<{ address: string; hostKey: string }>): string {
  return entries.map((e) => `${e.address} ${e.hostKey}\n`).join('');
}

/** Writes a file via a temp file and rename. */
export function writeAtomic(file: string, text: string, mode = 0o644): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}
