// lookup('first_found', ['a.yml', 'b.yml']) and with_first_found: the path of the first file that exists.
// Terms are file names (split at , and ;), lists of them, or mappings with `files`, `paths` (split at , : ;)
// and `skip`; relative names are searched as copy's src is, in files/ (templates/ for a template task,
// vars/ for include_vars, as Ansible picks the folder by the task's action).
import { problem } from '../expr/error.ts';
import { isMapping, ownValue, typeName } from '../expr/values.ts';
import { findInSearchPath } from './search.ts';
import { booleanOption, type LookupPlace, type LookupPlugin } from './types.ts';
import path from 'node:path';

/** first_found: a list of one path, or none when nothing is found and `skip` is set. */
export const firstFoundLookup: LookupPlugin = {
  options: ['files', 'paths', 'skip'],
  run(terms, options, place) {
    const defaults = { paths: options.get('paths'), skip: options.has('skip') ? booleanOption(options.get('skip'), 'skip') : false };
    const given = terms.length > 0 ? terms : options.has('files') ? [options.get('files')] : [];
    const state = { skip: defaults.skip };
    const search = candidates(given, defaults.paths, state);
    const subdir = subdirOf(place);
    for (const name of search) {
      const found = findInSearchPath(name, subdir, place);
      if (found) return [found];
    }
    if (state.skip) return [];
    return problem(
      `No file was found when using first_found (tried ${search.join(', ') || 'nothing'} in ${subdir}/ and beside the task, the role and the playbook)`,
    );
  },
};

// The names to try, in order; a mapping's skip sets the skip of the whole lookup, as in Ansible.
function candidates(terms: readonly unknown[], paths: unknown, state: { skip: boolean }): string[] {
  const out: string[] = [];
  for (const term of terms) {
    if (typeof term === 'string') out.push(...combine(split(term, /[,;]/), splitAll(paths, /[,:;]/)));
    else if (Array.isArray(term)) out.push(...candidates(term, paths, state));
    else if (isMapping(term)) {
      for (const key of Object.keys(term))
        if (!['files', 'paths', 'skip'].includes(key)) problem(`first_found does not take '${key}' (it takes files, paths and skip)`);
      const files = splitAll(ownValue(term, 'files'), /[,;]/);
      const termPaths = ownValue(term, 'paths') ?? paths;
      if (ownValue(term, 'skip') !== undefined) state.skip = booleanOption(ownValue(term, 'skip'), 'skip');
      out.push(...combine(files, splitAll(termPaths, /[,:;]/)));
    } else problem(`Invalid term supplied, can handle string, mapping or list of strings but got: ${typeName(term)}`);
  }
  return out;
}

function combine(files: string[], paths: string[]): string[] {
  if (paths.length === 0) return files;
  return paths.flatMap((p) => files.map((f) => path.join(p, f)));
}

function split(text: string, on: RegExp): string[] {
  return text
    .split(on)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function splitAll(value: unknown, on: RegExp): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return split(value, on);
  if (Array.isArray(value)) return value.flatMap((v) => splitAll(v, on));
  return problem(`first_found files and paths are strings or lists of strings, not ${typeName(value)}`);
}

// TaskExecutor's rule: the first of template, var, file found in the action's name.
function subdirOf(place: LookupPlace): string {
  const action = place.module ?? '';
  for (const word of ['template', 'var', 'file']) if (action.includes(word)) return `${word}s`;
  return 'files';
}
