// wait_for: wait on the host until a port is open or closed, or a path is present or absent.
import { shellQuote } from '../engine/quote.ts';
import type { ModuleContext, ModuleDefinition, Plan } from '../engine/types.ts';

type WaitState = 'started' | 'stopped' | 'present' | 'absent';

/** The wait_for module. It never changes anything; it fails when the timeout passes. */
export const waitForModule: ModuleDefinition = {
  name: 'wait_for',
  runsOn: 'host',
  schema: {
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
  },
  plan: (args, ctx) => planWait(args, ctx),
};

function condition(args: Record<string, unknown>, state: WaitState): { test: string; what: string } {
  if (typeof args.port === 'number') {
    const host = typeof args.host === 'string' ? args.host : '127.0.0.1';
    const open = `(exec 3<>/dev/tcp/${shellQuote(host)}/${args.port}) 2>/dev/null`;
    return { test: state === 'stopped' ? `! ${open}` : open, what: `${host}:${args.port} to be ${state === 'stopped' ? 'closed' : 'open'}` };
  }
  const p = shellQuote(String(args.path));
  const present = typeof args.search_regex === 'string' ? `grep -Eq -- ${shellQuote(args.search_regex)} ${p} 2>/dev/null` : `[ -e ${p} ]`;
  return { test: state === 'absent' ? `! [ -e ${p} ]` : present, what: `${String(args.path)} to be ${state === 'absent' ? 'absent' : 'present'}` };
}

async function planWait(args: Record<string, unknown>, ctx: ModuleContext): Promise<Plan> {
  const state = (args.state as WaitState | undefined) ?? (typeof args.port === 'number' ? 'started' : 'present');
  const timeout = typeof args.timeout === 'number' ? args.timeout : 300;
  const delay = typeof args.delay === 'number' && !ctx.check ? args.delay : 0;
  const sleep = typeof args.sleep === 'number' ? args.sleep : 1;
  const { test, what } = condition(args, state);
  if (ctx.check && typeof args.path === 'string' && args.search_regex === undefined) {
    const predicted = ctx.predicted.file(args.path);
    if (predicted) {
      const met = (predicted.type !== 'absent') === (state !== 'absent');
      if (met) return { kind: 'ok', msg: `${what}: it would be` };
    }
  }
  // One remote loop: no per-attempt round trips. Check mode looks once and does not wait.
  const wait = ctx.check ? 0 : timeout;
  const script = [
    `sleep ${delay}`,
    `start=$(date +%s); end=$((start + ${wait}))`,
    `while :; do if ${test}; then echo "elapsed=$(( $(date +%s) - start ))"; exit 0; fi; [ "$(date +%s)" -ge "$end" ] && exit 3; sleep ${sleep}; done`,
  ].join('\n');
  const r = await ctx.run(`bash -c ${shellQuote(script)}`, { timeoutMs: (wait + delay + 30) * 1000 });
  const elapsed = Number(/elapsed=(\d+)/.exec(r.stdout)?.[1] ?? wait);
  const data = { elapsed, state };
  if (r.exitCode === 0) return { kind: 'ok', msg: `${what}: after ${elapsed}s`, data };
  if (ctx.check) return { kind: 'unknown', msg: `would wait up to ${timeout}s for ${what}; not so now, and check mode cannot tell whether it will be`, data };
  if (r.exitCode === 3) return { kind: 'failed', msg: (args.msg as string | undefined) ?? `timeout after ${timeout}s waiting for ${what}`, data };
  return { kind: 'failed', msg: `wait_for failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, data };
}
