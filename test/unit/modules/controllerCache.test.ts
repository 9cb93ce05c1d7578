// modules/lib/controllerCache.ts: caches updated per host and task are written together, soon, and at exit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushCacheWrites, readCacheJson, writeCacheFileSoon } from '../../../modules/lib/controllerCache.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fp-cache-'));
});
afterEach(() => {
  flushCacheWrites();
  rmSync(dir, { recursive: true, force: true });
});

describe('cache files written soon', () => {
  it('are read back before they are written, and written once with the last data', () => {
    const file = path.join(dir, 'sub', 'hosts.json');
    for (let i = 1; i <= 200; i++) writeCacheFileSoon(file, { updates: i });
    expect(existsSync(file)).toBe(false);
    expect(readCacheJson(file)).toEqual({ updates: 200 });
    flushCacheWrites();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ updates: 200 });
    // No temp file is left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(['hosts.json']);
    expect(readCacheJson(path.join(dir, 'absent.json'))).toBeUndefined();
  });

  it('are written when the process exits before the interval ends', () => {
    const file = path.join(dir, 'at-exit.json');
    const module = pathToFileURL(path.resolve(import.meta.dirname, '..', '..', '..', 'modules', 'lib', 'controllerCache.ts')).href;
    const script = `const c = await import(${JSON.stringify(module)}); c.writeCacheFileSoon(${JSON.stringify(file)}, { kept: true }); process.exit(3);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ kept: true });
  });
});
