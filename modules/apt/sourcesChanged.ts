// Check mode: whether an earlier task of this run would change apt's sources (a repository added, changed
// or removed). The host's package cache does not know such a source's packages until the real run fetches it.
import type { ModuleContext } from '../../engine/types.ts';

/** Paths whose predicted change means the apt cache would differ after the real run's update. */
const SOURCE_PATHS = ['/etc/apt/sources.list.d', '/etc/apt/sources.list'];

/** True in check mode when an earlier task is predicted to change apt's sources. */
export function sourcesChangedInCheck(ctx: ModuleContext): boolean {
  return ctx.check && SOURCE_PATHS.some((p) => ctx.predicted.hasFileUnder(p));
}
