// Drives a module's steps (engine/module.ts) for one task on one host: runs the stages its probe
// yields (reads as read-only commands through the host's read-ahead store), calls decide, records
// check mode's prediction, and hands back a Plan whose apply runs the module's apply.
import type { ChangeSummary, ModuleDefinition, ModuleView, Probe, ProbeStage, Read } from '../module.ts';
import type { ExecResult, ModuleContext, Plan, StateSlot, Vars } from '../types.ts';

/** Reads shared by the hosts of one run (Read.shareKey): the first host to ask runs it. */
type SharedReads = Map<string, { host: string; result: Promise<ExecResult> }>;
const SHARED_READS: StateSlot<SharedReads> = { name: 'shared reads', init: () => new Map() };

/** A read's result as its parser sees it: `sharedFrom` names the host whose answer this is, if another's. */
export type ReadResult = ExecResult & { sharedFrom?: string };

/** The view of a task that probe and decide get. */
export function moduleView(ctx: ModuleContext): ModuleView {
  return {
    host: ctx.host,
    check: ctx.check,
    vars: ctx.vars,
    predicted: ctx.predicted,
    renderFile: ctx.renderFile,
    resolveLocalPath: ctx.resolveLocalPath,
    runState: ctx.runState,
    ...(ctx.lookups ? { lookups: ctx.lookups } : {}),
    ...(ctx.check && ctx.stream ? { stream: ctx.stream } : {}),
  };
}

/** Runs the module's probe and decide on the host; the plan's apply runs its apply. */
export async function planModule(mod: ModuleDefinition, args: Vars, ctx: ModuleContext): Promise<Plan> {
  const view = moduleView(ctx);
  const facts = await driveProbe(mod.probe(args, view), ctx);
  const decision = mod.decide(args, facts, view);
  if (ctx.check && mod.predict) mod.predict(decision, ctx.predicted, args);
  if (decision.kind !== 'change') {
    const { kind, msg, data } = decision;
    return { kind, msg, ...(data !== undefined ? { data } : {}) };
  }
  const { change, summary, ...shown } = decision;
  const apply = mod.apply;
  return {
    ...shown,
    summary,
    apply: async () => {
      if (!apply) throw new Error(`module '${mod.name}' decided on a change but has no apply step`);
      const { reconnect, stream } = ctx;
      return apply(change, { name: ctx.host, run: ctx.run, ...(reconnect ? { reconnect } : {}), ...(stream ? { stream } : {}) });
    },
  };
}

/** Runs a probe's stages on the host and returns its facts. */
export async function driveProbe<F>(probe: Probe<F>, ctx: ModuleContext): Promise<F> {
  let step = probe.next();
  while (!step.done) step = probe.next(await runStage(step.value, ctx));
  return step.value;
}

/** The first stage of the module's probe: what a look ahead may read early. Undefined when it reads nothing first. */
export function firstStage(mod: ModuleDefinition, args: Vars, view: ModuleView): ProbeStage | undefined {
  const probe = mod.probe(args, view);
  try {
    const step = probe.next();
    return step.done ? undefined : step.value;
  } finally {
    probe.return(undefined as never);
  }
}

async function runStage(stage: ProbeStage, ctx: ModuleContext): Promise<unknown[] | unknown> {
  if (stage.kind === 'local') return stage.run();
  const out: unknown[] = [];
  // One after the other: the first goes out with the rest of the stage (the look ahead lists them).
  for (const r of stage.reads) out.push(await runRead(r, ctx));
  return out;
}

async function runRead(r: Read<unknown>, ctx: ModuleContext): Promise<unknown> {
  const exec = (): Promise<ExecResult> =>
    ctx.run(r.command, {
      readOnly: true,
      ...(r.stdin !== undefined ? { stdin: r.stdin } : {}),
      ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
    });
  const result: ReadResult = r.shareKey === undefined ? await exec() : await shared(r.shareKey, ctx, exec);
  return r.parse ? r.parse(result) : result;
}

/**
 * Another host's answer when one ran (or is running) the same shared read in this run, else this host's,
 * which is then offered to the others. A host whose shared answer failed to arrive runs its own.
 */
async function shared(key: string, ctx: ModuleContext, exec: () => Promise<ExecResult>): Promise<ReadResult> {
  const reads = ctx.runState(SHARED_READS);
  const earlier = reads.get(key);
  if (earlier && earlier.host !== ctx.host) {
    try {
      return { ...(await earlier.result), sharedFrom: earlier.host };
    } catch {
      // This host reads for itself (and for those after it).
    }
  }
  const result = exec();
  const entry = { host: ctx.host, result };
  reads.set(key, entry);
  result.catch(() => {
    if (reads.get(key) === entry) reads.delete(key);
  });
  return result;
}

export type { ChangeSummary };
