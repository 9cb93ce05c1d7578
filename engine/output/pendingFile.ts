// The file that carries pending handler notifications from one run of a playbook to the next: beside
// the retry file, `<playbook>.handlers.json`. Removed once nothing is pending.
import { readFileSync, rmSync } from 'node:fs';
import type { PendingHandlers } from '../executor/pendingHandlers.ts';
import { writeFileAtomic } from './atomicFile.ts';

/** The pending-handlers file that goes with a retry file. */
export function pendingFileFor(retryFile: string): string {
  return `${retryFile.replace(/\.retry$/, '')}.handlers.json`;
}

/** Reads the pending notifications ({} when there is no file); a corrupt file is an error naming it. */
export function readPendingFile(file: string): PendingHandlers {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!isPending(data)) throw new Error(`${file}: not a pending-handlers file (delete it to forget the pending handlers)`);
  return data;
}

/** Writes the pending notifications atomically, or removes the file when there are none. */
export function writePendingFile(file: string, pending: PendingHandlers): void {
  if (Object.keys(pending).length === 0) {
    rmSync(file, { force: true });
    return;
  }
  writeFileAtomic(file, `${JSON.stringify(pending, null, 2)}\n`);
}

function isPending(v: unknown): v is PendingHandlers {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  return (
    isObject(v) &&
    Object.values(v).every(
      (hosts) => isObject(hosts) && Object.values(hosts).every((n) => Array.isArray(n) && n.every((x) => typeof x === 'string')),
    )
  );
}
