// The pending-handlers file: round trip, removed when nothing is pending, a corrupt one names itself.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pendingFileFor, readPendingFile, writePendingFile } from '../../engine/output/pendingFile.ts';

describe('pending handlers file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-pending-'));
  const file = pendingFileFor(path.join(dir, 'retry', 'containerd.retry'));

  it('sits beside the retry file, round-trips, and disappears when nothing is pending', () => {
    expect(file).toBe(path.join(dir, 'retry', 'containerd.handlers.json'));
    expect(readPendingFile(file)).toEqual({});
    writePendingFile(file, { Migrate: { node1: ['restart containerd'] } });
    expect(readPendingFile(file)).toEqual({ Migrate: { node1: ['restart containerd'] } });
    writePendingFile(file, {});
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a corrupt or foreign file, naming it', () => {
    for (const text of ['{not json', '{"Migrate": {"node1": "restart"}}', '[]']) {
      writeFileSync(file, text);
      expect(() => readPendingFile(file)).toThrow(`${file}: not a pending-handlers file`);
    }
  });
});
