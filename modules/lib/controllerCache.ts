// Where fleetplay keeps what it remembers between runs on the controller (never on the hosts). Every
// cache there only saves time: a missing, stale or unreadable one costs speed, never correctness.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The cache root: $FLEETPLAY_CACHE_DIR, else ~/.cache/fleetplay. Read on every call, so tests can point it elsewhere. */
export function cacheRoot(): string {
  return process.env.FLEETPLAY_CACHE_DIR || path.join(os.homedir(), '.cache', 'fleetplay');
}

/** Writes a cache file atomically (temp file, rename); a cache that cannot be written is skipped. */
export function writeCacheFile(file: string, data: unknown): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // A read-only home must not fail the task.
  }
}

// Files written soon (writeCacheFileSoon), by path: the latest data for each, written together.
const pending = new Map<string, unknown>();
let flushTimer: NodeJS.Timeout | undefined;
/** How long a soon-written file may wait: caches written per host and task coalesce within it. */
const FLUSH_MS = 2000;

/**
 * Writes a cache file within FLUSH_MS, or when the process exits, with the data last given for it.
 * A cache updated per host and task (the hash tables, the shared autoremove file) is then written once
 * per interval rather than once per update. A kill -9 loses at most the last interval's entries, which
 * costs speed on the next run, never correctness. readCacheJson sees the data before it is written.
 */
export function writeCacheFileSoon(file: string, data: unknown): void {
  pending.set(file, data);
  if (flushTimer) return;
  if (pending.size === 1) process.once('exit', flushCacheWrites);
  flushTimer = setTimeout(flushCacheWrites, FLUSH_MS);
  flushTimer.unref();
}

/** Writes every pending cache file now. */
export function flushCacheWrites(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  process.removeListener('exit', flushCacheWrites);
  const files = [...pending];
  pending.clear();
  for (const [file, data] of files) writeCacheFile(file, data);
}

/** A cache file's JSON: what writeCacheFileSoon last gave for it, else what the file holds; undefined when neither. */
export function readCacheJson(file: string): unknown {
  if (pending.has(file)) return pending.get(file);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
