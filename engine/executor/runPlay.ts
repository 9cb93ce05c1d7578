// One play: rolling batches (serial), each gathering facts, running pre_tasks, tasks, post_tasks and
// flushing handlers, with the failure budget checked between batches.
import { FleetError } from '../errors.ts';
import { isLinear } from '../playbook/keywords.ts';
import { HostKeyError } from '../connection/ssh.ts';
import { UnreachableError } from '../errors.ts';
import { renderValue } from '../template/render.ts';
import type { TaskResult } from '../types.ts';
import { batchSizes, budgetExceeded, splitBatches } from './batches.ts';
import { remoteUserFor } from './remoteUser.ts';
import { addFacts, gatherFacts } from './facts.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import { lookupContext } from '../lookups/index.ts';
import { rootScope, type PlayRun } from './playRun.ts';
import { flushHandlers, runNodes } from './strategy.ts';
import { conditionsHold } from './runTask.ts';

/** Runs the play batch by batch; 'stopped' when the failure budget or any_errors_fatal ended the rollout. */
export async function runPlay(run: PlayRun): Promise<'done' | 'stopped'> {
  try {
    return await runBatches(run);
  } finally {
    // meta end_host / end_batch / end_play end this play only.
    for (const h of run.hosts) if (h.status === 'ended') h.status = 'active';
  }
}

async function runBatches(run: PlayRun): Promise<'done' | 'stopped'> {
  // serial may be templated; it sees the first host's variables (inventory, playbook defaults, -e).
  const first = run.hosts[0];
  const serial = first ? renderPlayValue(run, first, run.play.serial) : undefined;
  // A templated strategy (`"{{ test_strategy | default('linear') }}"`) sees the first host's variables, as serial does.
  const strategy = first && run.play.strategy !== undefined ? String(renderPlayValue(run, first, run.play.strategy)) : 'linear';
  if (!isLinear(strategy))
    throw new FleetError('playbook', `strategy '${strategy}' is not supported: fleetplay runs plays with the linear strategy only`, {
      location: run.play.location,
    });
  const batches = splitBatches(run.hosts, batchSizes(serial, run.hosts.length, run.play.location));
  const resumed = run.resumeBatchesDone ?? 0;
  if (resumed > 0)
    run.events.notice?.(
      `resuming: batch${resumed > 1 ? `es 1-${resumed}` : ' 1'} of ${batches.length} finished before the controller stopped`,
    );
  for (const [i, batch] of batches.entries()) {
    if (run.stopping()) return 'stopped';
    if (i < resumed) {
      for (const h of batch) h.attempted = true;
      continue;
    }
    const active = batch.filter((h) => h.status === 'active');
    const batchRun: PlayRun = { ...run, hosts: active, ...(run.play.serial !== undefined ? { batch: i + 1 } : {}) };
    run.vars.batch = active;
    if (run.play.serial !== undefined) run.events.batchStart?.({ index: i + 1, count: batches.length, hosts: active.map((h) => h.name) });
    await runBatch(batchRun);
    if (run.stopping()) {
      for (const h of active) if (h.status === 'active') run.state.incomplete.add(h.name);
      return 'stopped';
    }
    // The whole batch counts: with --resume, its hosts that failed before the controller died too.
    const failed = batch.filter((h) => h.status !== 'active' && h.status !== 'ended').length;
    const fatal = run.state.fatal;
    if (fatal || budgetExceeded(failed, batch.length, run.play.maxFailPercentage)) {
      const left = batches
        .slice(i + 1)
        .flat()
        .map((h) => h.name);
      const why = fatal
        ? 'any_errors_fatal: a host failed'
        : `${failed} of ${batch.length} hosts of batch ${i + 1} failed or were unreachable${run.play.maxFailPercentage !== undefined ? ` (max_fail_percentage ${run.play.maxFailPercentage})` : ''}`;
      run.events.notice?.(`rollout stopped: ${why}${left.length ? `; not run: ${left.join(', ')}` : ''}`);
      return 'stopped';
    }
    if (run.state.ended) return 'done';
  }
  return 'done';
}

async function runBatch(run: PlayRun): Promise<void> {
  // --start-at-task: each rolling batch skips to the start task again.
  if (run.startAt) run.startAt.reached = false;
  if (run.play.gatherFacts) await runGatherFacts(run);
  const scope = rootScope(run.play);
  for (const section of [run.play.preTasks, run.play.tasks, run.play.postTasks]) {
    if (run.stopping() || run.state.fatal) return;
    // What an earlier run left pending is flushed with the tasks' own notifications (one restart, not two).
    if (section === run.play.tasks) for (const h of run.hosts) for (const n of h.carried.keys()) [h.notified.add(n), h.carried.delete(n)];
    await runNodes(section, run.hosts, scope, run);
    if (!run.stopping() && !run.state.fatal) await flushHandlers(run, scope);
  }
}

async function runGatherFacts(run: PlayRun): Promise<void> {
  const active = run.hosts.filter((h) => h.status === 'active');
  if (active.length === 0) return;
  run.events.taskStart({ title: 'Gathering Facts', handler: false });
  // A play brought by an import_playbook with a `when` gathers facts only where it holds (as Ansible's gather task).
  const hosts = active.filter((h) => gathersOn(run, h));
  await Promise.all(
    hosts.map((h) =>
      run.limit(async () => {
        const started = Date.now();
        h.attempted = true;
        let status: TaskResult['status'] = 'ok';
        let msg = '';
        try {
          // gather_subset may be templated, like serial: it sees the host's variables known before gathering.
          const subset = run.play.gatherSubset === undefined ? undefined : renderPlayValue(run, h, run.play.gatherSubset);
          const remoteUser = remoteUserFor(run.play.remoteUser, taskVars(h, run.vars, [], run.play.location));
          const { facts, failed } = await gatherFacts(h.conn, {
            subset,
            timeout: run.play.gatherTimeout,
            ...(remoteUser ? { remoteUser } : {}),
          });
          addFacts(h.facts, facts);
          if (failed) [status, msg] = ['failed', failed];
          else
            msg = `${String(facts.ansible_distribution)} ${String(facts.ansible_distribution_version)} ${String(facts.ansible_architecture)}`;
        } catch (err) {
          status = err instanceof UnreachableError ? 'unreachable' : 'failed';
          msg = (err as Error).message;
          if (!(err instanceof UnreachableError) && !(err instanceof HostKeyError)) msg = `fact gathering failed: ${msg}`;
        }
        if (status === 'ok') h.counters.ok++;
        else if (status === 'unreachable') [h.counters.unreachable, h.status] = [h.counters.unreachable + 1, 'unreachable'];
        else [h.counters.failed, h.status] = [h.counters.failed + 1, 'failed'];
        if (status === 'failed' && run.play.anyErrorsFatal) run.state.fatal = true;
        run.events.result({
          host: h.name,
          play: run.playName,
          task: 'Gathering Facts',
          module: 'gather_facts',
          status,
          durationMs: Date.now() - started,
          msg,
          commands: 1,
          startedAt: new Date(started).toISOString(),
          ...(run.batch ? { batch: run.batch } : {}),
        });
      }),
    ),
  );
}

function gathersOn(run: PlayRun, h: HostRun): boolean {
  const when = run.play.importWhen;
  if (!when?.length) return true;
  const vars = taskVars(h, run.vars, [], run.play.location);
  let holds: boolean;
  try {
    holds = conditionsHold(when, vars, lookupContext(run.play, { playbookDir: run.play.baseDir }, vars));
  } catch {
    // The same condition fails each task of the play, with its message; gathering waits for none of them.
    holds = false;
  }
  if (!holds) {
    h.counters.skipped++;
    const at = new Date().toISOString();
    run.events.result({
      host: h.name,
      play: run.playName,
      task: 'Gathering Facts',
      module: 'gather_facts',
      status: 'skipped',
      durationMs: 0,
      msg: 'Conditional result was False',
      commands: 0,
      startedAt: at,
    });
  }
  return holds;
}

/** A templated play keyword (serial, gather_subset) with `host`'s variables known before gathering, and the lookups. */
function renderPlayValue(run: PlayRun, host: HostRun, value: unknown): unknown {
  const vars = taskVars(host, run.vars, [], run.play.location);
  return renderValue(value, vars, run.play.location, lookupContext(run.play, { playbookDir: run.play.baseDir }, vars));
}
