// The autoremove no-op shortcut: the probe skips `apt-get -s autoremove` only in a dpkg state known clean.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AptAction } from '../../../modules/apt/aptGet.ts';
import { probeCommand } from '../../../modules/apt/probe.ts';

const autoremove: AptAction = { verb: 'autoremove', packages: [], autoremove: false, purge: false };

describe('apt probe with a known-clean dpkg state', () => {
  it('runs the simulation unless the fingerprint matches', () => {
    // Run the probe's shell with apt-get replaced by a marker, on this machine's real dpkg files.
    const run = (skip?: string) =>
      execFileSync('/bin/sh', ['-c', `apt_get_stub() { echo SIMULATED; }; ${probeCommand([], { sim: autoremove, ...(skip !== undefined ? { skipUnchangedFrom: skip } : {}) }).replace(/\bapt-get\b/g, 'apt_get_stub')}`], { encoding: 'utf8' });
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
      execFileSync('/bin/sh', ['-c', `apt_get_stub() { echo SIMULATED; }; ${probeCommand(names, { sim: autoremove, skipWhenNamed }).replace(/\bapt-get\b/g, 'apt_get_stub')}`], { encoding: 'utf8' });
    // dpkg is installed on every Debian machine; the other name is known to no one.
    expect(run(['dpkg'], 'installed')).toContain('@@kv simskipped named');
    expect(run(['dpkg'], 'installed')).not.toContain('SIMULATED');
    expect(run(['fp-no-such-package'], 'installed')).toContain('SIMULATED');
    expect(run(['dpkg'], 'missing')).toContain('SIMULATED');
  });
});
