// The loop keywords: `loop`, `with_items`, `with_list` and `with_<lookup>` (with_dict, with_together,
// with_nested, with_subelements, with_sequence, with_fileglob, with_first_found, …), each as Ansible runs it:
// the keyword's value rendered, made a list of terms, and given to the lookup with wantlist; and the
// variables each item sees (loop_var, index_var, ansible_loop_var, loop_control.extended's ansible_loop).
import { FleetError } from '../errors.ts';
import { ValueProblem, problem } from '../expr/error.ts';
import { isBlockedKey, isMapping, toText } from '../expr/values.ts';
import { isTemplated, renderValue } from '../template/render.ts';
import type { EvalContext } from '../expr/index.ts';
import type { LoopSpec, SourceLocation, Vars } from '../types.ts';
import { LOOKUPS } from './index.ts';

/** The with_<lookup> keywords a task may loop with (with_items and with_list are read as before). */
export const WITH_LOOKUP_KEYWORDS: readonly string[] = [...LOOKUPS.keys()]
  .filter((n) => n !== 'items' && n !== 'list')
  .map((n) => `with_${n}`);

/** Every loop keyword, in the order a task's loop is looked for. */
export const LOOP_KEYWORDS: readonly string[] = ['loop', 'with_items', 'with_list', ...WITH_LOOKUP_KEYWORDS];

/** The loop keywords written on a task (more than one is an error, as in Ansible). */
export function loopKeysIn(task: Record<string, unknown>): string[] {
  return LOOP_KEYWORDS.filter((k) => task[k] !== undefined);
}

/** The lookup a with_<name> keyword runs, or undefined for loop, with_items and with_list. */
export function lookupOfKeyword(key: string): string | undefined {
  return WITH_LOOKUP_KEYWORDS.includes(key) ? key.slice('with_'.length) : undefined;
}

/**
 * The items of a loop from its rendered value: `with_items` flattens one level and takes a scalar as one
 * item; `with_<lookup>` gives the value (a list of terms, anything else one term) to the lookup with
 * wantlist, as Ansible's listify_lookup_plugin_terms and TaskExecutor do; `loop` takes the list as it is.
 */
export function expandLoop(loop: LoopSpec, rendered: unknown, context?: EvalContext, where?: SourceLocation): unknown {
  if (loop.lookup) {
    const at = where ? ` (${where.file}:${where.line}:${where.column})` : '';
    if (!context?.lookup)
      throw new FleetError('template', `with_${loop.lookup} cannot run here (no lookup context)${at}`, where ? { location: where } : {});
    const terms = Array.isArray(rendered) ? rendered : [rendered];
    try {
      return context.lookup(loop.lookup, terms, new Map(), true);
    } catch (err) {
      // The message names the lookup already (engine/lookups/index.ts runLookup).
      if (err instanceof ValueProblem) throw new FleetError('template', `${err.message}${at}`, where ? { location: where } : {});
      throw err;
    }
  }
  if (loop.keyword === 'with_list') return withListItems(rendered, where);
  if (!loop.withItems) return rendered;
  return Array.isArray(rendered) ? rendered.flat(1) : [rendered];
}

// with_list runs Ansible's list lookup on the listified terms: a list as it is, a mapping refused, anything
// else (a text, a number) one item.
function withListItems(rendered: unknown, where?: SourceLocation): unknown {
  if (Array.isArray(rendered)) return rendered;
  if (isMapping(rendered)) {
    const at = where ? ` (${where.file}:${where.line}:${where.column})` : '';
    throw new FleetError('template', `with_list expects a list${at}`, where ? { location: where } : {});
  }
  return [rendered];
}

/**
 * Renders a loop keyword's value with `render`. For with_first_found, a file name that uses an undefined
 * variable is left out rather than failing the task, as Ansible's TaskExecutor renders those terms.
 */
export function renderLoopValue(loop: LoopSpec, render: (value: unknown) => unknown): unknown {
  if (loop.lookup !== 'first_found' || !Array.isArray(loop.items)) return render(loop.items);
  const out: unknown[] = [];
  for (const term of loop.items) {
    if (isMapping(term) && Array.isArray(term.files)) {
      const files = term.files.flatMap((f) => definedOnly(f, render));
      const rest = render({ ...term, files: [] });
      out.push(isMapping(rest) ? { ...rest, files } : rest);
    } else out.push(...definedOnly(term, render));
  }
  return out;
}

function definedOnly(value: unknown, render: (value: unknown) => unknown): unknown[] {
  try {
    return [render(value)];
  } catch (err) {
    if (err instanceof FleetError && /' is undefined/.test(err.message)) return [];
    throw err;
  }
}

/** Where a templated loop_var renders: the task's variables and location. */
export interface LoopVarPlace {
  vars: Vars;
  where: SourceLocation;
}

/** loop_control.loop_var, rendered when templated (`loop_var: "{{ name }}"`, as Ansible templates loop_control). */
export function loopVarName(loop: LoopSpec, place?: LoopVarPlace): string {
  if (!place || !isTemplated(loop.loopVar)) return loop.loopVar;
  const name = toText(renderValue(loop.loopVar, place.vars, place.where));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || isBlockedKey(name))
    throw new FleetError('template', `loop_var must be a variable name, not '${name}'`, { location: place.where });
  return name;
}

/** The variables loop item `index` of `items` sees, as Ansible sets them. */
export function loopItemVars(loop: LoopSpec, items: readonly unknown[], index: number, place?: LoopVarPlace): Vars {
  const loopVar = loopVarName(loop, place);
  const vars: Vars = { [loopVar]: items[index], ansible_loop_var: loopVar };
  if (loop.indexVar) {
    vars[loop.indexVar] = index;
    vars.ansible_index_var = loop.indexVar;
  }
  if (loop.extended) {
    const length = items.length;
    const info: Vars = {
      index: index + 1,
      index0: index,
      first: index === 0,
      last: index + 1 === length,
      length,
      revindex: length - index,
      revindex0: length - index - 1,
    };
    if (loop.extendedAllitems !== false) info.allitems = items;
    if (index + 1 < length) info.nextitem = items[index + 1];
    if (index > 0) info.previtem = items[index - 1];
    vars.ansible_loop = info;
  }
  return vars;
}

/** What each item's registered result carries about the loop (loop_var, ansible_loop_var, index_var). */
export function loopResultVars(loop: LoopSpec, item: unknown, index: number, place?: LoopVarPlace): Vars {
  const loopVar = loopVarName(loop, place);
  return {
    [loopVar]: item,
    ansible_loop_var: loopVar,
    ...(loop.indexVar ? { [loop.indexVar]: index, ansible_index_var: loop.indexVar } : {}),
  };
}

/** loop_control.pause as seconds (rendered by the caller when templated); a bad value is an error. */
export function pauseSeconds(value: unknown): number {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    return problem(`loop_control.pause must be a number of seconds, not ${JSON.stringify(value)}`);
  return n;
}
