// The run-wide context of one play, and the inherited scope passed from blocks to their tasks.
import type { LimitFunction } from 'p-limit';
import type {
  Condition,
  EnvironmentSpec,
  Flag,
  InheritedDelegate,
  KeywordText,
  ModuleRegistry,
  PlayDef,
  RunEvents,
  TaskScope,
  Vars,
} from '../types.ts';
import type { Secrets } from '../secrets.ts';
import type { SlotStore } from '../stateSlots.ts';
import type { HostRun, PlayVars } from './hostRun.ts';
import type { TagFilter } from './tags.ts';
import type { StartAt, StepPrompt } from './startAt.ts';

/** The command line's become defaults (-b, --become-user, --become-method). */
export interface BecomeDefaults {
  become?: boolean;
  user?: string;
  method?: 'sudo' | 'su';
}

/** Everything a play's tasks need that is not per host. */
export interface PlayRun {
  play: PlayDef;
  hosts: HostRun[];
  vars: PlayVars;
  check: boolean;
  diff: boolean;
  tags: TagFilter;
  limit: LimitFunction;
  events: RunEvents;
  /** True once an interrupt asked the run to stop starting new tasks. */
  stopping(): boolean;
  /** The run's secret values: never printed or reported. */
  secrets: Secrets;
  becomePassword?: string;
  /** -b, --become-user, --become-method: below every variable and keyword (executor/becomeSettings.ts). */
  becomeDefaults?: BecomeDefaults;
  /** --start-at-task: tasks before `task` are skipped, until it is reached (executor/startAt.ts). */
  startAt?: StartAt;
  /** --step: asked before each task; 'no' skips it, 'continue' stops asking. */
  step?: StepPrompt;
  /** -v count: 0 default; 1 result data, 2 origins, 3 commands, 4 connection details. */
  verbosity?: number;
  /** -vvv: no_log tasks in flight; while any is, the commands are not shown (executor/verbose.ts). */
  quietCommands?: { count: number };
  /** Title used in results for this play. */
  playName: string;
  /** force_handlers: hosts that failed run their notified handlers at each flush too. */
  forceHandlers?: boolean;
  /** The modules the playbook was validated against. */
  modules: ModuleRegistry;
  /** State the run's modules share between hosts (ModuleContext.runState); one store per run. */
  runState: SlotStore;
  /** The state of a delegate host (delegate_to, local_action, connection: local; executor/delegate.ts); `controller`: the implicit localhost. */
  delegate?(name: string, controller: boolean): HostRun;
  /** Rolling batch number (1-based) when the play has `serial`. */
  batch?: number;
  /** --resume: the batches of this play finished before the controller died (not run again). */
  resumeBatchesDone?: number;
  /** Shared across batches: set when any_errors_fatal tripped; hosts an interrupt cut short. */
  state: { fatal: boolean; incomplete: Set<string>; ended?: boolean };
}

/** Keywords inherited from enclosing blocks and includes. */
export interface Scope {
  vars: Vars[];
  when: Condition[];
  tags: string[];
  become?: Flag;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  checkMode?: Flag;
  noLog?: Flag;
  ignoreErrors?: Flag;
  /** `environment` of the play and enclosing blocks, outer first. */
  environment?: EnvironmentSpec[];
  ignoreUnreachable?: Flag;
  /** remote_user of the innermost block, role entry or play that has one. */
  remoteUser?: KeywordText;
  /** delegate_to of the innermost block or role entry that has one. */
  delegate?: InheritedDelegate;
  /** A block's notify, for its tasks without their own. */
  notify?: string[];
  /** Variables that differ per host (an include's loop item). */
  perHost?: Map<string, Vars>;
  /** Inside a block section a rescue or always of an enclosing block will take a failure to (any_errors_fatal waits). */
  caught?: boolean;
}

/** The scope at the top of a play. */
export function rootScope(play: PlayDef): Scope {
  return {
    vars: [],
    when: [],
    tags: play.tags,
    ...(play.become !== undefined ? { become: play.become } : {}),
    ...(play.becomeUser !== undefined ? { becomeUser: play.becomeUser } : {}),
    ...(play.becomeMethod !== undefined ? { becomeMethod: play.becomeMethod } : {}),
    ...(play.environment ? { environment: [play.environment] } : {}),
    ...(play.ignoreUnreachable !== undefined ? { ignoreUnreachable: play.ignoreUnreachable } : {}),
    ...(play.remoteUser ? { remoteUser: play.remoteUser } : {}),
  };
}

/** The scope inside a block or include: its keywords added to the parent's. */
export function childScope(parent: Scope, node: TaskScope, perHost?: Map<string, Vars>): Scope {
  const merged = new Map(parent.perHost ?? []);
  for (const [h, v] of perHost ?? []) merged.set(h, { ...(merged.get(h) ?? {}), ...v });
  return {
    vars: [...parent.vars, node.vars],
    when: [...parent.when, ...node.when],
    tags: [...parent.tags, ...node.tags],
    become: node.become ?? parent.become,
    becomeUser: node.becomeUser ?? parent.becomeUser,
    becomeMethod: node.becomeMethod ?? parent.becomeMethod,
    checkMode: node.checkMode ?? parent.checkMode,
    noLog: node.noLog ?? parent.noLog,
    ignoreErrors: node.ignoreErrors ?? parent.ignoreErrors,
    environment: [...(parent.environment ?? []), ...(node.environment ? [node.environment] : [])],
    ignoreUnreachable: node.ignoreUnreachable ?? parent.ignoreUnreachable,
    ...((node.remoteUser ?? parent.remoteUser) ? { remoteUser: node.remoteUser ?? parent.remoteUser } : {}),
    ...((node.delegate ?? parent.delegate) ? { delegate: node.delegate ?? parent.delegate } : {}),
    notify: 'notify' in node && Array.isArray(node.notify) && node.notify.length > 0 ? node.notify : parent.notify,
    ...(merged.size ? { perHost: merged } : {}),
    ...(parent.caught ? { caught: true } : {}),
  };
}
