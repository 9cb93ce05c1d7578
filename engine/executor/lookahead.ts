// Which read-only commands each upcoming task will start with on a host: the first stage of its
// module's probe (engine/module.ts), which is data. Only what a probe does before its first stage runs
// here: rendering arguments, checking them, reading the predicted state (read-only: a probe has no way
// to write it). A guess that turns out wrong costs one wasted read; the store (readAhead.ts) serves a
// result only to the identical command.
//
// The look ahead stops where a later task's command could depend on an earlier one in ways rendering
// cannot see yet: after a task that registers a result or sets facts, at blocks, includes, meta tasks,
// run_once and until loops, at a task whose first stage is controller-side work or a read shared by the
// run's hosts, and at a task that reads nothing first (it will change the host).
import { removeOmit } from './omit.ts';
import { renderValue } from '../template/render.ts';
import { coerceArgTypes } from '../playbook/argTypes.ts';
import type { ModuleView } from '../module.ts';
import type { ExecOptions, ModuleDefinition, TaskDef, TaskNode, Vars } from '../types.ts';
import { firstStage, moduleView } from './moduleDriver.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import { settingsFor, unknownDependency } from './taskSettings.ts';
import type { PlayRun, Scope } from './playRun.ts';
import type { UpcomingRead } from './readAhead.ts';
import { conditionsHold, finalExecOptions, moduleContext } from './runTask.ts';
import { tagsAllow } from './tags.ts';
import { lookupContext } from '../lookups/index.ts';
import { expandLoop, loopItemVars } from '../lookups/loop.ts';
import { renderEnvironment, withEnvironment } from './environment.ts';

/** First reads of `tasks` (in order, loop items included) on `host`, at most `limit`. */
export async function upcomingReads(
  tasks: readonly TaskNode[],
  host: HostRun,
  scope: Scope,
  run: PlayRun,
  limit: number,
): Promise<UpcomingRead[]> {
  const reads: UpcomingRead[] = [];
  for (const node of tasks) {
    if (reads.length >= limit) break;
    if (node.kind !== 'task' || node.module === 'meta' || node.runOnce || node.until) break;
    // A delegated task reads another machine: its reads never join this host's batch.
    if (node.delegateTo !== undefined || scope.delegate || (node.connection ?? run.play.connection) === 'local') break;
    if (!tagsAllow([...scope.tags, ...node.tags], run.tags)) continue;
    const mod = run.modules.find(node.moduleKey);
    if (!mod || mod.runsOn === 'controller') break;
    let stop: boolean;
    try {
      stop = taskReads(node, mod, host, scope, run, reads);
    } catch {
      // A variable that does not render yet, a missing template: the task itself will say so.
      break;
    }
    if (stop || node.register) break;
  }
  return reads.slice(0, limit);
}

/** Appends the first read of each of the task's items to `reads`; true when the look ahead must stop. */
function taskReads(task: TaskDef, mod: ModuleDefinition, host: HostRun, scope: Scope, run: PlayRun, reads: UpcomingRead[]): boolean {
  // A task that fails on its arguments when it runs reads nothing: the look-ahead stops there.
  if (task.argumentProblem) return true;
  const scopeVars = [...scope.vars, scope.perHost?.get(host.name) ?? {}, task.vars];
  const vars = taskVars(host, run.vars, scopeVars, task.location);
  const settings = settingsFor(task, host, scope, run, vars, scopeVars, true);
  if (settings.check && unknownDependency(task, scope, host)) return false;
  let items: Array<Vars | undefined> = [undefined];
  if (task.loop) {
    const loop = task.loop;
    // Lookups run ahead as the task will run them, except those with effects (pipe), which stop the look ahead.
    const lookups = lookupContext(task, settings, vars, true);
    if (!conditionsHold(scope.when, vars, lookups)) return false;
    const at = task.locate([loop.keyword ?? 'loop']);
    const list = expandLoop(loop, renderValue(loop.items, vars, at, lookups), lookups, at);
    if (!Array.isArray(list)) return true;
    items = list.map((_, i) => loopItemVars(loop, list, i, { vars, where: at }));
  }
  for (const extra of items) {
    const itemVars = extra ? taskVars(host, run.vars, scopeVars, task.location, extra) : vars;
    const lookups = lookupContext(task, settings, itemVars, true);
    if (!conditionsHold(settings.when, itemVars, lookups)) continue;
    const args = coerceArgTypes(mod.schema, removeOmit(renderValue(task.args, itemVars, task.location, lookups) as Vars));
    const first = firstReads(mod, args, moduleView(moduleContext(task, host, itemVars, settings, { commands: 0, timedOut: false })));
    if (first === 'unknown') return true;
    if (first === 'none') {
      // A plan that decides without reading changes the host in a real run; in check mode it is a prediction.
      if (!settings.check) return true;
      continue;
    }
    for (const f of Array.isArray(first) ? first : [first]) {
      const options: ExecOptions = finalExecOptions(task, settings, f.options);
      if (!options.readOnly) return true;
      // The environment is part of the command text, as the task will send it (moduleContext).
      reads.push({ command: withEnvironment(f.command, renderEnvironment(settings.environment ?? [], itemVars, lookups)), options });
    }
  }
  return false;
}

/**
 * The reads of a contract module's first probe stage: 'none' when it reads nothing, 'unknown' when its
 * first stage is controller-side work (its reads after that are not guessed).
 */
function firstReads(
  mod: ModuleDefinition,
  args: Vars,
  view: ModuleView,
): Array<{ command: string; options: ExecOptions }> | 'none' | 'unknown' {
  const stage = firstStage(mod, args, view);
  if (!stage) return 'none';
  // Controller-side work first, or a read the run's hosts share (each host reading it early would defeat that).
  if (stage.kind === 'local' || stage.reads.some((r) => r.shareKey !== undefined)) return 'unknown';
  return stage.reads.map((r) => ({
    command: r.command,
    options: {
      readOnly: true,
      ...(r.stdin !== undefined ? { stdin: r.stdin } : {}),
      ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
    },
  }));
}
