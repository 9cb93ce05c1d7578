// Runs one task on one host: when, loop, argument rendering, the module's plan and apply, and
// changed_when / failed_when / register / notify.
import { removeOmit } from './omit.ts';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { FleetError, UnreachableError } from '../errors.ts';
import { evaluateCondition } from '../expr/index.ts';
import { HostKeyError } from '../connection/ssh.ts';
import { coerceArgTypes } from '../playbook/argTypes.ts';
import { checkSchema } from '../playbook/schemaCheck.ts';
import { localCandidates } from '../playbook/localFiles.ts';
import { renderKeys, renderTemplateFile, renderValue } from '../template/render.ts';
import { renderJinja } from '../jinja/index.ts';
import type { EvalContext } from '../expr/index.ts';
import { lookupContext, withLookups } from '../lookups/index.ts';
import {
  NOT_RUN_IN_CHECK,
  type Condition,
  type DiffEntry,
  type EnvironmentSpec,
  type ExecOptions,
  type ModuleContext,
  type ApplyOutcome,
  type ModuleDefinition,
  type ModuleRegistry,
  type Plan,
  type ResultData,
  type SourceLocation,
  type TaskDef,
  type TaskStatus,
  type Vars,
} from '../types.ts';
import type { ChangeSummary } from '../module.ts';
import type { HostRun } from './hostRun.ts';
import { planModule } from './moduleDriver.ts';
import { createPredictedState } from './predicted.ts';
import { delegatedRun, type Delegation } from './delegate.ts';
import { renderEnvironment, withEnvironment } from './environment.ts';
import { refuseBecomeMethod } from './becomeMethod.ts';
import type { SlotStore } from '../stateSlots.ts';

/** The effective settings of a task on a host (inherited from play, blocks and the task). */
export interface TaskSettings {
  check: boolean;
  /**
   * check_mode on a task of a run that is not --check: the host, unchanged by the task, is what the next
   * task sees, so the task reads and records no predictions (a fresh predicted state), as in Ansible.
   */
  checkAlone?: boolean;
  noLog: boolean;
  ignoreErrors: boolean;
  /** An unreachable host is reported and carries on (ignore_unreachable). */
  ignoreUnreachable?: boolean;
  /** A templated keyword (ignore_errors: "{{ … }}") that could not be rendered: the task fails with it. */
  keywordError?: string;
  /** `environment` levels, outer first (engine/executor/environment.ts). */
  environment?: EnvironmentSpec[];
  become?: { enabled: boolean; user: string; password?: string };
  /** The user to log in as (remote_user, ansible_user; executor/remoteUser.ts). */
  remoteUser?: string;
  when: Condition[];
  playbookDir: string;
  /** The modules of the run (the task's own is found here). */
  modules: ModuleRegistry;
  /** State the run's modules share between hosts. */
  runState: SlotStore;
  /** The task's variables plus extra ones on top (the registered result, for changed_when/failed_when). */
  varsWith(extra: Vars): Vars;
  /** Where the task's commands go with these variables when not to its host (executor/delegate.ts). */
  delegation?(vars: Vars): Delegation | undefined;
}

/** The result of one task (or one loop item) on one host, before it is reported. */
export interface ItemOutcome {
  status: TaskStatus;
  msg: string;
  diff?: DiffEntry[];
  /** What `register` stores for this item. */
  registered: Vars;
  item?: unknown;
  /** How the item is shown (loop_control.label, rendered); the item itself when absent. */
  label?: string;
  durationMs: number;
  /** Remote commands this item ran (round trips). */
  commands?: number;
  /** What the change does, for the plan summary (a module's change that happened or would). */
  summary?: ChangeSummary[];
  /** The delegate the item ran on (delegate_to, local_action). */
  delegatedTo?: string;
}

/** Evaluates a list of conditions (all must hold); errors name the condition's location. `context`: the task's lookups. */
export function conditionsHold(conds: Condition[], vars: Vars, context?: EvalContext): boolean {
  for (const c of conds) {
    try {
      if (!withLookups(context, () => evaluateCondition(c.expr as string | boolean | number, vars, context))) return false;
    } catch (err) {
      throw new FleetError('expression', `${(err as Error).message} (in condition: ${String(c.expr)})`, { location: c.location });
    }
  }
  return true;
}

/** Runs the task body once (one item) and turns every failure into data. */
export async function runItem(
  task: TaskDef,
  host: HostRun,
  vars: Vars,
  settings: TaskSettings,
  item: { value?: unknown; has: boolean },
): Promise<ItemOutcome> {
  const started = Date.now();
  const counter = { commands: 0, timedOut: false };
  let delegatedTo: string | undefined;
  const done = (o: Omit<ItemOutcome, 'durationMs'>): ItemOutcome => ({
    ...o,
    ...(item.has ? { item: item.value } : {}),
    ...(delegatedTo !== undefined ? { delegatedTo } : {}),
    durationMs: Date.now() - started,
    commands: counter.commands,
  });
  try {
    const lookups = lookupContext(task, settings, vars);
    if (!conditionsHold(settings.when, vars, lookups)) {
      // Say so when the condition reads ansible_check_mode: such a task is meant to differ between
      // --check and the real run, and check-vs-real comparisons need to tell it apart.
      const byMode = settings.when.some((c) => typeof c.expr === 'string' && c.expr.includes('ansible_check_mode'));
      const msg = byMode ? 'condition false (it depends on ansible_check_mode)' : 'condition false';
      return done({ status: 'skipped', msg, registered: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } });
    }
    // A bad argument of a task written to fail: the task fails with it now (engine/playbook/tasks.ts).
    if (task.argumentProblem) {
      const p = task.argumentProblem;
      const msg = `${p.message} (${p.location.file}:${p.location.line}:${p.location.column})`;
      // What the task registers is Ansible's message where it is known: such tasks assert on it.
      return done({ status: 'failed', msg, registered: { failed: true, msg: p.ansible ?? msg } });
    }
    const mod = settings.modules.find(task.moduleKey) as ModuleDefinition;
    const rendered = renderValue(task.args, vars, task.location, lookups) as Vars;
    // Rendered values take the declared type too (Ansible converts after templating: owner: "{{ uid }}" is text).
    const args = coerceArgTypes(mod.schema, removeOmit(mod.templatedKeys ? renderKeys(rendered, vars, task.location, lookups) : rendered));
    const issues = checkSchema(mod.schema, args, `module '${mod.name}'`);
    const own = issues[0] && issues.every((i) => i.path.length === 0) ? mod.argumentsProblem?.(args) : undefined;
    if (own) throw new FleetError('arguments', own, { location: task.locate([task.moduleKey]) });
    if (issues[0])
      throw new FleetError('arguments', `${issues[0].message} (after templating)`, {
        location: task.locate([task.moduleKey, ...issues[0].path]),
      });
    const delegation = settings.delegation?.(vars);
    delegatedTo = delegation?.name;
    const ctx = delegation
      ? moduleContext(task, host, vars, delegatedSettings(settings, delegation), counter, delegation.target)
      : moduleContext(task, host, vars, settings, counter);
    const plan = await planModule(mod, args, ctx);
    const outcome = await settle(task, plan, settings, vars);
    if (counter.timedOut && outcome.status !== 'unreachable') {
      const msg = `timed out: a command ran longer than the task's timeout of ${task.timeout}s`;
      return done({ ...outcome, status: 'failed', msg, registered: { ...outcome.registered, failed: true, msg } });
    }
    return done(outcome);
  } catch (err) {
    if (counter.timedOut && !(err instanceof UnreachableError)) {
      const msg = `timed out: a command ran longer than the task's timeout of ${task.timeout}s`;
      return done({ status: 'failed', msg, registered: { failed: true, msg } });
    }
    return done(errorOutcome(err, host));
  }
}

/** Ansible's action plugins add `stdout_lines`/`stderr_lines` (splitlines) to any result with `stdout`/`stderr`. */
function withLines(data: ResultData): ResultData {
  const out: ResultData = { ...data };
  for (const k of ['stdout', 'stderr'] as const) {
    const text = out[k];
    if (text === undefined || `${k}_lines` in out) continue;
    out[`${k}_lines`] =
      typeof text === 'string' && text !== '' ? text.split(/\r\n|\r|\n/).filter((l, i, a) => l !== '' || i < a.length - 1) : [];
  }
  return out;
}

/** A delegated task's settings: the delegate's become and login user instead of the host's. */
function delegatedSettings(settings: TaskSettings, delegation: Delegation): TaskSettings {
  const { become: _become, remoteUser: _user, ...rest } = settings;
  return { ...rest, ...delegation.settings };
}

async function settle(task: TaskDef, plan: Plan, settings: TaskSettings, vars: Vars): Promise<Omit<ItemOutcome, 'durationMs'>> {
  let status: TaskStatus;
  let msg = plan.msg;
  let data: ResultData = plan.data ?? {};
  let diff = plan.kind === 'change' ? plan.diff : undefined;
  switch (plan.kind) {
    case 'ok':
      status = 'ok';
      break;
    case 'failed':
      status = 'failed';
      break;
    case 'unknown':
      status = 'unknown';
      break;
    case 'change': {
      if (settings.check) {
        status = 'changed';
        break;
      }
      const outcome = await applyAsModule(plan);
      status = outcome.kind;
      msg = outcome.msg;
      data = { ...data, ...(outcome.data ?? {}) };
      if (outcome.kind === 'changed' && outcome.diff) diff = outcome.diff;
      break;
    }
  }
  let registered: Vars = { ...withLines(data), changed: status === 'changed', failed: status === 'failed', msg };
  const notRun = status === 'unknown' ? settleNotRun(task, data, vars, settings) : undefined;
  if (notRun) return notRun;
  if (status !== 'unknown' && (task.changedWhen || task.failedWhen)) {
    const scope = task.register ? settings.varsWith({ [task.register]: registered }) : vars;
    const lookups = lookupContext(task, settings, scope);
    const failed = task.failedWhen ? conditionsHold(task.failedWhen, scope, lookups) : status === 'failed';
    // A module that ran (or would run) counts as changed unless changed_when says otherwise.
    const changed = task.changedWhen
      ? conditionsHold(task.changedWhen, scope, lookups)
      : status === 'changed' || (status === 'failed' && plan.kind === 'change');
    // A failure that failed_when alone decided says so, with the output it judged.
    if (failed && status !== 'failed' && task.failedWhen) msg = failedWhenMessage(task.failedWhen, data);
    status = failed ? 'failed' : changed ? 'changed' : 'ok';
    if (status !== 'changed') diff = undefined;
    registered = { ...registered, changed, failed, msg };
  }
  // Diff mode (--diff, or the task's diff keyword): the registered result has Ansible's diff list too,
  // unless the module returned its own (file's is a dict, as Ansible's file module returns).
  if (diff?.length && registered.diff === undefined && (task.diff ?? vars.ansible_diff_mode === true))
    registered = {
      ...registered,
      diff: diff.map((d) => ({ before: d.before, after: d.after, before_header: d.header, after_header: d.header })),
    };
  const summary = status === 'changed' && plan.kind === 'change' ? plan.summary : undefined;
  return { status, msg, ...(diff?.length ? { diff } : {}), ...(summary ? { summary } : {}), registered };
}

/**
 * Check mode, a command that is not run: its changed_when decides its status when it does not read
 * the task's own result (`changed_when: false` marks a read-only check). A failed_when that reads the
 * result can only be judged by the real run; one that does not is evaluated. The registered output
 * stays unknown to later tasks. Undefined when the outcome stays unknown.
 */
function settleNotRun(task: TaskDef, data: ResultData, vars: Vars, settings: TaskSettings): Omit<ItemOutcome, 'durationMs'> | undefined {
  const why = data[NOT_RUN_IN_CHECK];
  if (typeof why !== 'string' || !task.changedWhen) return undefined;
  const readsResult = (conds: Condition[] | undefined): boolean =>
    !!task.register &&
    conds !== undefined &&
    mentions(
      conds.map((c) => c.expr),
      task.register,
    );
  if (readsResult(task.changedWhen)) return undefined;
  const lookups = lookupContext(task, settings, vars);
  const changed = conditionsHold(task.changedWhen, vars, lookups);
  const judged = task.failedWhen !== undefined && !readsResult(task.failedWhen);
  const failed = judged ? conditionsHold(task.failedWhen!, vars, lookups) : false;
  const later = task.failedWhen && !judged ? '; its failed_when is judged by the real run' : '';
  const msg = `${why}; changed_when says it would ${changed ? '' : 'not '}change${later}`;
  const status: TaskStatus = failed ? 'failed' : changed ? 'changed' : 'ok';
  return { status, msg, registered: { changed, failed, msg, [NOT_RUN_IN_CHECK]: why } };
}

function failedWhenMessage(conds: Condition[], data: ResultData): string {
  // What the command said is what the operator needs next: its exit status, stderr and stdout (shortened).
  const brief = (v: unknown): string => {
    const text = typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '';
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  };
  const parts = [
    typeof data.rc === 'number' && data.rc !== 0 ? `rc: ${data.rc}` : '',
    brief(data.stderr) ? `stderr: ${brief(data.stderr)}` : '',
    brief(data.stdout) ? `stdout: ${brief(data.stdout)}` : '',
  ].filter(Boolean);
  return `failed_when is true: ${conds.map((c) => String(c.expr)).join(' and ')}${parts.length ? `; ${parts.join('; ')}` : ''}`;
}

/** True when a variable `name` is read anywhere in `value` (expressions, templates, arguments). */
export function mentions(value: unknown, name: string): boolean {
  const text = JSON.stringify(value);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.])${escaped}([^A-Za-z0-9_]|$)`).test(text);
}

/**
 * Runs a change. An error its apply step throws (the atomic writer's, a command's) is the module's own
 * failure, which failed_when and changed_when judge, as Ansible judges a module's `failed: true`; a lost
 * host or a host key stays what it is.
 */
async function applyAsModule(plan: Extract<Plan, { kind: 'change' }>): Promise<ApplyOutcome> {
  try {
    return await plan.apply();
  } catch (err) {
    if (err instanceof UnreachableError || err instanceof HostKeyError) throw err;
    return { kind: 'failed', msg: err instanceof Error ? err.message : String(err) };
  }
}

function errorOutcome(err: unknown, host: HostRun): Omit<ItemOutcome, 'durationMs' | 'item'> {
  if (err instanceof UnreachableError) {
    return { status: 'unreachable', msg: err.message, registered: { unreachable: true, failed: true, msg: err.message } };
  }
  if (err instanceof HostKeyError) {
    return { status: 'failed', msg: err.message, registered: { failed: true, msg: err.message } };
  }
  if (err instanceof FleetError) {
    const at = err.location ? ` (${err.location.file}:${err.location.line}:${err.location.column})` : '';
    const msg = `${err.message}${at}`;
    return { status: 'failed', msg, registered: { failed: true, msg } };
  }
  const msg = err instanceof Error ? err.message : String(err);
  void host;
  return { status: 'failed', msg, registered: { failed: true, msg } };
}

/** The options a module's command finally runs with: the task's timeout and become settings applied. */
export function finalExecOptions(task: TaskDef, settings: TaskSettings, options: ExecOptions): ExecOptions {
  const timeoutMs = options.timeoutMs ?? (task.timeout ? task.timeout * 1000 : undefined);
  return {
    ...options,
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(settings.become ? { become: settings.become } : {}),
    ...(settings.remoteUser !== undefined ? { remoteUser: settings.remoteUser } : {}),
  };
}

/** The context a module's plan runs in; its commands go through the host's read-ahead store. */
export function moduleContext(
  task: TaskDef,
  host: HostRun,
  vars: Vars,
  settings: TaskSettings,
  counter: { commands: number; timedOut: boolean },
  target?: HostRun,
): ModuleContext {
  const env = renderEnvironment(settings.environment ?? [], vars, lookupContext(task, settings, vars));
  refuseBecomeMethod(settings.become?.enabled === true, vars, task.location);
  return {
    host: host.name,
    check: settings.check,
    vars,
    run: async (command, options = {}) => {
      const final = finalExecOptions(task, settings, options);
      // A delegated task's commands go to the delegate (executor/delegate.ts).
      const { result, roundTrip } = target
        ? await delegatedRun(target, withEnvironment(command, env), final)
        : await host.readAhead.run(withEnvironment(command, env), final);
      if (roundTrip) counter.commands++;
      if (result.timedOut) counter.timedOut = true;
      return result;
    },
    // Ansible renders every template src as Jinja2; a .hbs file keeps Handlebars. Includes are looked up as the src is.
    renderFile: (text, file, destPath) =>
      path.extname(file) === '.hbs'
        ? renderTemplateFile(text, vars, { file, line: 1, column: 1 })
        : renderJinjaFile(text, file, task, vars, settings, destPath),
    resolveLocalPath: (relative, kind) =>
      resolveLocal(relative, kind, task.location, settings.playbookDir, task.rolePath ?? rolePathOf(vars)),
    // A delegated task reads and predicts the delegate's state.
    predicted: settings.checkAlone ? createPredictedState() : (target ?? host).predicted,
    runState: (key) => settings.runState.slot(key),
    lookups: lookupContext(task, settings, vars),
    // The host's own connection only: a delegated task's reboot or rsync would reach the wrong machine.
    ...(!target && host.conn?.reconnect ? { reconnect: (o) => host.conn.reconnect!(o) } : {}),
    ...(!target && host.conn?.stream
      ? { stream: (command) => host.conn.stream!(withEnvironment(command, env), finalExecOptions(task, settings, {})) }
      : {}),
  };
}

/** A template file rendered as Jinja2 with the task's lookups; includes are looked up as the src is. */
function renderJinjaFile(text: string, file: string, task: TaskDef, vars: Vars, settings: TaskSettings, destPath?: string): string {
  const context = lookupContext(task, settings, vars);
  const search = (name: string) => resolveLocal(name, 'templates', task.location, settings.playbookDir, task.rolePath ?? rolePathOf(vars));
  return withLookups(context, () => renderJinja(text, vars, file, { search, context, ...(destPath !== undefined ? { destPath } : {}) }));
}

/** Ansible's search order: the task's role (its files/ or templates/ first), the task file's dir (likewise), then the playbook dir. */
function resolveLocal(
  relative: string,
  kind: 'files' | 'templates' | 'vars',
  where: SourceLocation,
  playbookDir: string,
  rolePath?: string,
): string {
  const candidates = localCandidates(relative, kind, where.file, playbookDir, rolePath);
  // lstat, not exists: a symlink loop or a dangling link is found here, and the module names what it is.
  const found = candidates.find((c) => lstatSync(c, { throwIfNoEntry: false }) !== undefined);
  if (!found) throw new Error(`could not find '${relative}' (looked in ${[...new Set(candidates.map(path.dirname))].join(', ')})`);
  return found;
}

/** The role folder of a task included at run time from a role (its role_path variable). */
function rolePathOf(vars: Vars): string | undefined {
  return typeof vars.role_path === 'string' ? vars.role_path : undefined;
}
