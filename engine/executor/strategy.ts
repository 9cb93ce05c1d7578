// The linear strategy: each task runs on every active host (at most --forks at once) before the next
// task starts. Blocks route failed hosts to rescue and everyone to always.
import { handlerName } from './notify.ts';
import path from 'node:path';
import pLimit from 'p-limit';
import { FleetError } from '../errors.ts';
import { Problems } from '../playbook/problems.ts';
import { parseTaskList } from '../playbook/tasks.ts';
import { renderString } from '../template/render.ts';
import type { BlockDef, HandlerDef, IncludeDef, ModuleRegistry, StateSlot, TaskDef, TaskNode, Vars } from '../types.ts';
import { loadYamlFile } from '../yaml/load.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import { includeIgnoresErrors } from './flags.ts';
import { runTaskOnHost } from './hostTask.ts';
import { runIncludeRole } from './includeRole.ts';
import { runMetaAction } from './metaActions.ts';
import { parseRoleTask } from '../playbook/roleTasks.ts';
import { childScope, type PlayRun, type Scope } from './playRun.ts';
import { loopItemVars } from '../lookups/loop.ts';
import { tagsAllow } from './tags.ts';
import { includeItems } from './includeItems.ts';
import { skippedBeforeStart } from './startAt.ts';

/** Runs a task list on the hosts that are still active. */
export async function runNodes(nodes: TaskNode[], hosts: HostRun[], scope: Scope, run: PlayRun): Promise<void> {
  for (const [index, node] of nodes.entries()) {
    if (run.stopping() || run.state.fatal) return;
    const active = hosts.filter((h) => h.status === 'active');
    if (active.length === 0) return;
    if (skippedBeforeStart(node, run.startAt)) continue;
    switch (node.kind) {
      case 'task':
        if (node.module === 'meta') await runMeta(node, active, scope, run);
        else await runTask(node, active, scope, run, false, nodes.slice(index + 1));
        break;
      case 'block':
        await runBlock(node, active, scope, run);
        break;
      case 'include':
        await (node.role ? runIncludeRole(node, node.role, active, scope, run, runNodes) : runInclude(node, active, scope, run));
        break;
    }
  }
}

/** `meta: flush_handlers` runs the notified handlers at this point; `meta: noop` does nothing. */
async function runMeta(task: TaskDef, hosts: HostRun[], scope: Scope, run: PlayRun): Promise<void> {
  if (task.args.action === 'flush_handlers') await flushHandlers(run, scope);
  else await runMetaAction(task, hosts, scope, run);
}

/** The task name for the header, rendered with the first host's variables when it has templates. */
function headerTitle(task: TaskDef, host: HostRun, scope: Scope, run: PlayRun): string {
  if (!task.name) return task.module;
  if (!task.name.includes('{{')) return task.name;
  try {
    return renderString(task.name, taskVars(host, run.vars, [...scope.vars, task.vars], task.location), task.location);
  } catch {
    return task.name;
  }
}

/** Runs one task on the given hosts in parallel, bounded by --forks. */
/** `following`: the tasks after this one in its list, whose first reads may be batched with its own. */
export async function runTask(
  task: TaskDef,
  hosts: HostRun[],
  scope: Scope,
  run: PlayRun,
  handler: boolean,
  following?: TaskNode[],
): Promise<void> {
  if (!handler && !tagsAllow([...scope.tags, ...task.tags], run.tags)) return;
  const title = headerTitle(task, hosts[0]!, scope, run);
  if (run.step && (await run.step(title)) === 'no') return;
  run.events.taskStart({ title, location: task.location, handler });
  // -vvv: a no_log task's commands (which carry its arguments) are not shown, whatever its template says.
  const noLog = task.noLog ?? scope.noLog;
  const quiet = run.quietCommands && noLog !== undefined && noLog !== false ? run.quietCommands : undefined;
  if (quiet) quiet.count++;
  try {
    await runOnHosts(task, hosts, scope, run, handler, following);
  } finally {
    if (quiet) quiet.count--;
  }
}

async function runOnHosts(
  task: TaskDef,
  hosts: HostRun[],
  scope: Scope,
  run: PlayRun,
  handler: boolean,
  following?: TaskNode[],
): Promise<void> {
  if (task.runOnce) {
    // run_once: the first host runs it; every host of the batch gets its registered result.
    const [first, ...others] = hosts;
    await runTaskOnHost(task, first!, scope, run, handler);
    if (task.register) for (const h of others) h.hostFacts[task.register] = first!.hostFacts[task.register];
    return;
  }
  const throttle = task.throttle ? pLimit(task.throttle) : undefined;
  const one = (h: HostRun) => run.limit(() => runTaskOnHost(task, h, scope, run, handler, following));
  await Promise.all(hosts.map((h) => (throttle ? throttle(() => one(h)) : one(h))));
}

async function runBlock(block: BlockDef, hosts: HostRun[], scope: Scope, run: PlayRun): Promise<void> {
  const inner = childScope(scope, block);
  // any_errors_fatal does not stop the play for a failure this block's rescue or always takes (Ansible's linear
  // strategy leaves hosts about to run a rescue or always out of it).
  const guarded = block.rescue.length > 0 || block.always.length > 0 ? { ...inner, caught: true } : inner;
  await runNodes(block.block, hosts, guarded, run);
  const failed = hosts.filter((h) => h.status === 'failed');
  if (block.rescue.length > 0 && failed.length > 0) {
    for (const h of failed) {
      // A rescued failure counts as rescued, not failed, as in Ansible's recap.
      h.status = 'active';
      h.counters.failed--;
      h.counters.rescued++;
    }
    await runNodes(block.rescue, failed, block.always.length > 0 ? { ...inner, caught: true } : inner, run);
  }
  if (block.always.length > 0) {
    const stillFailed = hosts.filter((h) => h.status === 'failed');
    for (const h of stillFailed) {
      h.status = 'active';
      h.errorsCleared = false;
    }
    await runNodes(
      block.always,
      hosts.filter((h) => h.status === 'active'),
      inner,
      run,
    );
    // A failed host is failed again after always, unless always cleared its errors (meta: clear_host_errors).
    for (const h of stillFailed) if (h.status === 'active' && !h.errorsCleared) h.status = 'failed';
  }
}

/** include_tasks: the file (and loop) is worked out per host; hosts sharing a file run it together. */
async function runInclude(inc: IncludeDef, all: HostRun[], scope: Scope, run: PlayRun, handler = false): Promise<void> {
  // A dynamic include is a task of its own for --tags and --skip-tags: untagged, it is not included under
  // --tags (Ansible: tag the include, or give it `always`, to reach tagged tasks in its file). Handlers are not filtered.
  if (!handler && (!inc.isImport || inc.tags.length > 0) && !tagsAllow([...scope.tags, ...inc.tags], run.tags)) return;
  // run_once: the file is included for the first host only, as Ansible processes the one include result.
  const hosts = inc.runOnce ? all.slice(0, 1) : all;
  if (hosts.length > 0) run.events.taskStart({ title: inc.name ?? 'include_tasks', location: inc.location, handler: false });
  const plans = new Map<HostRun, Array<{ file: string; item: Vars }>>();
  for (const h of hosts) {
    const vars = taskVars(h, run.vars, [...scope.vars, scope.perHost?.get(h.name) ?? {}, inc.vars], inc.location);
    try {
      const planned = includeItems(inc, vars, scope, run);
      if (!planned) {
        registerInclude(inc, h, { changed: false, skipped: true, skip_reason: 'Conditional result was False' });
        continue;
      }
      const { items, lookups } = planned;
      plans.set(
        h,
        items.map((_, i) => {
          const extra: Vars = inc.loop ? loopItemVars(inc.loop, items, i, { vars, where: inc.location }) : {};
          const file = renderString(inc.file, taskVars(h, run.vars, [...scope.vars, inc.vars], inc.location, extra), inc.location, lookups);
          return { file: path.resolve(inc.baseDir, file), item: extra };
        }),
      );
    } catch (err) {
      reportInclude(inc, h, run, scope, 'failed', (err as Error).message);
    }
  }
  for (const [h, p] of plans)
    registerInclude(
      inc,
      h,
      inc.loop
        ? { changed: false, msg: 'All items completed', results: p.map(({ file, item }) => ({ include: file, include_args: {}, ...item })) }
        : { changed: false, include: p[0]?.file, include_args: {} },
    );
  const rounds = Math.max(0, ...[...plans.values()].map((p) => p.length));
  for (let k = 0; k < rounds; k++) {
    const byFile = new Map<string, HostRun[]>();
    for (const [h, p] of plans) if (p[k] && h.status === 'active') byFile.set(p[k]!.file, [...(byFile.get(p[k]!.file) ?? []), h]);
    for (const [file, group] of byFile) {
      let tasks: TaskNode[];
      try {
        tasks =
          inc.tasks && !inc.file.includes('{{')
            ? inc.tasks
            : loadIncluded(file, run.play.baseDir, run.modules, run.runState.slot(INCLUDES), inc.rolePath, inc.moduleDefaults);
      } catch (err) {
        for (const h of group)
          reportInclude(inc, h, run, scope, 'failed', err instanceof FleetError ? err.format() : (err as Error).message);
        continue;
      }
      for (const h of group) reportInclude(inc, h, run, scope, 'ok', `included ${path.relative(process.cwd(), file)}`);
      const perHost = new Map(group.map((h) => [h.name, plans.get(h)![k]!.item]));
      await runNodes(tasks, group, includedScope(scope, inc, perHost), run);
    }
  }
}

/**
 * What the tasks of an include_tasks file inherit: the include's vars and its `apply` keywords, not its
 * own when, tags or other keywords, which apply to the include alone (Ansible: a dynamic include is not
 * statically loaded, so its attributes are not inherited).
 */
function includedScope(scope: Scope, inc: IncludeDef, perHost: Map<string, Vars>): Scope {
  // An import is static: its keywords are the imported tasks' own, as a block's are.
  if (inc.isImport) return childScope(scope, inc, perHost);
  const own = childScope(scope, { vars: inc.vars, when: [], tags: [], location: inc.location }, perHost);
  return inc.apply ? childScope(own, inc.apply) : own;
}

/** `register` on an include: its own result (Ansible's include_tasks result: the file, or why not). */
function registerInclude(inc: IncludeDef, h: HostRun, value: Vars): void {
  if (inc.register) h.hostFacts[inc.register] = value;
}

function reportInclude(inc: IncludeDef, h: HostRun, run: PlayRun, scope: Scope, status: 'ok' | 'failed', msg: string): void {
  h.attempted = true;
  if (status === 'failed') registerInclude(inc, h, { changed: false, failed: true, msg });
  // As for a task: ignore_errors turns a file that cannot be included into an ignored failure.
  const ignored = status === 'failed' && includeIgnoresErrors(inc, h, run, scope);
  run.events.result({
    host: h.name,
    play: run.playName,
    task: inc.name ?? 'include_tasks',
    module: 'include_tasks',
    status,
    durationMs: 0,
    msg,
    location: inc.location,
    ...(ignored ? { ignored: true } : {}),
  });
  if (ignored) {
    h.counters.ignored++;
  } else if (status === 'failed') {
    h.counters.failed++;
    h.status = 'failed';
  }
}

// Task files included at run time, parsed once per run (a later run in the same process reads them again).
const INCLUDES: StateSlot<Map<string, TaskNode[]>> = { name: 'included task files', init: () => new Map() };

function loadIncluded(
  file: string,
  playbookDir: string,
  modules: ModuleRegistry,
  includeCache: Map<string, TaskNode[]>,
  rolePath?: string,
  moduleDefaults?: Array<Record<string, unknown>>,
): TaskNode[] {
  // The same file under other module_defaults parses to other arguments.
  const key = moduleDefaults ? `${file}\0${JSON.stringify(moduleDefaults)}` : file;
  const cached = includeCache.get(key);
  if (cached) return cached;
  const yaml = loadYamlFile(file, 'playbook');
  const problems = new Problems();
  // A task file of a role looks in the role's templates/ and files/ first.
  const tasks = parseTaskList(yaml, [], yaml.value, {
    problems,
    including: [file],
    playbookDir,
    modules,
    parseRoleTask,
    ...(rolePath ? { rolePath } : {}),
    ...(moduleDefaults ? { moduleDefaults } : {}),
  });
  problems.throwIfAny();
  includeCache.set(key, tasks);
  return tasks;
}

/** Runs notified handlers in definition order, once per host, then clears the notifications. */
export async function flushHandlers(run: PlayRun, scope: Scope): Promise<void> {
  // force_handlers: a failed host runs what it was notified of, and stays failed (unreachable ones do not).
  const forced = run.forceHandlers ? run.hosts.filter((h) => h.status === 'failed') : [];
  for (const h of forced) h.status = 'active';
  try {
    await flushNotified(run, scope);
  } finally {
    for (const h of forced) if (h.status === 'active') h.status = 'failed';
  }
}

async function flushNotified(run: PlayRun, scope: Scope): Promise<void> {
  // A topic several handlers listen to is cleared only after the last of them ran (each one runs, as in Ansible).
  const lastWith = new Map<string, number>();
  run.play.handlers.forEach((h, i) => {
    for (const n of [handlerName(h, run) ?? '', ...(h.listen ?? [])]) lastWith.set(n, i);
  });
  const byName = nameWinners(run.play.handlers, (h) => handlerName(h, run));
  for (const [index, handler] of run.play.handlers.entries()) {
    // Notified by its name only if it is the handler that name picks; by a listen topic, always.
    const name = handlerName(handler, run);
    const names = [...(name && byName.get(name) === index ? [name] : []), ...(handler.listen ?? [])];
    const clears = [name ?? '', ...(handler.listen ?? [])];
    const module = handler.kind === 'task' ? handler.module : handler.role ? 'include_role' : 'include_tasks';
    // Check mode: a handler notified only by tasks with unknown outcomes may or may not run.
    const maybe = run.hosts.filter(
      (x) => x.status === 'active' && names.some((n) => x.maybeNotified.has(n)) && !names.some((n) => x.notified.has(n)),
    );
    const hosts = run.hosts.filter((h) => h.status === 'active' && names.some((n) => h.notified.has(n)));
    if (hosts.length === 0 && maybe.length === 0) continue;
    for (const h of [...hosts, ...maybe])
      for (const n of clears) if (lastWith.get(n) === index) [h.notified.delete(n), h.maybeNotified.delete(n)];
    if (hosts.length > 0) await runHandler(handler, hosts, scope, run);
    else run.events.taskStart({ title: handler.name ?? module, location: handler.location, handler: true });
    for (const h of maybe) {
      h.counters.unknown++;
      const msg = 'may run: notified by a task whose outcome check mode could not predict';
      run.events.result({
        host: h.name,
        play: run.playName,
        task: handler.name ?? module,
        module,
        status: 'unknown',
        durationMs: 0,
        msg,
        location: handler.location,
        handler: true,
      });
    }
  }
}

/**
 * For each handler name, the one handler a notification by that name runs (Ansible's search_handlers_by_notification):
 * handlers come in blocks (a role's, the play's own, an included role's, in the order they were added); a later
 * block's wins, and the first of one block.
 */
export function nameWinners(handlers: HandlerDef[], nameOf: (h: HandlerDef) => string | undefined = (h) => h.name): Map<string, number> {
  const winners = new Map<string, number>();
  // A block's rank: the index of its last handler (a run of handlers of one role, or of the play's own).
  const rank = (i: number): number => {
    let end = i;
    while (end + 1 < handlers.length && handlers[end + 1]!.rolePath === handlers[i]!.rolePath) end++;
    return end;
  };
  handlers.forEach((h, i) => {
    const name = nameOf(h);
    if (!name) return;
    const best = winners.get(name);
    if (best === undefined || rank(i) > rank(best)) winners.set(name, i);
  });
  return winners;
}

/** Runs one notified handler: a task, or an include_tasks / include_role handler's file or role. */
async function runHandler(handler: HandlerDef, hosts: HostRun[], scope: Scope, run: PlayRun): Promise<void> {
  if (handler.kind === 'task') await runTask(handler, hosts, scope, run, true);
  else if (handler.role) await runIncludeRole(handler, handler.role, hosts, scope, run, runNodes, true);
  else await runInclude(handler, hosts, scope, run, true);
}
