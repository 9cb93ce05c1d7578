// Finds, at validate time, the controller files a task names by a literal path (template and copy
// `src`, a local unarchive archive), searching where the executor will search at run time.
import { statSync } from 'node:fs';
import path from 'node:path';

/** Which search folder a module uses: `templates/` for template, `files/` for the others. */
export type LocalKind = 'files' | 'templates';

/** A literal `src` found, or why it would fail at run time. */
export type LocalFileCheck = { kind: 'found'; file: string } | { kind: 'problem'; message: string };

/**
 * The places a relative `src` is looked for, in order: as engine/executor/runTask.ts resolveLocal
 * does (the task file's folder, its `files/` or `templates/` first, then the playbook's folder).
 */
export function localCandidates(relative: string, kind: LocalKind, taskFile: string, playbookDir: string): string[] {
  if (path.isAbsolute(relative)) return [relative];
  const taskDir = path.dirname(taskFile);
  return [path.join(taskDir, kind, relative), path.join(taskDir, relative), path.join(playbookDir, kind, relative), path.join(playbookDir, relative)];
}

/**
 * Checks a literal `src` of module `module`: it must exist in one of the search places and be a
 * regular file (a FIFO or a device would block or never end); copy refuses directories as it does
 * at run time.
 */
export function checkLocalFile(module: string, relative: string, kind: LocalKind, taskFile: string, playbookDir: string): LocalFileCheck {
  const candidates = localCandidates(relative, kind, taskFile, playbookDir);
  let loop: string | undefined;
  for (const candidate of candidates) {
    let stat;
    try {
      stat = statSync(candidate);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') loop ??= candidate;
      else if (code === 'EACCES') return { kind: 'problem', message: `${module} src '${relative}': ${candidate} cannot be read (permission denied)` };
      continue;
    }
    if (stat.isFile()) return { kind: 'found', file: candidate };
    if (stat.isDirectory()) {
      const why = module === 'copy' ? 'copy of directories is not supported yet' : `${module} needs a file`;
      return { kind: 'problem', message: `${module} src '${relative}' is a directory (${candidate}); ${why}` };
    }
    return { kind: 'problem', message: `${module} src '${relative}' is not a regular file (${candidate} is a FIFO, socket or device)` };
  }
  if (loop) return { kind: 'problem', message: `${module} src '${relative}': ${loop} is a symbolic link loop` };
  const places = [...new Set(candidates.map((c) => path.dirname(c)))];
  return { kind: 'problem', message: `${module} src '${relative}' not found; looked in ${places.join(', ')}` };
}
