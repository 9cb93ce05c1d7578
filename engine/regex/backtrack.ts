// The backtracking engine's controller side: one worker thread running JavaScript RegExps, called synchronously
// (the caller blocks on a shared flag, as the regex callers are synchronous) with a time budget per operation.
// A pattern that backtracks past its budget has its worker terminated, so no pattern can freeze the run.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Longest time one backtracking operation (a search, a findall, a file's lines) may run, in milliseconds. */
export const BACKTRACK_BUDGET_MS = 2000;

/** Longest wait for a new worker thread to start, in milliseconds (a loaded controller may be slow). */
const START_MS = 15_000;

/** One operation for the worker: what worker.mjs's `run` takes. */
export type BacktrackJob =
  | { op: 'search'; text: string; from: number }
  | { op: 'match' | 'full' | 'findAll'; text: string }
  | { op: 'testEach'; texts: readonly string[] };

/** Why an operation did not answer: over its budget, or the worker failed. */
export class BacktrackFailure extends Error {
  constructor(
    message: string,
    readonly overBudget: boolean,
  ) {
    super(message);
    this.name = 'BacktrackFailure';
  }
}

interface Running {
  worker: Worker;
  port: MessagePort;
  /** [0]: the answer is posted; [1]: the worker has started. */
  state: Int32Array;
}

// The one worker of this process, started on first use and replaced after a termination.
let running: Running | undefined;
let budgetMs = BACKTRACK_BUDGET_MS;

/** Sets the budget of later operations (tests); returns the previous one. */
export function setBacktrackBudget(ms: number): number {
  const previous = budgetMs;
  budgetMs = ms;
  return previous;
}

function start(): Running {
  const state = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
    workerData: { state, port: port2 },
    transferList: [port2],
    // A pattern that builds huge captures ends its worker, not the controller.
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  worker.unref();
  port1.unref();
  // Errors reach the caller as a missing answer; this keeps them from being unhandled.
  worker.on('error', () => undefined);
  if (Atomics.wait(state, 1, 0, START_MS) === 'timed-out') {
    void worker.terminate();
    throw new BacktrackFailure(`the regular-expression worker did not start within ${START_MS / 1000} s`, false);
  }
  return { worker, port: port1, state };
}

function stop(): void {
  const r = running;
  running = undefined;
  if (r) {
    r.port.close();
    void r.worker.terminate().catch(() => undefined);
  }
}

/** Runs one job for the JavaScript `source` with `flags` ('' or 'i'); throws BacktrackFailure. */
export function runBacktracking(source: string, flags: string, job: BacktrackJob): unknown {
  running ??= start();
  const r = running;
  Atomics.store(r.state, 0, 0);
  r.worker.postMessage({ ...job, source, flags });
  if (Atomics.wait(r.state, 0, 0, budgetMs) === 'timed-out') {
    stop();
    throw new BacktrackFailure(`was stopped after ${budgetMs / 1000} s`, true);
  }
  const answer = receiveMessageOnPort(r.port)?.message as { ok: true; value: unknown } | { ok: false; error: string } | undefined;
  if (!answer) {
    stop();
    throw new BacktrackFailure('the regular-expression worker stopped without an answer', false);
  }
  if (!answer.ok) throw new BacktrackFailure(answer.error, false);
  return answer.value;
}
