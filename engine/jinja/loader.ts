// Finds and reads the file an `{% include %}` names, on the controller. The name is split as Jinja2's
// FileSystemLoader splits it (a `..` part is refused, a leading `/` is dropped), then looked up beside the
// including template, beside the template the task renders, and last through the caller's search (the
// role's and the playbook's templates/ directories).
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { MAX_CONTENT_BYTES, readControllerFile } from '../controllerFile.ts';

/** The caller's lookup of a template name: a path, undefined, or an Error saying where it looked. */
export type IncludeSearch = (name: string) => string | undefined;

/** Where an include was found, or why not. */
export type IncludeLookup = { found: string } | { missing: string };

/** Looks up `name` for an include in `fromFile`, whose outermost template is `topFile`. */
export function findInclude(name: string, fromFile: string, topFile: string, search?: IncludeSearch): IncludeLookup {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return { missing: `template '${name}' not found: '..' is not allowed in a template name` };
  if (parts.length === 0) return { missing: `template '${name}' not found: the name is empty` };
  const relative = parts.join('/');
  const dirs = [...new Set([path.dirname(fromFile), path.dirname(topFile)])];
  for (const dir of dirs) {
    const candidate = path.join(dir, relative);
    // lstat, as the task's own src lookup: a dangling link or a loop is found and reading it says what it is.
    if (lstatSync(candidate, { throwIfNoEntry: false }) !== undefined) return { found: candidate };
  }
  let searched = '';
  if (search) {
    try {
      const found = search(relative);
      if (found !== undefined) return { found };
    } catch (err) {
      searched = `; ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return { missing: `template '${name}' not found (looked in ${dirs.join(', ')}${searched})` };
}

/** Reads an included template: a regular file, within the size limit of a template src. */
export function readInclude(file: string): string {
  return readControllerFile(file, { what: 'included template', maxBytes: MAX_CONTENT_BYTES, kind: 'template' }).toString('utf8');
}
