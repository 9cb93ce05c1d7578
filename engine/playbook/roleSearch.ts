// Where roles are looked for, as Ansible's RoleDefinition searches: `roles/` beside the playbook, the
// configured roles path (--roles-path, then ANSIBLE_ROLES_PATH or `roles_path` of the ansible.cfg in
// use, else Ansible's defaults), the folder of the role that depends on it, the playbook's folder, and
// last a path given as the role's name.
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The roles path of one run: what the configuration says, worked out once per playbook. */
export interface RoleSearch {
  /** The playbook's folder: `roles/` in it is searched first, the folder itself last. */
  playbookDir: string;
  /** --roles-path, then ANSIBLE_ROLES_PATH or the ansible.cfg `roles_path`, or Ansible's defaults. */
  configured: string[];
  /**
   * Where collections are looked for (each holds ansible_collections/NS/COL): ANSIBLE_COLLECTIONS_PATH or the
   * ansible.cfg `collections_path`, or Ansible's defaults; `collections/` beside the playbook comes first.
   */
  collections?: string[];
}

/** Options a caller (the CLI) adds to what the environment and ansible.cfg say. */
export interface RoleSearchOptions {
  /** --roles-path entries (each may hold several paths separated by ':'); searched before the configured path. */
  rolesPath?: string[];
  /** The environment (process.env by default). */
  env?: Record<string, string | undefined>;
  /** The current directory (process.cwd() by default). */
  cwd?: string;
}

const ANSIBLE_DEFAULT_ROLES_PATH = ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];
const ANSIBLE_DEFAULT_COLLECTIONS_PATH = ['~/.ansible/collections', '/usr/share/ansible/collections'];
/** A role of a collection: `namespace.collection.role`. */
const COLLECTION_ROLE = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** The role search configuration for a playbook in `playbookDir`. */
export function roleSearchFor(playbookDir: string, options: RoleSearchOptions = {}): RoleSearch {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const cli = (options.rolesPath ?? []).flatMap((p) => splitPaths(p, cwd));
  const fromEnv = env.ANSIBLE_ROLES_PATH;
  const cfg = configFile(playbookDir, env, cwd);
  let configured: string[];
  if (fromEnv !== undefined && fromEnv !== '') configured = splitPaths(fromEnv, cwd);
  else {
    const fromCfg = cfg ? rolesPathOf(cfg) : undefined;
    configured = fromCfg ?? ANSIBLE_DEFAULT_ROLES_PATH.map((p) => expandHome(p));
  }
  const collectionsEnv = env.ANSIBLE_COLLECTIONS_PATH || env.ANSIBLE_COLLECTIONS_PATHS;
  const collections = collectionsEnv
    ? splitPaths(collectionsEnv, cwd)
    : ((cfg ? (cfgPathOf(cfg, 'collections_path') ?? cfgPathOf(cfg, 'collections_paths')) : undefined) ??
      ANSIBLE_DEFAULT_COLLECTIONS_PATH.map((p) => expandHome(p)));
  return { playbookDir, configured: [...cli, ...configured], collections };
}

/**
 * The folders searched for a role named by a plain name, in order. `roleBaseDir`: the folder holding
 * the role that depends on (or includes) this one, searched after the configured path as Ansible does.
 */
export function searchDirs(search: RoleSearch, roleBaseDir?: string): string[] {
  const dirs = [path.join(search.playbookDir, 'roles'), ...search.configured];
  if (roleBaseDir) dirs.push(roleBaseDir);
  dirs.push(search.playbookDir);
  return [...new Set(dirs)];
}

/** The role's folder, or the list of places searched when it is not found. */
export function findRole(
  name: string,
  search: RoleSearch,
  roleBaseDir?: string,
): { found: string; collection?: string } | { searched: string[] } {
  // `ns.col.role`: the collection's roles/role, in collections/ beside the playbook, then the collections path.
  const fqcn = COLLECTION_ROLE.exec(name);
  const collectionDirs = fqcn
    ? [path.join(search.playbookDir, 'collections'), ...(search.collections ?? [])].map((c) =>
        path.join(c, 'ansible_collections', fqcn[1]!, fqcn[2]!, 'roles'),
      )
    : [];
  for (const dir of collectionDirs)
    if (isDirectory(path.join(dir, fqcn![3]!))) return { found: path.join(dir, fqcn![3]!), collection: `${fqcn![1]}.${fqcn![2]}` };
  const dirs = [...new Set([...collectionDirs, ...searchDirs(search, roleBaseDir)])];
  for (const dir of dirs.slice(collectionDirs.length)) {
    const candidate = path.resolve(dir, expandHome(name));
    if (isDirectory(candidate)) return { found: candidate };
  }
  // Last, the name as a path of its own (relative to the playbook's folder, as Ansible's loader).
  const direct = path.resolve(search.playbookDir, expandHome(name));
  if (isDirectory(direct)) return { found: direct };
  return { searched: dirs };
}

/**
 * The ansible.cfg in use: ANSIBLE_CONFIG, ./ansible.cfg, then (fleetplay's addition) ansible.cfg beside
 * the playbook, ~/.ansible.cfg, /etc/ansible/ansible.cfg. As in Ansible, only the first found is read.
 */
export function configFile(playbookDir: string, env: Record<string, string | undefined>, cwd: string): string | undefined {
  const candidates: string[] = [];
  const named = env.ANSIBLE_CONFIG;
  if (named) candidates.push(path.resolve(cwd, expandHome(named)));
  candidates.push(path.join(cwd, 'ansible.cfg'), path.join(playbookDir, 'ansible.cfg'));
  candidates.push(path.join(os.homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return candidates.find((c) => isFile(c));
}

/** `roles_path` of the `[defaults]` section of an ansible.cfg, relative entries taken from the file's folder. */
export function rolesPathOf(cfgFile: string): string[] | undefined {
  return cfgPathOf(cfgFile, 'roles_path');
}

/** A path list `key` of the `[defaults]` section of an ansible.cfg, relative entries taken from the file's folder. */
export function cfgPathOf(cfgFile: string, key: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(cfgFile, 'utf8');
  } catch {
    return undefined;
  }
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const kv = /^([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*)$/.exec(line);
    if (section === 'defaults' && kv && kv[1] === key) {
      // An inline comment starts at ' ;' or ' #', as configparser's inline_comment_prefixes in Ansible.
      const value = kv[2]!.replace(/\s+[;#].*$/, '').trim();
      return splitPaths(value, path.dirname(cfgFile));
    }
  }
  return undefined;
}

function splitPaths(value: string, base: string): string[] {
  return value
    .split(path.delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => path.resolve(base, expandHome(p)));
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function isDirectory(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}
