// Shared types for fleetplay. Unions are tagged on a literal field and matched with exhaustive switches.

/** A place in a source file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Plain variable bag; values come from YAML/JSON so they are data, never code. */
export type Vars = Record<string, unknown>;

// ---------------------------------------------------------------- inventory

/** One host as declared in an inventory, before play/task variables are layered on. */
export interface InventoryHost {
  name: string;
  /** Variables from the inventory file itself (inline host vars). */
  vars: Vars;
}

/** One group: its direct hosts, its child groups and its own variables. */
export interface InventoryGroup {
  name: string;
  hosts: string[];
  children: string[];
  vars: Vars;
}

/** A loaded inventory. `hostVars(name)` gives the merged inventory-level variables of one host. */
export interface Inventory {
  /** Absolute path of the inventory file (or directory). */
  source: string;
  /** Hosts in declaration order. */
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /** Every group a host belongs to, directly or through children, always including `all`. */
  groupsOf(host: string): string[];
  /** Inventory-level variables for one host, merged by Ansible's precedence. */
  hostVars(host: string): Vars;
}

// ---------------------------------------------------------------- transport

/** The outcome of one remote command. A non-zero exit is data, not an exception. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** Options for one remote command. */
export interface ExecOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Run through sudo as another user (the password, if any, is fed on stdin and never logged). */
  become?: { enabled: boolean; user: string; password?: string; method?: 'sudo' | 'su' };
  /**
   * The command only reads the host (a probe). The engine may then run it ahead of time, in one exec
   * with other tasks' reads, and serve its result while nothing on the host has changed since.
   */
  readOnly?: boolean;
  /** Log in as this user (the remote_user keyword) instead of the connection's own (engine/connection/userPool.ts). */
  remoteUser?: string;
}

/** How a command runs on one host: ssh or local. Transport failures throw UnreachableError. */
export interface Connection {
  readonly host: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
  /** Closes the session so the next command logs in afresh (meta: reset_connection); a no-op where there is none. */
  reset?(): Promise<void>;
  /** Drops the session and logs in again, retrying until a deadline (reboot, wait_for_connection); host keys are checked every time. */
  reconnect?(options: ReconnectOptions): Promise<void>;
  /** Runs a command whose stdin and stdout stay open as byte streams (rsync's protocol), become applied. */
  stream?(command: string, options?: ExecOptions): Promise<StreamChannel>;
}

/** How long Connection.reconnect keeps trying. */
export interface ReconnectOptions {
  /** Give up when this moment (ms since the epoch) has passed. */
  deadline: number;
  /** Limit of one attempt's handshake (the connection's connect timeout when absent). */
  attemptTimeoutMs?: number;
  /** Pause between failed attempts (default 1000 ms). */
  pauseMs?: number;
}

/** A running command's streams; `exit` settles with its exit code when the channel closes (255 when none came). */
export interface StreamChannel {
  stdin: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  exit: Promise<number>;
  /** Ends the command (SIGKILL) and closes the channel. */
  kill(): void;
}

// ---------------------------------------------------------------- results

/** Status of one task on one host (one loop item, or the whole task). */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'unknown';

/** A before/after pair for one aspect of a change, shown under --diff. */
export interface DiffEntry {
  /** What this diff is about, e.g. a path, or "mode of /etc/foo". */
  header: string;
  before: string;
  after: string;
}

/** Per-host counters printed in PLAY RECAP. */
export interface RecapCounters {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
  unknown: number;
}

/** One line of the run: a task (or loop item) on one host. */
export interface TaskResult {
  host: string;
  /** The host the task ran on when delegated (delegate_to, local_action); results stay under `host`. */
  delegatedTo?: string;
  play: string;
  task: string;
  module: string;
  status: TaskStatus;
  durationMs: number;
  msg: string;
  item?: unknown;
  diff?: DiffEntry[];
  /** Where the task is defined. */
  location?: SourceLocation;
  ignored?: boolean;
  handler?: boolean;
  /** Remote commands (round trips) this result cost. */
  commands?: number;
  /** When the task started on this host (ISO 8601). */
  startedAt?: string;
  /** Rolling batch number (1-based) when the play has `serial`. */
  batch?: number;
  /** What a change does (or would do), for the plan summary. */
  summary?: ChangeSummary[];
  /** The module's warnings (its result's `warnings`), printed as Ansible prints `[WARNING]:` lines. */
  warnings?: string[];
  /** -v and more: the result's data beyond the message (rc, stdout, stderr, …), redacted; absent under no_log. */
  data?: Vars;
}

// ---------------------------------------------------------------- predicted state (check mode)

/** The state a path would have after the earlier tasks of a check run. */
export type PredictedFile =
  | { type: 'absent' }
  | { type: 'directory'; mode?: string; owner?: string; group?: string }
  | {
      type: 'file';
      checksum?: string;
      mode?: string;
      owner?: string;
      group?: string;
      size?: number;
      content?: string;
      origin?: { url: string };
    }
  | { type: 'link'; target: string };

/** The state a systemd unit would have after the earlier tasks of a check run. */
export interface PredictedUnit {
  /** A unit file would exist (installed by an earlier task). */
  loaded?: boolean;
  masked?: boolean;
  enabled?: boolean;
  active?: boolean;
}

/**
 * What check mode predicts the earlier tasks on one host would have done. Modules read the host
 * through it in check mode, so a later task sees what the real run would have left; and they record
 * here the state each planned change would leave. In a real run it stays empty.
 */
export interface PredictedState {
  /** Predicted state of a path (also `absent` when a parent directory would be removed). */
  file(path: string): PredictedFile | undefined;
  setFile(path: string, state: PredictedFile): void;
  /** Whether any path at or under `dir` has a predicted state (an earlier task would change it). */
  hasFileUnder(dir: string): boolean;
  unit(name: string): PredictedUnit | undefined;
  setUnit(name: string, state: PredictedUnit): void;
  packageState(name: string): 'present' | 'absent' | undefined;
  setPackage(name: string, state: 'present' | 'absent'): void;
  /** The first earlier task whose effects check mode could not predict (a command it did not run, an unknown), if any. */
  opaqueTask(): string | undefined;
  markOpaque(task: string): void;
  /** The first such task since an earlier task's prediction last set this unit's state (since the start when none did). */
  opaqueSinceUnit(name: string): string | undefined;
  /**
   * A module's own per-host prediction state, created by `key.init()` on first use and kept for the run
   * (one store per host per run: nothing outlives it). Keys are compared by identity.
   */
  slot<T>(key: StateSlot<T>): T;
}

/** The key of a module's slot in a state store: a name (for messages) and how to make its first value. */
export interface StateSlot<T> {
  readonly name: string;
  init(): T;
}

// ---------------------------------------------------------------- modules

import type { ChangeSummary, ModuleDefinition as ContractModule } from './module.ts';
import type { EvalContext } from './expr/index.ts';

/** What a module needs from the engine for one task on one host. */
export interface ModuleContext {
  host: string;
  /** Runs a command on the host (become applied). */
  run(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** True in check mode: plan only, never apply. */
  check: boolean;
  /** All variables visible to the task on this host. */
  vars: Vars;
  /** Renders a template file's text with the task's variables; errors name `file`. */
  renderFile(text: string, file: string, destPath?: string): string;
  /** Resolves a controller-side path (copy src, template src) the way Ansible searches for it. */
  resolveLocalPath(relative: string, kind: 'files' | 'templates' | 'vars'): string;
  /** Check mode's predicted state of this host (empty in a real run). */
  predicted: PredictedState;
  /**
   * State this run shares between its hosts (one apt simulation for hosts with the same apt inputs), in
   * a module's own slot, made on first use; it ends with the run, so nothing outlives it.
   */
  runState<T>(key: StateSlot<T>): T;
  /** The task's lookup plugins, for expressions a module evaluates (engine/lookups lookupContext). */
  lookups?: EvalContext;
  /** The host's own connection's reconnect (absent for a delegated task, or a connection without one). */
  reconnect?(options: ReconnectOptions): Promise<void>;
  /** A streamed command on the host, the task's become applied (absent for a delegated task, or a connection without streams). */
  stream?(command: string): Promise<StreamChannel>;
}

/**
 * Key of a check-mode result whose output was not read (a command check mode does not run): its value
 * says why. The task's changed_when can still settle its status; later tasks that read the registered
 * output are `unknown`.
 */
export const NOT_RUN_IN_CHECK = 'check_mode_output_unknown';

/** Extra data a module returns; it is merged into the registered result (rc, stdout, stat, ...). */
export type ResultData = Vars;

/** What applying a change actually did. */
export type ApplyOutcome =
  | { kind: 'changed'; msg: string; data?: ResultData; diff?: DiffEntry[] }
  | { kind: 'ok'; msg: string; data?: ResultData }
  | { kind: 'failed'; msg: string; data?: ResultData };

/**
 * A module's decision after reading current state. `change` carries the apply step; check mode
 * reports the plan and never calls it.
 */
export type Plan =
  | { kind: 'ok'; msg: string; data?: ResultData }
  | { kind: 'change'; msg: string; diff?: DiffEntry[]; data?: ResultData; summary?: ChangeSummary[]; apply(): Promise<ApplyOutcome> }
  | { kind: 'failed'; msg: string; data?: ResultData }
  | { kind: 'unknown'; msg: string; data?: ResultData };

/** A module the registry holds (the contract: engine/module.ts). */
export type ModuleDefinition = ContractModule;

/** The modules a run may use (engine/moduleRegistry.ts builds one; the CLI passes it in). */
export interface ModuleRegistry {
  /** The module a task key names (`copy`, `ansible.builtin.copy`, an alias), or undefined. */
  find(key: string): ModuleDefinition | undefined;
  /** Every name and alias, for suggestions in error messages. */
  names(): string[];
  /** Every module once, in registration order (editor schemas, `engine doc`). */
  definitions(): ModuleDefinition[];
}

// ---------------------------------------------------------------- playbooks

/** A `when`/`changed_when`/`failed_when` condition with where it was written. */
export interface Condition {
  expr: string | boolean | number;
  location: SourceLocation;
}

/** An `environment` keyword as written (a mapping or a template), rendered per host at run time. */
export interface EnvironmentSpec {
  value: unknown;
  location: SourceLocation;
}

/** A text keyword as written (`remote_user: "{{ user }}"`), rendered per host at run time. */
export interface KeywordText {
  value: string;
  location: SourceLocation;
}

/** A boolean keyword written as a template (`ignore_errors: "{{ ansible_check_mode }}"`), rendered per host. */
export interface FlagTemplate {
  expr: string;
  location: SourceLocation;
}

/** A boolean keyword (become, check_mode, no_log, ignore_errors, ignore_unreachable): a value or a template. */
export type Flag = boolean | FlagTemplate;

/** A block's or role entry's delegate_to, as written, where it is written, and its delegate_facts. */
export interface InheritedDelegate {
  to: string;
  location: SourceLocation;
  facts: boolean;
}

/** Keywords shared by tasks, blocks and includes; blocks pass them down to their children. */
export interface TaskScope {
  name?: string;
  when: Condition[];
  tags: string[];
  become?: Flag;
  becomeUser?: string;
  /** become_method: sudo (the default) or su. */
  becomeMethod?: 'sudo' | 'su';
  vars: Vars;
  checkMode?: Flag;
  noLog?: Flag;
  ignoreErrors?: Flag;
  /** Variables exported for the task's remote commands (engine/executor/environment.ts). */
  environment?: EnvironmentSpec;
  /** An unreachable host's task is reported and the host carries on. */
  ignoreUnreachable?: Flag;
  /** The user to log in as (below the host's ansible_user; engine/executor/remoteUser.ts). */
  remoteUser?: KeywordText;
  location: SourceLocation;
  /** The folder of the role this entry comes from (its templates/, files/ and tasks/ are searched first). */
  rolePath?: string;
  /** delegate_to (and delegate_facts) of a block or role entry: its tasks without their own inherit it. */
  delegate?: InheritedDelegate;
}

/** Loop settings of a task or include. */
export interface LoopSpec {
  items: unknown;
  loopVar: string;
  indexVar?: string;
  label?: string;
  /** `with_items`: the rendered value is flattened one level, and a scalar is one item (Ansible's lookup). */
  withItems?: boolean;
  /** `with_<lookup>` (with_dict, with_nested, …): the lookup the rendered terms go to (engine/lookups/loop.ts). */
  lookup?: string;
  /** The keyword the loop is written under (loop, with_items, with_dict, …), for locations. */
  keyword?: string;
  /** loop_control.pause: seconds between items (a number, or a template rendered per host). */
  pause?: number | string;
  /** loop_control.extended: each item sees ansible_loop (index, first, last, allitems, …). */
  extended?: boolean;
  /** loop_control.extended_allitems: false leaves allitems out of ansible_loop. */
  extendedAllitems?: boolean;
}

/** One task: a module call plus its keywords. */
export interface TaskDef extends TaskScope {
  kind: 'task';
  /**
   * A module-argument problem of a task that expects to fail (ignore_errors: true, failed_when): as in
   * Ansible, the task fails with it when it runs, instead of the playbook being refused (validate warns).
   */
  /** `ansible`: Ansible's words for it, which the task's registered `msg` carries (the printed line keeps fleetplay's). */
  argumentProblem?: { message: string; location: SourceLocation; ansible?: string };
  /** The module key as written (e.g. `ansible.builtin.copy`). */
  moduleKey: string;
  /** The module's canonical name. */
  module: string;
  args: Vars;
  loop?: LoopSpec;
  register?: string;
  notify: string[];
  listen: string[];
  changedWhen?: Condition[];
  failedWhen?: Condition[];
  /** At most this many hosts run the task at once. */
  throttle?: number;
  /** The task's `diff` keyword (a literal true or false): its registered result carries the diff, as under --diff. */
  diff?: boolean;
  /** Run on the first host of the batch only; its result is registered for every host. */
  runOnce?: boolean;
  /** any_errors_fatal of the task (or its block): overrides the play's. */
  anyErrorsFatal?: boolean;
  /** Retry until `until` holds: at most `retries` more attempts, `delay` seconds apart. */
  until?: Condition[];
  retries?: number;
  delay?: number;
  /** Seconds each remote command of the task may take before it is killed and the task fails. */
  timeout?: number;
  /** delegate_to as written (may be templated); local_action sets it to localhost (executor/delegate.ts). */
  delegateTo?: string;
  /** delegate_facts: facts the task returns go to the delegate host. */
  delegateFacts?: boolean;
  /** The task's `connection` keyword (`local`: its commands run on the controller). */
  connection?: string;
  /** Location of any key or value inside the task (path relative to the task mapping). */
  locate(path: ReadonlyArray<string | number>, which?: 'key' | 'value'): SourceLocation;
}

/** A block with optional rescue and always sections. */
export interface BlockDef extends TaskScope {
  kind: 'block';
  /** Handlers every task of the block notifies when it changes (a task's own notify wins). */
  notify?: string[];
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

/** include_tasks (dynamic, at run time) or import_tasks (static, resolved at load). */
export interface IncludeDef extends TaskScope {
  /** import_tasks: its keywords (when, tags, become, delegate_to, …) apply to every imported task, as in Ansible. */
  isImport?: boolean;
  kind: 'include';
  /** include_tasks / include_role run_once: included for the first host only. */
  runOnce?: boolean;
  /** The file as written; may contain templates. */
  file: string;
  /** Directory the file is relative to. */
  baseDir: string;
  loop?: LoopSpec;
  /** Pre-loaded tasks when the file name has no template in it. */
  tasks?: TaskNode[];
  /** include_role: the role to run instead of a task file (engine/executor/includeRole.ts). */
  role?: RoleInclude;
  /** module_defaults in force at the include, outermost first, for a file read at run time. */
  moduleDefaults?: Array<Record<string, unknown>>;
  /** As a handler: the topics it listens to besides its name. */
  listen?: string[];
  /** include_tasks `apply`: keywords the included tasks get (its own keywords apply to the include alone). */
  apply?: TaskScope;
  /** `register`: the include's own result (the file it included, or why it failed or was skipped). */
  register?: string;
}

/** A handler: a task, or an include_tasks / include_role notified by its name or `listen` topics. */
export type HandlerDef = TaskDef | IncludeDef;

/** A role as applied at one place of a play, with the variables it brings (engine/playbook/roles.ts). */
export interface RoleRef {
  name: string;
  /** The role's folder. */
  path: string;
  /** defaults/ of its dependencies, then its own: below every inventory variable. */
  defaults: Vars;
  /** vars/ of its dependencies, then its own: what the whole play sees of a public role. */
  exportVars: Vars;
  /** What its own tasks see at the role-vars level: parents' vars, dependencies' vars/, its vars/, the entry's `vars:`. */
  vars: Vars;
  /** Role params (keys beside `role:`, after its parents' params): above set_fact, below extra vars. */
  params: Vars;
  /** Names and folders of the roles that pulled this one in, nearest first. */
  parents: Array<{ name: string; path: string }>;
}

/** A role loaded for one place: the block of its tasks (dependencies first) and its handlers. */
export interface LoadedRole {
  ref: RoleRef;
  block: BlockDef;
  handlers: HandlerDef[];
}

/** include_role's arguments, and the role itself when they name it without templates. */
export interface RoleInclude {
  name: string;
  from: { tasks?: string; vars?: string; defaults?: string; handlers?: string };
  /** Its vars and defaults are seen by the rest of the play once it ran (`public: true`). */
  public: boolean;
  allowDuplicates: boolean;
  /** `apply`: keywords given to every task of the role. */
  apply: TaskScope;
  /** Loaded at validate time when the name and the *_from files are literal. */
  loaded?: LoadedRole;
  /** Where the role is searched for at run time (a templated name). */
  search: { playbookDir: string; configured: string[] };
}

/** Anything that can appear in a task list. */
export type TaskNode = TaskDef | BlockDef | IncludeDef;

/** One play. */
export interface PlayDef {
  name: string;
  hosts: string;
  vars: Vars;
  varsFiles: Array<{ file: string; location: SourceLocation }>;
  become?: Flag;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  /** The play's `environment` (below its blocks' and tasks'). */
  environment?: EnvironmentSpec;
  /** The play's `ignore_unreachable`. */
  ignoreUnreachable?: Flag;
  /** The play's `remote_user`. */
  remoteUser?: KeywordText;
  /** The play's `connection` keyword (`local`: every task runs on the controller). */
  connection?: string;
  gatherFacts: boolean;
  /** The `when` of the import_playbook(s) that brought the play: facts are gathered only where it holds. */
  importWhen?: Condition[];
  /** gather_subset as written (a list, or a comma-separated string); `all` when absent. */
  gatherSubset?: unknown;
  /** gather_timeout in seconds (10 when absent). */
  gatherTimeout?: number;
  tags: string[];
  /** Rolling batches: a count, a percentage ("30%"), or a list of them (the last one repeats). */
  serial?: unknown;
  /** `strategy` as written: fleetplay runs `linear` only (a template must render to it). */
  strategy?: string;
  /** Stop starting batches once more than this percentage of a batch failed (unreachable counts). */
  maxFailPercentage?: number;
  /** Any failure stops the play for every host after the current task. */
  anyErrorsFatal: boolean;
  /** force_handlers: notified handlers run on hosts that failed too (over --force-handlers when set). */
  forceHandlers?: boolean;
  preTasks: TaskNode[];
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: HandlerDef[];
  location: SourceLocation;
  /** Directory of the playbook, for relative paths. */
  baseDir: string;
  /** The play's public roles (roles:, import_role): their defaults and vars are seen by every task of the play. */
  roles?: RoleRef[];
}

/** A loaded, validated playbook. */
export interface Playbook {
  file: string;
  plays: PlayDef[];
  /** The modules its tasks were validated against; the run uses the same ones. */
  modules: ModuleRegistry;
}

// ---------------------------------------------------------------- run

/** Receives the run as it happens (console output, report collection). */
export interface RunEvents {
  /** `index`: the play's position in the playbook (0-based). */
  playStart(play: { name: string; hosts: string[]; index?: number }): void;
  /** A rolling batch starts (only for plays with `serial`). */
  batchStart?(batch: { index: number; count: number; hosts: string[] }): void;
  /** Something the operator must know (a stopped rollout). */
  notice?(text: string): void;
  taskStart(task: { title: string; location?: SourceLocation; handler: boolean }): void;
  result(result: TaskResult): void;
  /** -vv and more: a detail at a verbosity level (variable origins, commands, connection), already redacted. */
  detail?(detail: { host: string; level: number; text: string }): void;
  /** A changed task notified handlers (names or listen topics) on a host: the journal records it for --resume. */
  notified?(n: { host: string; handlers: string[] }): void;
}

/** Everything a finished run produced. */
export interface RunReport {
  playbook: string;
  check: boolean;
  startedAt: string;
  durationMs: number;
  recap: Record<string, RecapCounters>;
  results: TaskResult[];
  interrupted: boolean;
  /** Hosts a play selected that were never attempted (a stopped rollout, an interrupt). */
  notRun: string[];
  /** Hosts whose play was cut short by an interrupt (they did not finish it). */
  incomplete: string[];
  /** Play → host → handlers notified but not run: the next run of this playbook runs them. */
  pendingHandlers: Record<string, Record<string, string[]>>;
  /** The --slice I/N this run was (absent: the whole fleet). */
  slice?: { index: number; count: number };
  /** Hosts that ended the run failed (a failure meta: clear_host_errors cleared is not counted); the recap otherwise. */
  failedHosts?: string[];
}
