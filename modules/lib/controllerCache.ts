// Where fleetplay keeps what it remembers between runs on the controller (never on the hosts). Every
// cache there only saves time: a missing, stale or unreadable one costs speed, never correctness.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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
