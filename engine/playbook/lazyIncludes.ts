// include_tasks is loaded when it is reached, as in Ansible: a task file behind a `when` (a RedHat-only
// file on a Debian run) may be missing without failing the load; the run reads it only if the include
// runs. `validate` still parses every include file it can find. (ansible-playbook --syntax-check loads
// no include_tasks file at all; fleetplay still reports a missing file under no `when`, which could
// only fail when reached.)
import { Problems } from './problems.ts';

/** The part of the parse context this file keeps: how many `when`s enclose the entries being parsed. */
export interface ConditionalDepth {
  conditional?: number;
}

/** Runs `parse` counting `task`'s `when` (if it has one) as enclosing what it parses. */
export function underWhen<T>(task: Record<string, unknown>, ctx: ConditionalDepth, parse: () => T): T {
  if (task.when === undefined || task.when === null) return parse();
  ctx.conditional = (ctx.conditional ?? 0) + 1;
  try {
    return parse();
  } finally {
    ctx.conditional--;
  }
}

/** Whether a missing include file may wait for the run: include_tasks (not import_tasks) under a `when`. */
export function mayBeMissing(task: Record<string, unknown>, isImport: boolean, ctx: ConditionalDepth): boolean {
  if (isImport) return false;
  return (task.when !== undefined && task.when !== null) || (ctx.conditional ?? 0) > 0;
}

/**
 * The context an include file is parsed in. For a run (`deferGuardedIncludes`), an include_tasks file
 * under a `when` gets problems of its own: they do not stop the run (a RedHat-only file using a module
 * fleetplay lacks), and the run reads the file again, and fails on them, only if the include is reached.
 * `validate` keeps them (it reports every file it can find).
 */
export function includeContext<C extends { problems: Problems; deferGuardedIncludes?: boolean } & ConditionalDepth>(
  ctx: C,
  task: Record<string, unknown>,
  isImport: boolean,
): { ctx: C; deferred: boolean } {
  if (ctx.deferGuardedIncludes !== true || !mayBeMissing(task, isImport, ctx)) return { ctx, deferred: false };
  return { ctx: { ...ctx, problems: new Problems() }, deferred: true };
}
