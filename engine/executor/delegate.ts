// delegate_to, local_action and `connection: local`, as Ansible has them: the task keeps the original
// host's variables (inventory_hostname stays the host it runs for) and its results are that host's,
// but its commands go to the delegate, with the delegate's connection and become variables, and check
// mode reads and predicts the delegate's state. Reads sent to a delegate are never batched (the
// read-ahead store of a host holds that host's reads only); its writes empty the delegate's store.
import { LocalConnection } from '../connection/local.ts';
import { FleetError } from '../errors.ts';
import { renderString } from '../template/render.ts';
import { lookupContext } from '../lookups/index.ts';
import type { ExecOptions, TaskDef, Vars } from '../types.ts';
import { emptyCounters, type HostRun } from './hostRun.ts';
import type { PlayRun, Scope } from './playRun.ts';
import { createPredictedState } from './predicted.ts';
import { ReadAhead, type ReadOutcome } from './readAhead.ts';
import type { TaskSettings } from './runTask.ts';
import { becomeSettings } from './becomeSettings.ts';
import { remoteUserFor } from './remoteUser.ts';

/** Ansible's implicit localhost: these names need no inventory entry and run on the controller. */
export const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];

// Variables that belong to the connection: a delegated task takes them from the delegate, not its host.
const CONNECTION_VARS = [
  'ansible_host',
  'ansible_user',
  'ansible_ssh_user',
  'ansible_port',
  'ansible_connection',
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_become',
  'ansible_become_user',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
];

/** Where one task's commands go instead of its host. */
export interface Delegation {
  /** The delegate's state (connection, read-ahead store, predicted state, facts). */
  target: HostRun;
  /** The name shown in results (`host → name`); none for `connection: local` alone, as Ansible shows none. */
  name: string | undefined;
  /** The become settings and login user for the delegate's commands (its own variables, the task's keywords). */
  settings: Pick<TaskSettings, 'become' | 'remoteUser'>;
}

/** A host of the run that is no inventory host: the controller (implicit localhost). */
export function controllerHost(name: string): HostRun {
  const conn = new LocalConnection(name);
  return {
    name,
    inventoryVars: { ansible_connection: 'local' },
    groups: [],
    facts: {},
    hostFacts: {},
    conn,
    readAhead: new ReadAhead(conn),
    status: 'active',
    notified: new Set(),
    carried: new Set(),
    counters: emptyCounters(),
    attempted: false,
    predicted: createPredictedState(),
    unknownVars: new Map(),
    maybeNotified: new Set(),
  };
}

/**
 * The delegation of `task` on `host` with the task's variables, or undefined when it runs on the host
 * itself. delegate_to is rendered with the host's variables (so `{{ groups.db[0] }}` works).
 */
export function delegationFor(task: TaskDef, host: HostRun, scope: Scope, run: PlayRun, vars: Vars): Delegation | undefined {
  const local = (task.connection ?? run.play.connection) === 'local';
  let name: string | undefined;
  // The task's own delegate_to, else its block's or role entry's (Ansible's inherited keyword).
  const to = task.delegateTo ?? scope.delegate?.to;
  if (to !== undefined) {
    const at = task.delegateTo !== undefined ? task.locate(['delegate_to']) : scope.delegate!.location;
    const rendered = renderString(to, vars, at, lookupContext(task, { playbookDir: run.play.baseDir }, vars));
    name = String(rendered ?? '').trim();
    if (name === '') throw new FleetError('expression', 'delegate_to rendered to an empty host name', { location: at });
  }
  if (!local && (name === undefined || name === host.name)) return undefined;
  if (!run.delegate) throw new FleetError('playbook', 'delegation is not available in this run', { location: task.location });
  // connection: local runs on the controller whatever delegate_to says (as in Ansible); the name shown is the delegate's.
  const target = local ? run.delegate('localhost', true) : run.delegate(name!, false);
  const own: Vars = {};
  for (const k of CONNECTION_VARS) {
    const v = run.vars.extraVars[k] ?? target.inventoryVars[k];
    if (v !== undefined) own[k] = v;
  }
  const delegateVars = withConnectionVars(vars, own);
  const remoteUser = remoteUserFor(task.remoteUser ?? scope.remoteUser, delegateVars);
  const become = becomeSettings(task, scope, run, delegateVars);
  return { target, name, settings: { become, ...(remoteUser !== undefined ? { remoteUser } : {}) } };
}

/**
 * The task's variables with the delegate's connection variables in place of the host's. A view, not a copy:
 * copying would render every lazy variable (one that cannot render, a host's ansible_python_interpreter
 * template, would fail a task that never reads it).
 */
function withConnectionVars(vars: Vars, own: Vars): Vars {
  const swapped = (k: string | symbol): boolean => typeof k === 'string' && CONNECTION_VARS.includes(k);
  const keys = (): string[] => [...Object.keys(vars).filter((k) => !swapped(k)), ...Object.keys(own)];
  return new Proxy(Object.create(null) as Vars, {
    get: (_t, k) => (swapped(k) ? own[k as string] : (vars as Record<string | symbol, unknown>)[k]),
    has: (_t, k) => (swapped(k) ? Object.hasOwn(own, k as string) : k in vars),
    ownKeys: () => keys(),
    getOwnPropertyDescriptor: (_t, k) =>
      typeof k === 'string' && keys().includes(k)
        ? { value: swapped(k) ? own[k] : vars[k], writable: true, enumerable: true, configurable: true }
        : undefined,
  });
}

/** Runs one command on a delegate: writes through its store (which they empty), reads on their own. */
export async function delegatedRun(target: HostRun, command: string, options: ExecOptions): Promise<ReadOutcome> {
  if (!options.readOnly) return target.readAhead.run(command, options);
  return { result: await target.conn.exec(command, options), roundTrip: true };
}

/** The delegate a task's settings send it to with `vars`, or undefined (none, or it cannot be resolved). */
export function delegateOf(settings: TaskSettings, vars: Vars): HostRun | undefined {
  try {
    return settings.delegation?.(vars)?.target;
  } catch {
    // The task itself reported why delegate_to could not be resolved.
    return undefined;
  }
}
