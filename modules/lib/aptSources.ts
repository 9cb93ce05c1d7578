// Check mode: whether an earlier task of this run would change apt's sources (a repository added, changed
// or removed). The host's package cache does not know such a source's packages until the real run fetches it.
// Also the pattern of a Debian package name, which apt and dpkg_selections both accept.
import type { ModuleView } from '../../engine/module.ts';

/** Paths whose predicted change means the apt cache would differ after the real run's update. */
const SOURCE_PATHS = ['/etc/apt/sources.list.d', '/etc/apt/sources.list'];

/** True in check mode when an earlier task is predicted to change apt's sources. */
export function sourcesChangedInCheck(view: { check: boolean; predicted: Pick<ModuleView['predicted'], 'hasFileUnder'> }): boolean {
  return view.check && SOURCE_PATHS.some((p) => view.predicted.hasFileUnder(p));
}

/** Debian package name, optional `:arch`, optional `=version`. */
export const PACKAGE_PATTERN = '[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+:~*-]+)?';
