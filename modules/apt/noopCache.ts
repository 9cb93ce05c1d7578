// Remembers, on the controller, that `apt-get -s autoremove` found nothing to remove for a given dpkg
// state of a host, so a converged host skips that (slow, about 1-2 s) simulation until dpkg changes.
// The file under the controller cache is what lasts between runs; a run reads it once, into its own
// state (ModuleView.runState), and writes it back (within seconds, and at exit) when a host's entry changes.
import path from 'node:path';
import type { StateSlot } from '../../engine/types.ts';
import { cacheRoot, readCacheJson, writeCacheFileSoon } from '../lib/controllerCache.ts';

/** A run's view of the cache file: its entries, read at first use. */
export interface NoopCache {
  entries?: Record<string, string>;
}

/** Where a run keeps it (ModuleView.runState). */
export const NOOP_CACHE: StateSlot<NoopCache> = { name: 'apt autoremove no-ops', init: () => ({}) };

const file = (): string => path.join(cacheRoot(), 'apt-autoremove.json');

/** Shell words that fingerprint dpkg's state: size, mtime (ns) and inode of the status and auto-marks files. */
export const DPKG_FINGERPRINT = `$(stat -c '%s:%.9Y:%i' /var/lib/dpkg/status /var/lib/apt/extended_states 2>/dev/null | tr '\\n' ' ')`;

function load(cache: NoopCache): Record<string, string> {
  if (!cache.entries) {
    const data = readCacheJson(file());
    cache.entries = data && typeof data === 'object' && !Array.isArray(data) ? { ...(data as Record<string, string>) } : {};
  }
  return cache.entries;
}

/** The fingerprint under which `host` last had nothing to autoremove, if any. */
export function knownNoop(cache: NoopCache, host: string): string | undefined {
  return load(cache)[host];
}

/** Records that `host`, in the dpkg state `fingerprint`, has nothing to autoremove. */
export function rememberNoop(cache: NoopCache, host: string, fingerprint: string): void {
  const all = load(cache);
  if (all[host] === fingerprint) return;
  all[host] = fingerprint;
  writeCacheFileSoon(file(), all);
}
