// Test builder: writes a tree of files into a fresh temporary directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (relative path → content) under a new temp dir and returns the dir. */
export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fleetplay-inventory-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** Writes one inventory file named `name` and returns its path. */
export function writeInventory(content: string, name = 'hosts'): string {
  return join(writeTree({ [name]: content }), name);
}

/** Runs `fn` and returns the error it throws (fails the test when nothing is thrown). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, but none was thrown');
}
