// What a lookup plugin is, and where it runs: the task's place on the controller (for file searches) and
// the task's variables. Lookups run on the controller, as in Ansible.
import { problem } from '../expr/error.ts';
import { typeName } from '../expr/values.ts';
import type { Vars } from '../types.ts';

/** Where a lookup runs: the task's file, the playbook's folder, the task's role and variables. */
export interface LookupPlace {
  /** The file the task is written in (its folder is searched, as for copy src). */
  taskFile: string;
  playbookDir: string;
  /** The role the task comes from (its files/ or templates/ are searched first). */
  rolePath?: string;
  /** The task's variables (a scope view: lazy, prototype-free). */
  vars: Vars;
  /** The task's module, for first_found's search folder (templates/ for template, vars/ for include_vars). */
  module?: string;
  /** Set while the executor looks ahead: a lookup with effects (pipe) refuses to run early. */
  ahead?: boolean;
}

/** One lookup plugin: the keyword options it takes, and its run over the terms. Always returns a list. */
export interface LookupPlugin {
  options: readonly string[];
  run(terms: readonly unknown[], options: ReadonlyMap<string, unknown>, place: LookupPlace): unknown[];
}

/** A term that must be a string; `what` names the lookup in the message. */
export function stringTerm(term: unknown, what: string): string {
  if (typeof term !== 'string') return problem(`${what} takes strings, not ${typeName(term)}`);
  return term;
}

/** Ansible's boolean() of an option value (yes/no/true/false/1/0, any case). */
export function booleanOption(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (['yes', 'on', 'true', '1', 'y', 't'].includes(word)) return true;
    if (['no', 'off', 'false', '0', 'n', 'f'].includes(word)) return false;
  }
  return problem(`option '${name}' must be a boolean, not ${typeName(value)}`);
}

/** LookupBase._flatten: list items are spliced in one level, other items kept. */
export function flattenOnce(terms: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const term of terms) {
    if (Array.isArray(term)) out.push(...term);
    else out.push(term);
  }
  return out;
}
