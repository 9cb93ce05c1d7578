// What include_tasks and include_role do first on each host: the include's `when` (with its blocks'),
// then its loop (loop or with_<lookup>) rendered with the lookups, as a list of items.
import type { EvalContext } from '../expr/index.ts';
import { FleetError } from '../errors.ts';
import { lookupContext } from '../lookups/index.ts';
import { expandLoop, renderLoopValue } from '../lookups/loop.ts';
import { renderValue } from '../template/render.ts';
import type { IncludeDef, Vars } from '../types.ts';
import type { PlayRun, Scope } from './playRun.ts';
import { conditionsHold } from './runTask.ts';

/** The include's items on a host with `vars` ([undefined] without a loop), or undefined when its `when` is false. */
export function includeItems(
  inc: IncludeDef,
  vars: Vars,
  scope: Scope,
  run: PlayRun,
): { items: unknown[]; lookups: EvalContext } | undefined {
  const lookups = lookupContext(inc, { playbookDir: run.play.baseDir }, vars);
  if (!conditionsHold([...scope.when, ...inc.when], vars, lookups)) return undefined;
  if (!inc.loop) return { items: [undefined], lookups };
  const rendered = renderLoopValue(inc.loop, (v) => renderValue(v, vars, inc.location, lookups));
  const items = expandLoop(inc.loop, rendered, lookups, inc.location);
  if (!Array.isArray(items))
    throw new FleetError('playbook', `loop needs a list, got ${items === null ? 'null' : typeof items}`, { location: inc.location });
  return { items, lookups };
}
