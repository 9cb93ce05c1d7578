// A task's settings on one host (check mode, become, no_log, ignore_errors, conditions), and check mode's
// test for a task that reads a variable it could not predict. Used by the run (hostTask.ts) and by the
// look ahead (lookahead.ts), which must decide the same way.
import type { Flag, TaskDef, Vars } from '../types.ts';
import { FleetError } from '../errors.ts';
import { lookupContext } from '../lookups/index.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import type { PlayRun, Scope } from './playRun.ts';
import { mentions, type TaskSettings } from './runTask.ts';
import { delegationFor } from './delegate.ts';
import { becomeSettings } from './becomeSettings.ts';
import { flagValue } from './flags.ts';
import { remoteUserFor } from './remoteUser.ts';

/** Check mode: the reason a task cannot be predicted because it reads a variable that could not be. */
export function unknownDependency(task: TaskDef, scope: Scope, host: HostRun): string | undefined {
  if (host.unknownVars.size === 0) return undefined;
  const read = [
    task.args,
    task.loop?.items,
    [...scope.when, ...task.when, ...(task.changedWhen ?? []), ...(task.failedWhen ?? [])].map((c) => c.expr),
  ];
  for (const [name, why] of host.unknownVars) {
    if (mentions(read, name)) return `depends on '${name}', which check mode could not predict (${why})`;
  }
  return undefined;
}

/** The settings `task` runs with on `host`: task keywords over its blocks' over the play's. */
export function settingsFor(
  task: TaskDef,
  host: HostRun,
  scope: Scope,
  run: PlayRun,
  vars: Vars,
  scopeVars: Vars[],
  ahead = false,
): TaskSettings {
  // A keyword template that does not render fails the task (reported by hostTask.ts), with the keyword's
  // default in the meantime; no_log fails closed.
  let keywordError: string | undefined;
  const lookups = lookupContext(task, { playbookDir: run.play.baseDir }, vars, ahead);
  const flag = (f: Flag | undefined, fallback: boolean): boolean => {
    try {
      return flagValue(f, vars, fallback, false, lookups);
    } catch (e) {
      keywordError ??= e instanceof FleetError ? e.format() : (e as Error).message;
      return fallback;
    }
  };
  let become: TaskSettings['become'];
  try {
    become = becomeSettings(task, scope, run, vars, lookups);
  } catch (e) {
    keywordError ??= e instanceof FleetError ? e.format() : (e as Error).message;
  }
  let remoteUser: string | undefined;
  try {
    remoteUser = remoteUserFor(task.remoteUser ?? scope.remoteUser, vars, lookups);
  } catch (e) {
    keywordError ??= e instanceof FleetError ? e.format() : (e as Error).message;
  }
  const check = flag(task.checkMode ?? scope.checkMode, run.check);
  return {
    check,
    // check_mode: true in a real run: later tasks read the host, not what this one would have done.
    ...(check && !run.check ? { checkAlone: true } : {}),
    noLog: flagValue(task.noLog ?? scope.noLog, vars, false, true, lookups),
    ignoreErrors: flag(task.ignoreErrors ?? scope.ignoreErrors, false),
    ignoreUnreachable: flag(task.ignoreUnreachable ?? scope.ignoreUnreachable, false),
    ...(keywordError ? { keywordError } : {}),
    environment: [...(scope.environment ?? []), ...(task.environment ? [task.environment] : [])],
    ...(become ? { become } : {}),
    ...(remoteUser !== undefined ? { remoteUser } : {}),
    when: [...scope.when, ...task.when],
    playbookDir: run.play.baseDir,
    modules: run.modules,
    runState: run.runState,
    varsWith: (extra) => taskVars(host, run.vars, scopeVars, task.location, extra),
    delegation: (v) => delegationFor(task, host, scope, run, v),
  };
}
