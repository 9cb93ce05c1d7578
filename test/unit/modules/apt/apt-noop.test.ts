// The autoremove no-op shortcut: the probe skips `apt-get -s autoremove` only in a dpkg state known clean.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createSlotStore } from '../../../../engine/stateSlots.ts';
import type { AptAction } from '../../../../modules/apt/aptGet.ts';
import { aptModule } from '../../../../modules/apt/index.ts';
import { probeCommand } from '../../../../modules/apt/probe.ts';
import { fakeHost } from '../../../support/fakeHost.ts';
import { flushCacheWrites } from '../../../../modules/lib/controllerCache.ts';

const autoremove: AptAction = { verb: 'autoremove', packages: [], autoremove: false, purge: false };

describe('apt probe with a known-clean dpkg state', () => {
  it('runs the simulation unless the fingerprint matches', () => {
    // Run the probe's shell with apt-get replaced by a marker, on this machine's real dpkg files.
    const run = (skip?: string) =>
      execFileSync(
        '/bin/sh',
        [
          '-c',
          `apt_get_stub() { echo SIMULATED; }; ${probeCommand([], { sim: autoremove, ...(skip !== undefined ? { skipUnchangedFrom: skip } : {}) }).replace(/\bapt-get\b/g, 'apt_get_stub')}`,
        ],
        { encoding: 'utf8' },
      );
    const first = run();
    expect(first).toContain('SIMULATED');
    const fingerprint = /@@kv fingerprint (.*)/.exec(first)?.[1] ?? '';
    expect(fingerprint).toMatch(/^\d+:\d+\.\d{9}:\d+/);
    expect(run(fingerprint)).not.toContain('SIMULATED');
    expect(run(fingerprint)).toContain('@@kv simskipped yes');
    expect(run('0:0.000000000:0 ')).toContain('SIMULATED');
  });

  it('leaves the autoremove simulation out when a named package needs work, and only then', () => {
    const run = (names: string[], skipWhenNamed: 'installed' | 'missing') =>
      execFileSync(
        '/bin/sh',
        [
          '-c',
          `apt_get_stub() { echo SIMULATED; }; ${probeCommand(names, { sim: autoremove, skipWhenNamed }).replace(/\bapt-get\b/g, 'apt_get_stub')}`,
        ],
        { encoding: 'utf8' },
      );
    // dpkg is installed on every Debian machine; the other name is known to no one.
    expect(run(['dpkg'], 'installed')).toContain('@@kv simskipped named');
    expect(run(['dpkg'], 'installed')).not.toContain('SIMULATED');
    expect(run(['fp-no-such-package'], 'installed')).toContain('SIMULATED');
    expect(run(['dpkg'], 'missing')).toContain('SIMULATED');
  });
});

describe('the no-op cache over runs (#14)', () => {
  const framed = (name: string, out: string, rc = 0) => `@@begin ${name}\n${out}\n@@end ${name} ${rc}\n`;
  const probeOut = (fp: string, sim?: string) =>
    `@@kv now 100\n@@kv stamp \n@@kv lists 50\n@@kv indexes 1\n@@kv fingerprint ${fp}\n${sim === undefined ? '@@kv simskipped yes\n' : framed('sim', sim)}`;
  let dir: string;
  let before: string | undefined;
  beforeEach(() => {
    before = process.env.FLEETPLAY_CACHE_DIR;
    dir = mkdtempSync(path.join(os.tmpdir(), 'fp-apt-noop-'));
    process.env.FLEETPLAY_CACHE_DIR = dir;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.FLEETPLAY_CACHE_DIR;
    else process.env.FLEETPLAY_CACHE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a clean autoremove is remembered on disk; a run reads the file once, the next run reads it again', async () => {
    const run = createSlotStore();
    const first = fakeHost({ name: 'n1', runState: run, answers: [["printf '@@kv now", probeOut('1:2.000000000:3 ', '')]] });
    expect(await planModule(aptModule, { autoremove: true }, first)).toMatchObject({ kind: 'ok', msg: 'nothing to autoremove' });
    expect(first.commands[0]).not.toContain('simskipped');
    // Written within seconds or at exit (writeCacheFileSoon); the test does not wait.
    flushCacheWrites();
    expect(JSON.parse(readFileSync(path.join(dir, 'apt-autoremove.json'), 'utf8'))).toEqual({ n1: '1:2.000000000:3 ' });
    // The same run knows it without reading the file again.
    writeFileSync(path.join(dir, 'apt-autoremove.json'), JSON.stringify({ n1: 'other' }));
    const again = fakeHost({ name: 'n1', runState: run, answers: [["printf '@@kv now", probeOut('1:2.000000000:3 ')]] });
    expect(await planModule(aptModule, { autoremove: true }, again)).toMatchObject({ kind: 'ok' });
    expect(again.commands[0]).toContain(`if [ "$fp" = '1:2.000000000:3 ' ]`);
    // A new run reads what the file says now.
    const next = fakeHost({ name: 'n1', runState: createSlotStore(), answers: [["printf '@@kv now", probeOut('1:2.000000000:3 ', '')]] });
    await planModule(aptModule, { autoremove: true }, next);
    expect(next.commands[0]).toContain(`if [ "$fp" = 'other' ]`);
  });
});
