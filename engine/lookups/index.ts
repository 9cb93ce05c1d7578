// The lookup plugins (lookup(), query(), q() and the with_<name> loops) and the hook that runs them for a
// task: lookups run on the controller with the task's variables, and find files where copy's src is found.
import type { EvalContext } from '../expr/index.ts';
import { ValueProblem, problem } from '../expr/error.ts';
import type { Vars } from '../types.ts';
import { withLookups } from './ambient.ts';
import { dictLookup } from './dict.ts';
import { envLookup } from './env.ts';
import { fileLookup } from './file.ts';
import { fileglobLookup } from './fileglob.ts';
import { firstFoundLookup } from './firstFound.ts';
import { flattenedLookup } from './flattened.ts';
import { indexedItemsLookup } from './indexedItems.ts';
import { itemsLookup } from './items.ts';
import { linesLookup } from './lines.ts';
import { listLookup } from './list.ts';
import { cartesianLookup, nestedLookup } from './nested.ts';
import { pipeLookup } from './pipe.ts';
import { randomChoiceLookup } from './randomChoice.ts';
import { sequenceLookup } from './sequence.ts';
import { subelementsLookup } from './subelements.ts';
import { templateLookup } from './template.ts';
import { togetherLookup } from './together.ts';
import type { LookupPlace, LookupPlugin } from './types.ts';
import { varsLookup } from './vars.ts';

export type { LookupPlace } from './types.ts';
export { withLookups, currentLookups } from './ambient.ts';

/** Every lookup plugin by its short name. A Map, so names like 'constructor' are simply absent. */
export const LOOKUPS: ReadonlyMap<string, LookupPlugin> = new Map([
  ['env', envLookup],
  ['file', fileLookup],
  ['template', templateLookup],
  ['vars', varsLookup],
  ['first_found', firstFoundLookup],
  ['fileglob', fileglobLookup],
  ['items', itemsLookup],
  ['list', listLookup],
  ['dict', dictLookup],
  ['sequence', sequenceLookup],
  ['pipe', pipeLookup],
  ['lines', linesLookup],
  ['together', togetherLookup],
  ['nested', nestedLookup],
  ['cartesian', cartesianLookup],
  ['subelements', subelementsLookup],
  ['indexed_items', indexedItemsLookup],
  ['random_choice', randomChoiceLookup],
  ['flattened', flattenedLookup],
]);

// Lookups that live in community.general rather than ansible.builtin.
const COMMUNITY = new Set(['cartesian', 'flattened']);

/** The plugin a name (plain, `ansible.builtin.`, or `community.general.` for cartesian and flattened) means. */
export function findLookup(name: string): LookupPlugin | undefined {
  const builtin = /^ansible\.(builtin|legacy)\.(.+)$/.exec(name);
  const community = /^community\.general\.(.+)$/.exec(name);
  const short = builtin ? builtin[2]! : community ? community[1]! : name;
  if ((builtin && COMMUNITY.has(short)) || (community && !COMMUNITY.has(short))) return undefined;
  return LOOKUPS.get(short);
}

/**
 * Runs lookup `name` on `terms` as Ansible's Templar does: the plugin's list with `wantList` (query(), q(),
 * wantlist=True, loops); otherwise strings joined with commas, a single value alone, other lists as they are.
 * `errors='warn'|'ignore'` turns a failure into None (an empty list with wantList). Errors name the lookup.
 */
export function runLookup(
  name: string,
  terms: readonly unknown[],
  options: ReadonlyMap<string, unknown>,
  wantList: boolean,
  place: LookupPlace,
): unknown {
  const plugin = findLookup(name);
  if (!plugin) return problem(`lookup plugin '${name}' is not supported (fleetplay has: ${[...LOOKUPS.keys()].join(', ')})`);
  const own = new Map(options);
  const errors = own.get('errors') ?? 'strict';
  own.delete('errors');
  if (errors !== 'strict' && errors !== 'warn' && errors !== 'ignore')
    return problem(`lookup '${name}': errors must be strict, warn or ignore`);
  for (const key of own.keys()) {
    if (!plugin.options.includes(key))
      return problem(
        `lookup '${name}' does not take the option '${key}'${plugin.options.length ? ` (it takes ${plugin.options.join(', ')})` : ''}`,
      );
  }
  let ran: unknown[];
  try {
    ran = plugin.run(terms, own, place);
  } catch (err) {
    if (!(err instanceof ValueProblem)) throw err;
    // Ansible's errors='warn' also prints a warning; fleetplay has no warning channel here yet.
    if (errors !== 'strict') return wantList ? [] : null;
    return problem(`lookup '${name}': ${err.message}`);
  }
  if (wantList) return ran;
  if (ran.every((x) => typeof x === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}

/** The place of a task on the controller: what lookups search from. */
export interface TaskPlace {
  location: { file: string };
  rolePath?: string;
  module?: string;
}

/**
 * The lookup context of a task (pass it to renderValue, renderString, conditionsHold, renderJinja): its
 * file, the playbook's folder, its role (the task's, else the role_path variable) and its variables.
 * `ahead`: the executor's look-ahead, where a lookup with effects (pipe, lines) refuses to run.
 */
export function lookupContext(task: TaskPlace, settings: { playbookDir: string }, vars: Vars, ahead = false): EvalContext {
  const rolePath = task.rolePath ?? (typeof vars.role_path === 'string' ? vars.role_path : undefined);
  const place: LookupPlace = {
    taskFile: task.location.file,
    playbookDir: settings.playbookDir,
    vars,
    ...(rolePath ? { rolePath } : {}),
    ...(task.module ? { module: task.module } : {}),
    ...(ahead ? { ahead } : {}),
  };
  const context: EvalContext = {
    // A lazy variable a lookup reads (vars, template) renders with the same lookups.
    lookup: (name, terms, options, wantList) => withLookups(context, () => runLookup(name, terms, options, wantList, place)),
  };
  return context;
}
