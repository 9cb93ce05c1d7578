// A role's files, found as Ansible's Role._load_role_yaml finds them: `main` (or a *_from name) in the
// role's tasks/, handlers/, vars/, defaults/ or meta/ folder, with the extension .yml, .yaml, .json or
// none; for vars/ and defaults/ a folder of that name is read whole (its files in sorted order, merged).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

/** The files of `subdir` named `name` (main when undefined), or a problem when a *_from file is missing. */
export function roleFiles(
  rolePath: string,
  subdir: string,
  name: string | undefined,
  allowDir: boolean,
): { files: string[] } | { problem: string } {
  const dir = path.join(rolePath, subdir);
  const main = name ?? 'main';
  // Without a name the bare `main` is tried last; a *_from name as written is tried first.
  const extensions = name === undefined ? [...EXTENSIONS, ''] : ['', ...EXTENSIONS];
  if (!isDirectory(dir))
    return name === undefined ? { files: [] } : { problem: `the role has no ${subdir}/ folder (${dir}) for '${name}'` };
  for (const ext of extensions) {
    const full = path.resolve(dir, main + ext);
    if (full !== dir && !full.startsWith(dir + path.sep)) return { problem: `'${main}' is outside the role's ${subdir}/ folder` };
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) {
      if (allowDir) return { files: filesUnder(full) };
      continue;
    }
    return { files: [full] };
  }
  return name === undefined ? { files: [] } : { problem: `could not find ${subdir}/${name} in the role (${dir})` };
}

/** Files with a YAML or JSON extension (or none) under `dir`, recursively, in sorted order; hidden files and backups skipped. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = path.join(dir, entry);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...filesUnder(full));
    else if (st.isFile() && [...EXTENSIONS, ''].includes(path.extname(entry))) out.push(full);
  }
  return out;
}

function isDirectory(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
