// Runs one task on one host (with its loop), reports each item, and updates the host's state.
import { renderString, renderValue } from '../template/render.ts';
import { markRaw } from '../template/scope.ts';
import { NOT_RUN_IN_CHECK, type LoopSpec, type TaskDef, type TaskNode, type TaskResult, type TaskStatus, type Vars } from '../types.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import { upcomingReads } from './lookahead.ts';
import type { PlayRun, Scope } from './playRun.ts';
import { conditionsHold, runItem, type ItemOutcome, type TaskSettings } from './runTask.ts';
import { settingsFor, unknownDependency } from './taskSettings.ts';
import { storeReturnedFacts } from './facts.ts';
import type { EvalContext } from '../expr/index.ts';
import type { SourceLocation } from '../types.ts';
import { lookupContext } from '../lookups/index.ts';
import { expandLoop, loopItemVars, loopResultVars, loopVarName, pauseSeconds, renderLoopValue } from '../lookups/loop.ts';
import { delegateOf } from './delegate.ts';
import { storeIncludedVars } from './includedVars.ts';
import { resultData, VERBOSE } from './verbose.ts';
import { renderedNotify } from './notify.ts';

const HIDDEN = 'the output has been hidden due to no_log: true';

/** Runs `task` on `host` and reports it. */
export async function runTaskOnHost(
  task: TaskDef,
  host: HostRun,
  scope: Scope,
  run: PlayRun,
  handler: boolean,
  following?: TaskNode[],
): Promise<void> {
  host.attempted = true;
  // Handlers and run_once tasks read alone; a task in a list may bring the next tasks' reads along.
  host.readAhead.taskStarts(
    // -vvv shows each task's own commands: no reads brought along from the next tasks (a no_log one's among them).
    following && !handler && !task.runOnce && (run.verbosity ?? 0) < VERBOSE.commands
      ? (limit) => upcomingReads([task, ...following], host, scope, run, limit)
      : undefined,
  );
  const scopeVars = [...scope.vars, scope.perHost?.get(host.name) ?? {}, task.vars];
  run.secrets.scanAll(scopeVars);
  let vars = taskVars(host, run.vars, scopeVars, task.location);
  let settings = settingsFor(task, host, scope, run, vars, scopeVars);
  // A delegated task sees ansible_delegated_vars: the delegate's variables under its name, as in Ansible.
  const delegate = task.delegateTo !== undefined || scope.delegate ? delegateOf(settings, vars) : undefined;
  if (delegate && delegate !== host) {
    const own = { ...delegate.inventoryVars, inventory_hostname: delegate.name };
    vars = taskVars(host, run.vars, scopeVars, task.location, { ansible_delegated_vars: { [delegate.name]: own } });
    settings = settingsFor(task, host, scope, run, vars, scopeVars);
  }
  rememberSecretArgs(task, run, vars);
  const title = taskTitle(task, vars);
  const report = (o: ItemOutcome): void => run.events.result(toResult(o, task, host, run, title, settings, handler));
  let status: TaskStatus;
  let registered: Vars;
  const dependency = settings.check ? unknownDependency(task, scope, host) : undefined;
  if (settings.keywordError && keywordsMatter(task, settings, vars)) {
    const msg = settings.keywordError;
    const o: ItemOutcome = { status: 'failed', msg, registered: { failed: true, msg }, durationMs: 0 };
    report(o);
    ({ status, registered } = o);
  } else if (dependency) {
    const o: ItemOutcome = { status: 'unknown', msg: dependency, registered: { msg: dependency }, durationMs: 0 };
    report(o);
    ({ status, registered } = o);
  } else if (!task.loop) {
    const o = await runWithRetries(task, settings, () => runItem(task, host, vars, settings, { has: false }));
    report(o);
    ({ status, registered } = o);
  } else {
    ({ status, registered } = await runLoop(task, host, run, scopeVars, settings, vars, report));
  }
  // ignore_unreachable: reported, counted as skipped (as Ansible's strategy does), and the host carries on.
  const unreachableIgnored = status === 'unreachable' && settings.ignoreUnreachable === true;
  if (unreachableIgnored) registered = { ...registered, skip_reason: `Host ${host.name} is unreachable` };
  // A block's notify reaches its tasks that have none of their own (Ansible's inherited keyword).
  const notify = renderedNotify(task.notify.length > 0 || handler ? task.notify : (scope.notify ?? []), vars, task.location);
  // What a task registers or sets stays secret where it came from a secret (no_log, a secret name).
  if (settings.noLog) run.secrets.add(loggedValues(registered));
  run.secrets.scan(registered);
  if (task.register) host.hostFacts[task.register] = markRaw(registered);
  // delegate_facts: what the task returns as facts belongs to the delegate.
  const delegateFacts = task.delegateTo !== undefined ? task.delegateFacts : (task.delegateFacts ?? scope.delegate?.facts);
  const factsHost = delegateFacts ? (delegateOf(settings, vars) ?? host) : host;
  if (status === 'ok' || status === 'changed') storeReturnedFacts(task.module, registered, factsHost.facts, factsHost.hostFacts);
  if (status === 'ok' && task.module === 'include_vars') storeIncludedVars(registered, host);
  if (status === 'changed' && notify.length > 0) {
    for (const n of notify) host.notified.add(n);
    run.events.notified?.({ host: host.name, handlers: notify });
  }
  trackUnknown(task, host, run, status, registered, notify);
  if (settings.check && !settings.checkAlone && opaqueEffects(task, status, registered))
    (delegateOf(settings, vars) ?? host).predicted.markOpaque(title);
  if (unreachableIgnored) host.counters.skipped++;
  else count(host, status, settings.ignoreErrors);
  if (status === 'failed' && !settings.ignoreErrors && (task.anyErrorsFatal ?? run.play.anyErrorsFatal) && !scope.caught)
    run.state.fatal = true;
  if (status === 'failed' && !settings.ignoreErrors) {
    host.hostFacts.ansible_failed_result = registered;
    host.hostFacts.ansible_failed_task = failedTask(task);
  }
}

// The task's conditions without the loop item: false skips; one that cannot be evaluated (it reads `item`) does not.
function whenFalseWithoutItem(when: TaskSettings['when'], vars: Vars, lookups: ReturnType<typeof lookupContext>): boolean {
  try {
    return !conditionsHold(when, vars, lookups);
  } catch {
    return false;
  }
}

/** `ansible_failed_task` for a rescue: the task as Ansible serializes it (its name, action as written, args). */
function failedTask(task: TaskDef): Vars {
  return { name: task.name ?? '', action: task.moduleKey, args: task.args, tags: task.tags, when: task.when.map((c) => c.expr) };
}

async function runLoop(
  task: TaskDef,
  host: HostRun,
  run: PlayRun,
  scopeVars: Vars[],
  settings: TaskSettings,
  vars: Vars,
  report: (o: ItemOutcome) => void,
): Promise<{ status: TaskStatus; registered: Vars }> {
  const loop = task.loop!;
  const at = task.locate([loop.keyword ?? (loop.withItems ? 'with_items' : 'loop')]);
  let items: unknown;
  let pause = 0;
  try {
    const lookups = lookupContext(task, settings, vars);
    if (!conditionsHold(settings.when.slice(0, settings.when.length - task.when.length), vars, lookups)) {
      const o: ItemOutcome = { status: 'skipped', msg: 'condition false', registered: { changed: false, skipped: true }, durationMs: 0 };
      report(o);
      return o;
    }
    const rendered = renderLoopValue(loop, (value) => renderValue(value, vars, at, lookups));
    items = loopItems(loop, rendered, lookups, at);
    loopVarName(loop, { vars, where: at }); // a templated loop_var that renders to no name fails the task here
    if (loop.pause !== undefined) pause = pauseSeconds(renderValue(loop.pause, vars, task.locate(['loop_control', 'pause']), lookups));
  } catch (err) {
    // As Ansible's TaskExecutor: an undefined variable in the loop waits for the task's `when`, which skips it when false.
    if (/' is undefined/.test((err as Error).message) && whenFalseWithoutItem(settings.when, vars, lookupContext(task, settings, vars))) {
      const o: ItemOutcome = {
        status: 'skipped',
        msg: 'condition false',
        registered: { changed: false, skipped: true, skip_reason: 'Conditional result was False' },
        durationMs: 0,
      };
      report(o);
      return o;
    }
    const o: ItemOutcome = {
      status: 'failed',
      msg: (err as Error).message,
      registered: { failed: true, msg: (err as Error).message },
      durationMs: 0,
    };
    report(o);
    return o;
  }
  if (!Array.isArray(items)) {
    const msg = `loop needs a list, got ${items === null ? 'null' : typeof items} (${at.file}:${at.line}:${at.column})`;
    report({ status: 'failed', msg, registered: { failed: true, msg }, durationMs: 0 });
    return { status: 'failed', registered: { failed: true, msg } };
  }
  const outcomes: ItemOutcome[] = [];
  for (let i = 0; i < items.length; i++) {
    // loop_control.pause: seconds between items, as Ansible (not before the first).
    if (i > 0 && pause > 0) await new Promise((r) => setTimeout(r, pause * 1000));
    const extra: Vars = loopItemVars(loop, items, i, { vars, where: at });
    const itemVars = taskVars(host, run.vars, scopeVars, task.location, extra);
    const itemSettings = {
      ...settings,
      varsWith: (more: Vars) => taskVars(host, run.vars, scopeVars, task.location, { ...extra, ...more }),
    };
    run.secrets.scan(items[i]);
    const o = await runWithRetries(task, itemSettings, () => runItem(task, host, itemVars, itemSettings, { has: true, value: items[i] }));
    if (loop.label !== undefined) o.label = itemLabel(loop.label, itemVars, task);
    outcomes.push(o);
    report(o);
    if (o.status === 'unreachable') break;
    // The next item sees the facts this one set, as in Ansible (`x: "{{ x + [item] }}"` accumulates).
    if (task.module === 'set_fact' && (o.status === 'ok' || o.status === 'changed'))
      storeReturnedFacts(task.module, { ...o.registered }, host.facts, host.hostFacts);
  }
  const has = (s: TaskStatus) => outcomes.some((o) => o.status === s);
  const status: TaskStatus = has('unreachable')
    ? 'unreachable'
    : has('failed')
      ? 'failed'
      : has('unknown')
        ? 'unknown'
        : has('changed')
          ? 'changed'
          : outcomes.length > 0 && outcomes.every((o) => o.status === 'skipped')
            ? 'skipped'
            : 'ok';
  if (outcomes.length === 0) report({ status: 'skipped', msg: 'no items in loop', registered: {}, durationMs: 0 });
  const registered: Vars = {
    results: outcomes.map((o, i) => ({ ...o.registered, item: o.item, ...loopResultVars(loop, o.item, i, { vars, where: at }) })),
    changed: status === 'changed',
    failed: status === 'failed',
    ...(outcomes.length === 0 || status === 'skipped' ? { skipped: true } : {}),
    msg: status === 'failed' ? 'One or more items failed' : 'All items completed',
  };
  return { status: outcomes.length === 0 ? 'skipped' : status, registered };
}

/**
 * The items of a rendered loop value: `with_items` flattens one level and takes a scalar as one item;
 * `with_<lookup>` runs the lookup on the terms with `context` (engine/lookups/loop.ts); errors name `where`.
 */
export function loopItems(loop: LoopSpec, rendered: unknown, context?: EvalContext, where?: SourceLocation): unknown {
  return expandLoop(loop, rendered, context, where);
}

/** loop_control.label rendered for one item; a label that cannot be rendered says so instead. */
function itemLabel(label: string, vars: Vars, task: TaskDef): string {
  try {
    return String(renderString(label, vars, task.locate(['loop_control', 'label'])));
  } catch (err) {
    return `(label: ${(err as Error).message.split('\n')[0]})`;
  }
}

/**
 * retries/until: runs the item again (after `delay` seconds) until the `until` condition holds on its
 * registered result, at most `retries` more times (default 3). Check mode evaluates it once.
 */
async function runWithRetries(task: TaskDef, settings: TaskSettings, attempt: () => Promise<ItemOutcome>): Promise<ItemOutcome> {
  if (!task.until) return attempt();
  const retries = task.retries ?? 3;
  let o = await attempt();
  for (let n = 1; ; n++) {
    if (o.status === 'unreachable' || o.status === 'skipped' || o.status === 'unknown') return o;
    let holds: boolean;
    try {
      const scope = settings.varsWith({ [task.register ?? 'result']: o.registered });
      holds = conditionsHold(task.until, scope, lookupContext(task, settings, scope));
    } catch (err) {
      return { ...o, status: 'failed', msg: (err as Error).message };
    }
    if (holds) return { ...o, registered: { ...o.registered, attempts: n } };
    if (settings.check || n > retries) {
      const msg = settings.check ? o.msg : `until condition still false after ${n} attempt${n === 1 ? '' : 's'}: ${o.msg}`;
      return {
        ...o,
        status: settings.check ? o.status : 'failed',
        msg,
        registered: { ...o.registered, attempts: n, failed: !settings.check },
      };
    }
    await new Promise((r) => setTimeout(r, (task.delay ?? 5) * 1000));
    o = await attempt();
  }
}

/**
 * Check mode: whether the task may change the host in ways check mode does not know: an unknown
 * outcome, a command it did not run, or a guarded command it predicts would run (only its `creates`
 * or `removes` path is known). Later predictions that rest on "nothing else changes" then hedge.
 */
function opaqueEffects(task: TaskDef, status: TaskStatus, registered: Vars): boolean {
  if (status === 'unknown' || typeof registered[NOT_RUN_IN_CHECK] === 'string') return true;
  return (task.module === 'command' || task.module === 'shell') && status === 'changed';
}

/** Check mode: remembers which variables and handlers an unknown outcome makes unknown. */
function trackUnknown(task: TaskDef, host: HostRun, run: PlayRun, status: TaskStatus, registered: Vars, notify: string[]): void {
  const sets = run.modules.find(task.moduleKey)?.setsVariables?.(task.args) ?? [];
  const names = [...(task.register ? [task.register] : []), ...sets.filter((n) => !n.includes('{{'))];
  if (status === 'unknown') {
    for (const n of names) host.unknownVars.set(n, `${task.name ?? task.module}: ${String(registered.msg ?? 'unknown')}`);
    for (const n of notify) host.maybeNotified.add(n);
  } else if (typeof registered[NOT_RUN_IN_CHECK] === 'string') {
    // The status was settled, but the output a real run would register is not known.
    for (const n of names) host.unknownVars.set(n, `${task.name ?? task.module}: ${registered[NOT_RUN_IN_CHECK]}`);
  } else {
    for (const n of names) host.unknownVars.delete(n);
  }
}

/** A module's secret arguments (user's password), as written and as rendered, are masked wherever they would show. */
function rememberSecretArgs(task: TaskDef, run: PlayRun, vars: Vars): void {
  for (const key of run.modules.find(task.moduleKey)?.secretArgs ?? []) {
    const raw = task.args[key];
    if (raw === undefined) continue;
    run.secrets.add(raw);
    try {
      run.secrets.add(renderValue(raw, vars, task.location));
    } catch {
      // It does not render here (a loop item); the task will fail or render it, and loop items are scanned.
    }
  }
}

/** The task's display name: its `name` (templated when possible) or the module name. */
function taskTitle(task: TaskDef, vars: Vars): string {
  if (!task.name) return task.module;
  try {
    return renderString(task.name, vars, task.location);
  } catch {
    return task.name;
  }
}

/** What a no_log task's result may hold that it hid: its output and the facts it set (not its status fields). */
function loggedValues(registered: Vars): unknown[] {
  const output = ['stdout', 'stderr', 'stdout_lines', 'stderr_lines', 'content', 'ansible_facts'];
  const out: unknown[] = output.map((k) => registered[k]);
  if (Array.isArray(registered.results))
    for (const r of registered.results) if (r && typeof r === 'object') out.push(...loggedValues(r as Vars));
  return out;
}

function toResult(
  o: ItemOutcome,
  task: TaskDef,
  host: HostRun,
  run: PlayRun,
  title: string,
  settings: TaskSettings,
  handler: boolean,
): TaskResult {
  const redact = (s: string): string => run.secrets.redact(s);
  const result: TaskResult = {
    host: host.name,
    play: run.playName,
    task: redact(title),
    module: task.module,
    status: o.status,
    durationMs: o.durationMs,
    msg: settings.noLog ? HIDDEN : redact(o.msg),
    location: task.location,
    startedAt: new Date(Date.now() - o.durationMs).toISOString(),
    ...(run.batch ? { batch: run.batch } : {}),
  };
  if ('item' in o) result.item = settings.noLog ? '(hidden)' : run.secrets.redactDeep(o.label ?? o.item);
  if (o.diff && !settings.noLog) result.diff = o.diff.map((d) => ({ header: d.header, before: redact(d.before), after: redact(d.after) }));
  if (o.summary)
    result.summary = settings.noLog
      ? o.summary.map((x) => (x.named ? { ...x, object: HIDDEN } : x))
      : o.summary.map((x) => (x.named ? { ...x, object: redact(x.object) } : x));
  if ((o.status === 'failed' && settings.ignoreErrors) || (o.status === 'unreachable' && settings.ignoreUnreachable)) result.ignored = true;
  if (handler) result.handler = true;
  if (o.delegatedTo !== undefined) result.delegatedTo = o.delegatedTo;
  if (o.commands !== undefined) result.commands = o.commands;
  const warnings = o.registered?.warnings;
  if (Array.isArray(warnings) && warnings.length && !settings.noLog)
    result.warnings = warnings.filter((w): w is string => typeof w === 'string').map(redact);
  if ((run.verbosity ?? 0) >= VERBOSE.data && !settings.noLog) {
    const data = resultData(o.registered, run.secrets);
    if (data) result.data = data;
  }
  return result;
}

/** Updates recap counters and host status; like Ansible, `ok` also counts changed tasks. */
/** Whether a keyword that failed to render matters: not when the task's `when` is false (Ansible renders keywords after it). */
function keywordsMatter(task: TaskDef, settings: TaskSettings, vars: Vars): boolean {
  if (task.loop) return true;
  try {
    return conditionsHold(settings.when, vars, lookupContext(task, settings, vars));
  } catch {
    return true;
  }
}

function count(host: HostRun, status: TaskStatus, ignoreErrors: boolean): void {
  const c = host.counters;
  switch (status) {
    case 'ok':
      c.ok++;
      break;
    case 'changed':
      c.ok++;
      c.changed++;
      break;
    case 'skipped':
      c.skipped++;
      break;
    case 'unknown':
      c.unknown++;
      break;
    case 'failed':
      if (ignoreErrors) c.ignored++;
      else {
        c.failed++;
        host.status = 'failed';
      }
      break;
    case 'unreachable':
      c.unreachable++;
      host.status = 'unreachable';
      break;
  }
}
