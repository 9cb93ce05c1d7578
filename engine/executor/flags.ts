// A boolean keyword's value on one host: a literal as written, a template rendered with the task's
// variables and read as Ansible's boolean() reads it ("yes", "True", 1, …).
import { renderValue } from '../template/render.ts';
import type { EvalContext } from '../expr/index.ts';
import { lookupContext } from '../lookups/index.ts';
import type { Flag, IncludeDef, Vars } from '../types.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import { OMIT_TOKEN } from './omit.ts';
import type { PlayRun, Scope } from './playRun.ts';

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);

/**
 * The value of `flag` with `vars`; `fallback` when it is unset. A template that fails to render throws
 * (the task fails with the keyword's location), except for no_log, where callers pass `failClosed`: a
 * secret is hidden rather than shown because its guard could not be read.
 */
export function flagValue(flag: Flag | undefined, vars: Vars, fallback: boolean, failClosed = false, context?: EvalContext): boolean {
  if (flag === undefined) return fallback;
  if (typeof flag === 'boolean') return flag;
  let value: unknown;
  try {
    value = renderValue(flag.expr, vars, flag.location, context);
  } catch (e) {
    if (failClosed) return true;
    throw e;
  }
  // `become: "{{ x | default(omit) }}"`: the keyword is as if not written.
  if (value === OMIT_TOKEN) return fallback;
  return asBoolean(value);
}

/** Ansible's boolean(): true for true, a non-zero number and the words yes/on/true/t/y/1 (any case). */
export function asBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return TRUE.has(v.trim().toLowerCase());
  return false;
}

/** An include's ignore_errors on `host` (its own over its blocks'); a template that cannot render counts as false. */
export function includeIgnoresErrors(inc: IncludeDef, host: HostRun, run: PlayRun, scope: Scope): boolean {
  const vars = taskVars(host, run.vars, [...scope.vars, scope.perHost?.get(host.name) ?? {}, inc.vars], inc.location);
  try {
    return flagValue(
      inc.ignoreErrors ?? scope.ignoreErrors,
      vars,
      false,
      false,
      lookupContext(inc, { playbookDir: run.play.baseDir }, vars),
    );
  } catch {
    return false;
  }
}
