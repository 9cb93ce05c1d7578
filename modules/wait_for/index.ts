// wait_for: wait on the host until a port is open or closed, or a path is present or absent. It never
// changes anything; it fails when the timeout passes.
//
// The wait is one remote loop (no per-attempt round trips), run as the probe's read: decide turns its
// outcome into ok or failed. A controller-side stage comes first, so a look ahead never sends the loop
// early with an earlier task's reads (nor reads past it). Check mode looks once and does not wait, unless
// an earlier task's predicted state of the path already settles it.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, local, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ExecResult } from '../../engine/types.ts';

const waitForSchema = {
  type: 'object',
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    path: { type: 'string', minLength: 1 },
    state: { enum: ['started', 'stopped', 'present', 'absent'] },
    search_regex: { type: 'string' },
    timeout: { type: 'integer', minimum: 0 },
    delay: { type: 'integer', minimum: 0 },
    sleep: { type: 'integer', minimum: 1 },
    msg: { type: 'string' },
  },
  oneOf: [{ required: ['port'] }, { required: ['path'] }],
  additionalProperties: false,
} as const;

type WaitForArgs = FromSchema<typeof waitForSchema>;
type WaitState = 'started' | 'stopped' | 'present' | 'absent';

/** What probe found: the predicted state already meets the wait (check mode), or the loop's result. */
type WaitFacts = { met: true } | { met: false; result: ExecResult };

/** The wait_for module. */
export const waitForModule = defineModule<WaitForArgs, WaitFacts, never>({
  name: 'wait_for',
  summary: 'Wait until a port is open or closed, or a path present or absent.',
  runsOn: 'host',
  schema: waitForSchema,
  probe: (args, view) => probeWait(args, view),
  decide: (args, facts, view) => decideWait(args, facts, view),
});

function settings(args: WaitForArgs, check: boolean): { state: WaitState; timeout: number; delay: number; sleep: number; wait: number } {
  const state = args.state ?? (args.port !== undefined ? 'started' : 'present');
  const timeout = args.timeout ?? 300;
  const delay = args.delay !== undefined && !check ? args.delay : 0;
  // Check mode looks once and does not wait.
  return { state, timeout, delay, sleep: args.sleep ?? 1, wait: check ? 0 : timeout };
}

function condition(args: WaitForArgs, state: WaitState): { test: string; what: string } {
  if (args.port !== undefined) {
    const host = args.host ?? '127.0.0.1';
    const open = `(exec 3<>/dev/tcp/${shellQuote(host)}/${args.port}) 2>/dev/null`;
    return {
      test: state === 'stopped' ? `! ${open}` : open,
      what: `${host}:${args.port} to be ${state === 'stopped' ? 'closed' : 'open'}`,
    };
  }
  const path = args.path ?? '';
  const p = shellQuote(path);
  const present = args.search_regex !== undefined ? `grep -Eq -- ${shellQuote(args.search_regex)} ${p} 2>/dev/null` : `[ -e ${p} ]`;
  return { test: state === 'absent' ? `! [ -e ${p} ]` : present, what: `${path} to be ${state === 'absent' ? 'absent' : 'present'}` };
}

function* probeWait(args: WaitForArgs, view: ModuleView): Probe<WaitFacts> {
  const { state, delay, sleep, wait } = settings(args, view.check);
  const { test } = condition(args, state);
  if (view.check && args.path !== undefined && args.search_regex === undefined) {
    const predicted = view.predicted.file(args.path);
    if (predicted && (predicted.type !== 'absent') === (state !== 'absent')) return { met: true };
  }
  // Not a read a look ahead may send early: the loop waits on what the tasks before it do.
  yield* local('wait_for: the tasks before it first', async () => undefined);
  const script = [
    `sleep ${delay}`,
    `start=$(date +%s); end=$((start + ${wait}))`,
    `while :; do if ${test}; then echo "elapsed=$(( $(date +%s) - start ))"; exit 0; fi; [ "$(date +%s)" -ge "$end" ] && exit 3; sleep ${sleep}; done`,
  ].join('\n');
  const result = yield* read({ command: `bash -c ${shellQuote(script)}`, timeoutMs: (wait + delay + 30) * 1000 });
  return { met: false, result };
}

function decideWait(args: WaitForArgs, facts: WaitFacts, view: ModuleView): Decision<never> {
  const { state, timeout, wait } = settings(args, view.check);
  const { what } = condition(args, state);
  if (facts.met) return { kind: 'ok', msg: `${what}: it would be` };
  const r = facts.result;
  const elapsed = Number(/elapsed=(\d+)/.exec(r.stdout)?.[1] ?? wait);
  const data = { elapsed, state };
  if (r.exitCode === 0) return { kind: 'ok', msg: `${what}: after ${elapsed}s`, data };
  if (view.check)
    return {
      kind: 'unknown',
      msg: `would wait up to ${timeout}s for ${what}; not so now, and check mode cannot tell whether it will be`,
      data,
    };
  if (r.exitCode === 3) return { kind: 'failed', msg: args.msg ?? `timeout after ${timeout}s waiting for ${what}`, data };
  return { kind: 'failed', msg: `wait_for failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, data };
}
