// lookup('template', 'x.j2'): a controller template rendered with the task's variables, searched as the
// template module's src (the role's templates/ first). A .hbs file renders with Handlebars, any other as
// Jinja2; `template_vars` adds variables for this rendering only.
import path from 'node:path';
import { problem } from '../expr/error.ts';
import { isMapping, mappingKeys, ownValue, typeName } from '../expr/values.ts';
import { renderJinja } from '../jinja/index.ts';
import { renderTemplateFile } from '../template/render.ts';
import type { Vars } from '../types.ts';
import { readText } from './file.ts';
import { findInSearchPath, searchCandidates, searchedFolders, existsAt } from './search.ts';
import { stringTerm, type LookupPlugin, type LookupPlace } from './types.ts';
import { currentLookups } from './ambient.ts';

/** template: each template's rendered text. */
export const templateLookup: LookupPlugin = {
  // convert_data and jinja2_native are accepted and have no effect: the result is always text.
  options: ['template_vars', 'convert_data', 'jinja2_native'],
  run(terms, options, place) {
    const extra = options.get('template_vars');
    if (extra !== undefined && !isMapping(extra)) return problem(`option 'template_vars' must be a mapping, not ${typeName(extra)}`);
    const vars = extra ? overlay(place.vars, extra) : place.vars;
    return terms.map((term) => {
      const name = stringTerm(term, 'template');
      const found = findInSearchPath(name, 'templates', place);
      if (!found)
        return problem(
          `the template file ${name} could not be found for the lookup (looked in ${searchedFolders(name, 'templates', place)})`,
        );
      const text = readText(found, 'template lookup');
      if (path.extname(found) === '.hbs') return renderTemplateFile(text, vars, { file: found, line: 1, column: 1 });
      const context = currentLookups();
      return renderJinja(text, vars, found, {
        search: (included) => includeOf(included, place),
        ...(context ? { context } : {}),
      });
    });
  },
};

// An included template: beside the including one is tried by the loader; then the places the lookup searched.
function includeOf(name: string, place: LookupPlace): string {
  const found = searchCandidates(name, 'templates', place).find(existsAt);
  if (!found) throw new Error(`could not find '${name}' (looked in ${searchedFolders(name, 'templates', place)})`);
  return found;
}

/** The task's variables with `extra` over them, read-only, without reading (rendering) the others. */
function overlay(vars: Vars, extra: Vars): Vars {
  const keys = new Set(mappingKeys(extra));
  const target: Vars = {};
  return new Proxy(target, {
    get: (_t, key) => (typeof key !== 'string' ? undefined : keys.has(key) ? ownValue(extra, key) : ownValue(vars, key)),
    has: (_t, key) => typeof key === 'string' && (keys.has(key) || Object.hasOwn(vars, key)),
    getOwnPropertyDescriptor: (_t, key) => {
      if (typeof key !== 'string') return undefined;
      if (keys.has(key)) return { value: ownValue(extra, key), writable: false, enumerable: true, configurable: true };
      return Object.hasOwn(vars, key) ? { value: ownValue(vars, key), writable: false, enumerable: true, configurable: true } : undefined;
    },
    ownKeys: () => [...new Set([...Object.keys(vars), ...keys])],
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  }) as Vars;
}
