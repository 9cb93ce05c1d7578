// The contract between the engine and a module, in one place (docs/modules.md walks through it).
//
// A module is four steps, and the engine drives them:
//   probe(args, view)    the reads the task needs, as data: a generator that yields stages of reads
//                        (command, stdin, how to parse the output) and returns the facts. Read-only by
//                        construction: the engine runs what it yields as read-only commands, and a module
//                        has no other way to reach the host before apply. A read that depends on an
//                        earlier one is a later stage. Controller-side work that takes time (hashing a
//                        local archive, asking a URL) is a `local` stage.
//   decide(args, facts)  pure: ok, failed, unknown (with the reason) or a change (what would be done,
//                        with a structured summary that the plan printer aggregates).
//   apply(change, host)  the only step that writes. Check mode never calls it.
//   predict(decision)    check mode: the state the change would leave, into the run's per-host
//                        prediction (files, units, packages, or a module's own typed slot).
//
// The engine learns an upcoming task's first reads by calling its probe and taking the first stage
// (no context that never answers, no race): those reads go out with the current task's read in one exec.
import type {
  ApplyOutcome,
  DiffEntry,
  ExecOptions,
  ExecResult,
  PredictedFile,
  PredictedUnit,
  ReconnectOptions,
  ResultData,
  StateSlot,
  StreamChannel,
  Vars,
} from './types.ts';
import type { EvalContext } from './expr/index.ts';

// ---------------------------------------------------------------- probe: reads as data

/** One read-only command and how its output becomes a fact. */
export interface Read<T = ExecResult> {
  command: string;
  stdin?: string;
  /** A limit for this command (the task's `timeout` applies otherwise). */
  timeoutMs?: number;
  /**
   * Hosts of one run whose read has the same key get one answer: the first host to ask runs it and the
   * others wait for its result (apt's simulation for hosts with the same apt inputs).
   */
  shareKey?: string;
  /** Turns the result into the fact the module wants (the result itself when absent). */
  parse?: (result: ExecResult) => T;
}

/** One stage of a probe: reads that go to the host together, or controller-side work. */
export type ProbeStage =
  | { kind: 'reads'; reads: ReadonlyArray<Read<unknown>> }
  | { kind: 'local'; what: string; run: () => Promise<unknown> };

/** A probe: yields its stages in order and returns the facts. */
export type Probe<F> = Generator<ProbeStage, F, unknown>;

/** A stage of one read; `yield* read(...)` gives its parsed result. */
export function* read<T = ExecResult>(r: Read<T>): Generator<ProbeStage, T, unknown> {
  const out = (yield { kind: 'reads', reads: [r as Read<unknown>] }) as unknown[];
  return out[0] as T;
}

type Outputs<R extends ReadonlyArray<Read<unknown>>> = { -readonly [K in keyof R]: R[K] extends Read<infer T> ? T : never };

/** A stage of several reads sent together; gives their parsed results in order. */
export function* readAll<const R extends ReadonlyArray<Read<unknown>>>(reads: R): Generator<ProbeStage, Outputs<R>, unknown> {
  if (reads.length === 0) return [] as unknown as Outputs<R>;
  return (yield { kind: 'reads', reads }) as Outputs<R>;
}

/** A stage of controller-side work (no host access): `what` names it in errors. */
export function* local<T>(what: string, run: () => Promise<T>): Generator<ProbeStage, T, unknown> {
  return (yield { kind: 'local', what, run }) as T;
}

/** A probe that needs no read. */
// biome-ignore lint/correctness/useYield: a probe without stages is a valid probe
export function* noReads<F>(facts: F): Probe<F> {
  return facts;
}

// ---------------------------------------------------------------- decide: a pure decision

/**
 * What a change does, for the plan summary: `verb` (present tense) and `object`. A counted object is a
 * noun (`write 3 files`); a `named` one is a thing's name, and the printer joins the verbs done to it
 * (`enable+start containerd`).
 */
export interface ChangeSummary {
  verb: string;
  object: string;
  /** How many (a counted noun; default 1). */
  count?: number;
  /** The plural of a counted noun when it is not `object + s` (`directories`). */
  plural?: string;
  /** `object` is a name, not a noun. */
  named?: boolean;
}

/**
 * What decide returns: a verdict, or a change that apply would make. An ok or unknown verdict may carry a
 * `record` for predict: what check mode takes the host to be after it though nothing is applied
 * (systemd: the unit as systemd has loaded it; get_url: the file a download check mode cannot settle
 * would most likely write). The engine gives it to predict only; it is never part of the result.
 */
export type Decision<C, R = unknown> =
  | { kind: 'ok'; msg: string; data?: ResultData; record?: R }
  | { kind: 'failed'; msg: string; data?: ResultData }
  | { kind: 'unknown'; msg: string; data?: ResultData; record?: R }
  | { kind: 'change'; msg: string; change: C; summary: ChangeSummary[]; diff?: DiffEntry[]; data?: ResultData };

// ---------------------------------------------------------------- what a module sees

/** Check mode's prediction for reading (probe and decide): what earlier tasks would have left. */
export interface PredictedView {
  /** Predicted state of a path (also `absent` when a parent directory would be removed). */
  file(path: string): PredictedFile | undefined;
  /** Whether any path at or under `dir` has a predicted state (an earlier task would change it). */
  hasFileUnder(dir: string): boolean;
  unit(name: string): PredictedUnit | undefined;
  packageState(name: string): 'present' | 'absent' | undefined;
  /** The first earlier task whose effects check mode could not predict (a command it did not run, an unknown), if any. */
  opaqueTask(): string | undefined;
  /** The first such task since an earlier task's prediction last set this unit's state (since the start when none did). */
  opaqueSinceUnit(name: string): string | undefined;
  /** A module's own per-host prediction state (see PredictedState.slot); read it here, write it in predict. */
  slot<T>(key: StateSlot<T>): Readonly<T>;
}

/** What probe and decide see of the task: no host access. */
export interface ModuleView {
  host: string;
  /** True in check mode. */
  check: boolean;
  /** All variables visible to the task on this host. */
  vars: Vars;
  /** Check mode's predicted state of this host (empty in a real run). */
  predicted: PredictedView;
  /** Renders a template file's text with the task's variables; errors name `file`; `destPath` is template_destpath. */
  renderFile(text: string, file: string, destPath?: string): string;
  /** Resolves a controller-side path (copy src, template src) the way Ansible searches for it. */
  resolveLocalPath(relative: string, kind: 'files' | 'templates' | 'vars'): string;
  /** State the run shares between its hosts, in a module's own slot (controller-side caches). */
  runState<T>(key: StateSlot<T>): T;
  /** The task's lookup plugins, for expressions a module evaluates (assert's that, debug's var). */
  lookups?: EvalContext;
  /**
   * A streamed command on the host, for a `local` stage of a probe in check mode only: the engine cannot
   * see what it does, so the module must make it read-only itself (synchronize: rsync --dry-run).
   */
  stream?(command: string): Promise<StreamChannel>;
}

/** What apply may do: run commands that change the host (become applied by the engine). */
export interface ModuleHost {
  name: string;
  run(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Drops the connection and logs in again until the deadline (reboot, wait_for_connection); absent when delegated. */
  reconnect?(options: ReconnectOptions): Promise<void>;
  /** A command with its stdin and stdout as streams (synchronize's rsync); absent when delegated or not offered. */
  stream?(command: string): Promise<StreamChannel>;
}

// ---------------------------------------------------------------- the module

/** A module: its name, argument schema and the four steps. `A` is its arguments, `F` its facts, `C` its change. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds modules of every argument, fact and change type
export interface ModuleDefinition<A = any, F = any, C = any> {
  name: string;
  /** Other names of the module (`service` for systemd). */
  aliases?: string[];
  /** One line saying what the module does (`engine doc`, the editor schemas, docs/modules/). */
  summary?: string;
  /**
   * JSON Schema of the arguments (an object schema). A property may list Ansible's other names for it
   * in `aliases` (`path: { type: 'string', aliases: ['dest', 'name'] }`); the engine renames them first.
   */
  schema: Record<string, unknown>;
  /** For command/shell: a free-form string argument goes into this key. */
  freeFormKey?: string;
  /** `key=value` options that may stand beside the free form (command's creates, chdir, …, when absent). */
  freeFormOptions?: readonly string[];
  /** The argument names are templated too, as Ansible's set_fact action does (`"{{ item.key }}": 1`). */
  templatedKeys?: boolean;
  /** `controller` modules (debug, set_fact, assert, fail) never touch the host. */
  runsOn: 'controller' | 'host';
  /** Arguments whose values are secret: redacted from output and reports. */
  secretArgs?: string[];
  probe(args: A, view: ModuleView): Probe<F>;
  decide(args: A, facts: F, view: ModuleView): Decision<C>;
  apply?(change: C, host: ModuleHost): Promise<ApplyOutcome>;
  /**
   * The variables the task sets on its host besides `register` (set_fact's names, getent's
   * `getent_<database>`), from its arguments as written (a templated name is skipped). Check mode marks
   * them unpredictable when the task's outcome is unknown, so a later task reading them is unknown too.
   */
  setsVariables?(args: Record<string, unknown>): string[];
  /**
   * Ansible's own words for arguments its schema refuses (copy's "dest is required"): asked only when
   * the schema check fails, and used instead of the schema's messages when it names the problem.
   */
  argumentsProblem?(args: Record<string, unknown>): string | undefined;
  /** Check mode only: records the state the decision would leave. */
  predict?(decision: Decision<C>, predicted: import('./types.ts').PredictedState, args: A): void;
}

/**
 * Declares a module. Its arguments type comes from its schema (`FromSchema<typeof schema>`, json-schema-to-ts,
 * with the schema written `as const`): what ajv checked is what probe, decide and predict receive, with
 * no narrowing by hand. `defineModule<Args, Facts, Change>({ ... })`.
 */
export function defineModule<A, F, C>(m: ModuleDefinition<A, F, C>): ModuleDefinition<A, F, C> {
  return m;
}
