// Finds, at validate time, the controller files a task names by a literal path (template and copy
// `src`, a local unarchive archive), searching where the executor will search at run time and judging
// the file with the same inspector the modules use before they read it.
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { inspectControllerFile, MAX_ARCHIVE_BYTES, MAX_CONTENT_BYTES } from '../controllerFile.ts';

/** Which search folder a module uses: `templates/` for template, `vars/` for include_vars, `files/` for the others. */
export type LocalKind = 'files' | 'templates' | 'vars';

/** A literal `src` found, or why it would fail at run time. */
export type LocalFileCheck = { kind: 'found'; file: string } | { kind: 'problem'; message: string; missing?: true };

/**
 * The places a relative `src` is looked for, in order, as engine/executor/runTask.ts resolveLocal
 * does: the task's role folder (its `files/` or `templates/` first) when it is in a role, the task
 * file's folder (likewise), then the playbook's folder, as Ansible's role-aware search.
 */
export function localCandidates(relative: string, kind: LocalKind, taskFile: string, playbookDir: string, rolePath?: string): string[] {
  if (path.isAbsolute(relative)) return [relative];
  const taskDir = path.dirname(taskFile);
  const inRole = rolePath ? [path.join(rolePath, kind, relative), path.join(rolePath, relative)] : [];
  return [
    ...inRole,
    path.join(taskDir, kind, relative),
    path.join(taskDir, relative),
    path.join(playbookDir, kind, relative),
    path.join(playbookDir, relative),
  ];
}

/**
 * Checks a literal `src` of `module` (template, copy or unarchive): the first candidate that exists
 * (even as a dangling link or a link loop, as at run time) must be a regular file within the module's
 * size limit; a directory is only copy's.
 */
export function checkLocalFile(
  module: string,
  relative: string,
  kind: LocalKind,
  taskFile: string,
  playbookDir: string,
  rolePath?: string,
): LocalFileCheck {
  const candidates = localCandidates(relative, kind, taskFile, playbookDir, rolePath);
  const found = candidates.find((c) => lstatSync(c, { throwIfNoEntry: false }) !== undefined);
  if (!found) {
    const places = [...new Set(candidates.map((c) => path.dirname(c)))];
    return { kind: 'problem', message: `${module} src '${relative}' not found; looked in ${places.join(', ')}`, missing: true };
  }
  const what = `${module} src`;
  const maxBytes = module === 'unarchive' ? MAX_ARCHIVE_BYTES : MAX_CONTENT_BYTES;
  const seen = inspectControllerFile(found, { what, maxBytes, allowDirectory: true });
  if (seen.kind === 'file') return { kind: 'found', file: found };
  if (seen.kind === 'refused') return { kind: 'problem', message: seen.problem };
  // copy copies a directory src (its tree); the others need a file.
  if (module === 'copy') return { kind: 'found', file: found };
  return { kind: 'problem', message: `${what} ${found} is a directory; ${module} needs a file` };
}
