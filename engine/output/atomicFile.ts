// Run outputs on the controller (report, retry file, pending handlers) are written whole or not at all.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** How an output file is written. */
export interface AtomicWriteOptions {
  /** Create missing parent directories (0700). Off for a path the user named: a typo must not make directories. */
  createDir?: boolean;
  /** The file's mode (default 0600). */
  mode?: number;
}

/**
 * Writes `text` to `file` through a temp file beside it and a rename. The file is 0600: run outputs
 * name hosts, tasks and messages that only the operator should read.
 */
export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = { createDir: true }): void {
  if (options.createDir) mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: options.mode ?? 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
