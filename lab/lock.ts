// Cross-process exclusive locks, held by a child `flock` whose stdin is our pipe:
// if this process dies, the pipe closes, the child exits and the lock is released.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabError } from './types.ts';

/** Runs fn while holding an exclusive flock(1) on lockFile, waiting at most waitMs to get it. */
export async function withLock<T>(lockFile: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const waitSec = String(Math.max(1, Math.ceil(waitMs / 1000)));
  const child = spawn('flock', ['-x', '-w', waitSec, lockFile, '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('locked')) resolve();
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => reject(new LabError(`cannot run flock: ${e.message}`)));
    child.on('close', (code) => {
      reject(new LabError(`could not lock ${lockFile} within ${waitSec}s (flock exited ${code}) ${err.trim()}`));
    });
  });
  try {
    return await fn();
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise<void>((r) => child.on('close', () => r()));
      child.stdin.end();
      await closed;
    }
  }
}
