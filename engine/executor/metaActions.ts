// meta actions that change which hosts go on (Ansible's meta module): end_host, end_batch, end_play,
// clear_host_errors, reset_connection; noop and refresh_inventory do nothing (fleetplay reads the inventory once per run).
// flush_handlers stays in strategy.ts. A host that ended is 'ended' until the play is over (runPlay.ts):
// it is neither failed nor counted against max_fail_percentage, and runs no handlers, as in Ansible.
import type { TaskDef } from '../types.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import type { PlayRun, Scope } from './playRun.ts';
import { conditionsHold } from './runTask.ts';
import { lookupContext } from '../lookups/index.ts';

/** Carries out `meta: <action>` (other than flush_handlers) for `hosts` (the active ones). */
export function runMetaAction(task: TaskDef, hosts: HostRun[], scope: Scope, run: PlayRun): Promise<void> | undefined {
  const action = String(task.args.action);
  // Hosts for which the meta task's `when` (with its blocks') holds; a condition that cannot be
  // evaluated counts as false for that host and is said so.
  const chosen = (): HostRun[] =>
    hosts.filter((h) => {
      try {
        const vars = taskVars(h, run.vars, [...scope.vars, scope.perHost?.get(h.name) ?? {}, task.vars], task.location);
        return conditionsHold([...scope.when, ...task.when], vars, lookupContext(task, { playbookDir: run.play.baseDir }, vars));
      } catch (err) {
        run.events.notice?.(`meta: ${action} on ${h.name}: ${(err as Error).message}`);
        return false;
      }
    });
  switch (action) {
    case 'end_host': {
      const ended = chosen();
      for (const h of ended) h.status = 'ended';
      if (ended.length) run.events.notice?.(`meta: end_host: the play ends for ${ended.map((h) => h.name).join(', ')}`);
      return;
    }
    case 'end_batch':
    case 'end_play': {
      // Ansible ends it for every host once the condition holds for any of them.
      if (chosen().length === 0) return;
      for (const h of run.hosts) if (h.status === 'active') h.status = 'ended';
      if (action === 'end_play') run.state.ended = true;
      run.events.notice?.(action === 'end_play' ? 'meta: end_play: the play ends for every host' : 'meta: end_batch: this batch ends');
      return;
    }
    case 'clear_host_errors':
      // Failed and unreachable hosts of this batch take the next tasks again (their recap keeps the failure).
      for (const h of run.hosts) {
        if (h.status === 'failed' || h.status === 'unreachable') h.status = 'active';
        h.errorsCleared = true;
      }
      return;
    case 'reset_connection':
      // The next task logs in again, so a group added to the login user (user: groups: docker) applies.
      return Promise.all(chosen().map((h) => h.conn.reset?.())).then(() => undefined);
    case 'refresh_inventory':
      run.events.notice?.('meta: refresh_inventory does nothing in fleetplay: the inventory is read once per run');
      return;
    default:
      // noop (and flush_handlers, which strategy.ts runs).
      return;
  }
}
