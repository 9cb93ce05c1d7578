// The apt cache's age and whether update_cache has work to do.
import type { AptRequest } from './request.ts';
import { keyValue } from './script.ts';

const LISTS = '/var/lib/apt/lists';
const DPKG_UPDATES = '/var/lib/dpkg/updates';

/** Ubuntu's apt hook touches this after every successful update; fleetplay touches it too (see apply.ts). */
export const UPDATE_STAMP = '/var/lib/apt/periodic/update-success-stamp';

/** When the apt cache was last updated, as the host sees it. */
export interface CacheState {
  /** Host clock, epoch seconds. */
  now: number;
  /** Epoch seconds of the last update; undefined when the host has no package indexes at all. */
  updatedAt?: number;
}

/** Whether update_cache has work to do, and how old the cache is. */
export interface CacheDecision {
  due: boolean;
  /** Seconds since the last update; undefined when never updated. */
  age?: number;
}

/** An update is due when asked for and the cache is older than cache_valid_time (or there is no cache_valid_time). */
export function cacheDecision(req: AptRequest, cache: CacheState): CacheDecision {
  const age = cache.updatedAt === undefined ? undefined : Math.max(0, cache.now - cache.updatedAt);
  const fresh = req.cacheValidTime !== undefined && age !== undefined && age <= req.cacheValidTime;
  return { due: req.updateCache && !fresh, ...(age !== undefined ? { age } : {}) };
}

/** "3 h", "12 min", "40 s". */
export function describeAge(seconds: number): string {
  if (seconds >= 7200) return `${Math.floor(seconds / 3600)} h`;
  if (seconds >= 120) return `${Math.floor(seconds / 60)} min`;
  return `${seconds} s`;
}

/** Shell lines printing the cache times and dpkg's interrupted-journal count (parseProbe reads them). */
export function cacheLines(): string[] {
  return [
    keyValue('now', '$(date +%s)'),
    keyValue('stamp', `$(stat -c %Y ${UPDATE_STAMP} 2>/dev/null)`),
    keyValue('lists', `$(stat -c %Y ${LISTS} 2>/dev/null)`),
    keyValue('indexes', `$(ls ${LISTS} 2>/dev/null | grep -c _Packages)`),
    // apt's own test for "dpkg was interrupted": journal files (all-digit names) in dpkg's updates directory.
    keyValue('interrupted', `$(ls ${DPKG_UPDATES} 2>/dev/null | grep -c '^[0-9][0-9]*$')`),
  ];
}
