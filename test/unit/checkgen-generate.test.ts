// The generated check-mode cases (test/checkgen): deterministic per seed, valid playbooks, every module
// covered; and the comparison of a check report with a real one.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { compareStatuses, stateDiff } from '../checkgen/compare.ts';
import { compareEndStates } from '../checkgen/endState.ts';
import { generateCase } from '../checkgen/generate.ts';
import { moduleRegistry } from '../../modules/index.ts';

const options = {
  artifactBase: 'http://127.0.0.1:8765',
  artifacts: [{ path: 'containerd/containerd.service', sha256: 'ab'.repeat(32) }],
  apt: true,
};

describe('generateCase', () => {
  it('is a pure function of (seed, index)', () => {
    expect(generateCase(7, 3, options)).toEqual(generateCase(7, 3, options));
    expect(generateCase(7, 3, options).playbook).not.toBe(generateCase(7, 4, options).playbook);
    expect(generateCase(8, 3, options).playbook).not.toBe(generateCase(7, 3, options).playbook);
  });

  it('writes playbooks that load, over every host-side module the issue lists', () => {
    const seen = new Set<string>();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-cgen-'));
    for (let i = 0; i < 150; i++) {
      const c = generateCase(1, i, options);
      const caseDir = path.join(dir, c.name);
      mkdirSync(path.join(caseDir, 'templates'), { recursive: true });
      mkdirSync(path.join(caseDir, 'files'), { recursive: true });
      for (const [rel, text] of Object.entries(c.files.files)) writeFileSync(path.join(caseDir, rel), text);
      // The loader checks that controller files exist; run.ts builds the real archives with tar.
      for (const rel of Object.keys(c.files.archives)) writeFileSync(path.join(caseDir, rel), '');
      writeFileSync(path.join(caseDir, 'playbook.yml'), c.playbook);
      expect(() => loadPlaybook(path.join(caseDir, 'playbook.yml'), moduleRegistry)).not.toThrow();
      expect(c.setup).toContain(`rm -rf /srv/cg`);
      for (const m of c.modules) seen.add(m);
    }
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'apt',
        'command',
        'copy',
        'file',
        'get_url',
        'lineinfile',
        'modprobe',
        'replace',
        'stat',
        'sysctl',
        'systemd',
        'template',
        'unarchive',
      ]),
    );
  });
});

describe('comparison', () => {
  const row = (task: string, status: string, item?: unknown) => ({
    host: 'n1',
    task,
    status,
    msg: `${task} ${status}`,
    ...(item !== undefined ? { item } : {}),
  });

  it('compares statuses per (host, task, item), counting unknowns apart', () => {
    const check = {
      check: true,
      results: [row('a', 'changed'), row('b', 'unknown'), row('c', 'ok', 'x'), row('c', 'ok', 'y'), row('d', 'ok')],
    };
    const real = { check: false, results: [row('a', 'failed'), row('b', 'ok'), row('c', 'ok', 'x'), row('c', 'changed', 'y')] };
    const r = compareStatuses(check, real);
    // d: the real run stopped before it (b, unknown in check, may have failed there): not compared.
    expect(r).toMatchObject({
      compared: 3,
      agreed: 1,
      unknowns: [expect.stringMatching(/^n1 \| b \| : real=ok/)],
      afterUnknown: ['n1 | d | '],
    });
    expect(r.mismatches.map((m) => m.split('\n')[0])).toEqual([
      'n1 | a | : check=changed real=failed',
      'n1 | c | "y": check=ok real=changed',
    ]);
  });

  it('compares end states by type, mode, sha256 and link target; content not predicted is listed apart', () => {
    const stat = (s: Record<string, unknown>) => ({ exists: true, isreg: true, mode: '0644', ...s });
    const predicted = JSON.stringify([
      { item: '/a', stat: stat({ checksum: 'x' }) },
      { item: '/b', stat: stat({}) },
      { item: '/c', stat: { exists: false } },
    ]);
    const real = JSON.stringify([
      { item: '/a', stat: stat({ checksum: 'x', mode: '0600' }) },
      { item: '/b', stat: stat({ checksum: 'y' }) },
      { item: '/c', stat: { exists: true, isdir: true, mode: '0755' } },
    ]);
    expect(compareEndStates(predicted, real)).toEqual({
      differences: [
        '/a: predicted {"type":"file","mode":"0644","sha256":"x"} real {"type":"file","mode":"0600","sha256":"x"}',
        '/c: predicted {"type":"absent"} real {"type":"directory","mode":"0755"}',
      ],
      contentNotPredicted: ['/b'],
    });
    expect(stateDiff('a\nb\n', 'a\nc\n')).toEqual(['- b', '+ c']);
  });
});
