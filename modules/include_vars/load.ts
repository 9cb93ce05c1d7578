// Reads the variables include_vars names, as Ansible's include_vars action does: one file, or the files
// of a directory (sorted, `depth`, `files_matching`, `ignore_files`, `extensions`), each a YAML or JSON
// mapping (vault-encrypted files are decrypted by the YAML loader), merged shallowly in order.
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { isControllerDirectory, listControllerDirectory } from '../../engine/controllerFile.ts';
import { assignOwn } from '../../engine/inventory/own-properties.ts';
import { compilePythonRegex, type PythonRegex } from '../../engine/regex/index.ts';
import type { Vars } from '../../engine/types.ts';
import { loadYamlFile } from '../../engine/yaml/load.ts';

/** How a directory is read (Ansible's defaults when absent). */
export interface DirOptions {
  depth: number;
  filesMatching?: string;
  ignoreFiles: string[];
  extensions: string[];
  ignoreUnknownExtensions: boolean;
}

/** What was loaded: the merged variables and the files they came from, or why it failed. */
export type Loaded = { kind: 'ok'; vars: Vars; files: string[] } | { kind: 'failed'; msg: string };

/** Loads one vars file; its extension must be one of `extensions`, its content a mapping. */
export function loadVarsFile(file: string, extensions: readonly string[]): Loaded {
  if (!hasExtension(file, extensions)) return { kind: 'failed', msg: `${file} does not have a valid extension: ${extensions.join(', ')}` };
  const one = readMapping(file);
  return one.kind === 'failed' ? one : { kind: 'ok', vars: one.vars, files: [file] };
}

/** Loads every vars file of `dir` (depth 0: all levels; 1: the folder itself), merged in sorted order. */
export function loadVarsDir(dir: string, options: DirOptions): Loaded {
  if (!isControllerDirectory(dir)) return { kind: 'failed', msg: `${dir} directory does not exist` };
  let matching: PythonRegex | undefined;
  let ignores: PythonRegex[];
  try {
    matching = options.filesMatching === undefined ? undefined : compilePythonRegex(options.filesMatching);
    // Ansible: re.search('<ignore>$', filename).
    ignores = options.ignoreFiles.map((p) => compilePythonRegex(`${p}$`));
  } catch (err) {
    return { kind: 'failed', msg: `invalid regular expression: ${(err as Error).message}` };
  }
  const vars: Vars = {};
  const files: string[] = [];
  for (const file of walk(dir, options.depth)) {
    const base = path.basename(file);
    if (ignores.some((r) => r.test(base))) continue;
    if (matching && !matching.test(base)) continue;
    if (!hasExtension(file, options.extensions)) {
      if (options.ignoreUnknownExtensions) continue;
      return { kind: 'failed', msg: `${file} does not have a valid extension: ${options.extensions.join(', ')}` };
    }
    const one = readMapping(file);
    if (one.kind === 'failed') return one;
    assignOwn(vars, one.vars);
    files.push(file);
  }
  return { kind: 'ok', vars, files };
}

// Files of `dir` and (up to `depth` levels, 0 = all) its subfolders: each folder's files sorted, then its subfolders sorted.
function walk(dir: string, depth: number, level = 1): string[] {
  const entries = listControllerDirectory(dir, 'include_vars directory').sort();
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e);
    if (isControllerDirectory(full)) dirs.push(full);
    else files.push(full);
  }
  if (depth !== 0 && level >= depth) return files;
  return [...files, ...dirs.flatMap((d) => walk(d, depth, level + 1))];
}

function hasExtension(file: string, extensions: readonly string[]): boolean {
  const ext = path.extname(file);
  // Ansible takes '' in `extensions` to allow files without one.
  return ext === '' ? extensions.includes('') : extensions.includes(ext.slice(1));
}

function readMapping(file: string): { kind: 'ok'; vars: Vars } | { kind: 'failed'; msg: string } {
  if (!lstatSync(file, { throwIfNoEntry: false })) return { kind: 'failed', msg: `could not find or access '${file}'` };
  let value: unknown;
  try {
    value = loadYamlFile(file, 'arguments').value;
  } catch (err) {
    const e = err as Error & { format?: () => string };
    return { kind: 'failed', msg: typeof e.format === 'function' ? e.format() : e.message };
  }
  if (value === null || value === undefined) return { kind: 'ok', vars: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { kind: 'failed', msg: `${file} must be stored as a dictionary/hash` };
  return { kind: 'ok', vars: value as Vars };
}
