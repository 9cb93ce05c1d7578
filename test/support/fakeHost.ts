// One fake host for module unit tests: a ModuleContext whose `run` answers from canned replies (or runs the
// command on this machine) and records every call, so each test file states only what its host answers.
// A field added to ModuleContext needs one edit here.
import { LocalConnection } from '../../engine/connection/local.ts';
import { createPredictedState } from '../../engine/executor/predicted.ts';
import { createSlotStore, type SlotStore } from '../../engine/stateSlots.ts';
import type { ExecOptions, ExecResult, ModuleContext, PredictedState, Vars } from '../../engine/types.ts';

/** An answer: stdout text, or the parts of an ExecResult that differ from a quick success. */
export type Reply = string | Partial<ExecResult>;

/** Which commands a canned answer serves: those containing a substring, matching a pattern, or passing a test. */
export type Match = string | RegExp | ((command: string) => boolean);

/** Computes an answer from the command, its options and its 0-based position among this host's calls. */
export type Responder = (command: string, call: { index: number; options?: ExecOptions }) => Reply | Promise<Reply>;

/** How a fake host behaves; every field is optional. */
export interface FakeHostOptions {
  /** Host name (default 'h'). */
  name?: string;
  /** Check mode (default false). */
  check?: boolean;
  /** Task variables (default none). */
  vars?: Vars;
  /** Canned answers: the first whose match fits the command answers it. */
  answers?: Array<[Match, Reply]>;
  /** The answer when no canned answer fits (default: exit 0, no output); `runLocally` runs the command for real. */
  reply?: Reply | Responder;
  /** Check mode's predicted state; pass one to share it between hosts or contexts (default: a fresh one). */
  predicted?: PredictedState;
  /** The run's shared state; pass one to put several hosts in one run (default: a run of this host alone). */
  runState?: SlotStore;
  /** Template rendering (default: the text unchanged). */
  renderFile?: ModuleContext['renderFile'];
  /** Controller path lookup (default: the path unchanged). */
  resolveLocalPath?: ModuleContext['resolveLocalPath'];
}

/** One call the fake host received; `stdin` only when the module sent one. */
export interface FakeCall {
  command: string;
  stdin?: string | Buffer;
}

/** A ModuleContext over a fake host, plus what the tests inspect. */
export interface FakeHost extends ModuleContext {
  /** The commands run, in order. */
  commands: string[];
  /** The same calls with their stdin. */
  calls: FakeCall[];
}

/** A responder that runs each command under /bin/sh on this machine (engine/connection/local.ts). */
export const runLocally: Responder = (command, { options }) => new LocalConnection('local').exec(command, options);

/** Builds a fake host from `options` (see FakeHostOptions). */
export function fakeHost(options: FakeHostOptions = {}): FakeHost {
  const commands: string[] = [];
  const calls: FakeCall[] = [];
  const fallback = options.reply ?? '';
  const ownRun = createSlotStore();
  return {
    host: options.name ?? 'h',
    check: options.check ?? false,
    vars: options.vars ?? {},
    commands,
    calls,
    run: async (command, runOptions) => {
      const index = commands.length;
      commands.push(command);
      calls.push({ command, ...(runOptions?.stdin !== undefined ? { stdin: runOptions.stdin } : {}) });
      const canned = options.answers?.find(([match]) => matches(match, command));
      const reply = canned
        ? canned[1]
        : typeof fallback === 'function'
          ? await fallback(command, { index, options: runOptions })
          : fallback;
      return result(reply);
    },
    renderFile: options.renderFile ?? ((text) => text),
    resolveLocalPath: options.resolveLocalPath ?? ((relative) => relative),
    predicted: options.predicted ?? createPredictedState(),
    runState: (key) => (options.runState ?? ownRun).slot(key),
  };
}

function matches(match: Match, command: string): boolean {
  if (typeof match === 'string') return command.includes(match);
  if (match instanceof RegExp) return match.test(command);
  return match(command);
}

function result(reply: Reply): ExecResult {
  const base: ExecResult = { exitCode: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false };
  return typeof reply === 'string' ? { ...base, stdout: reply } : { ...base, ...reply };
}
