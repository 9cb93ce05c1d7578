// engine/output/junit.ts: the --junit report is valid against the JUnit schema CI systems use (Jenkins
// xUnit's junit-10.xsd, pinned in test/fixtures/junit), folds loop items, and says what failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { junitXml } from '../../engine/output/junit.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';

const XSD = path.join(import.meta.dirname, '../fixtures/junit/junit-10.xsd');

/** xmllint's verdict on `xml` against the pinned schema: exit code and what it printed. */
function validate(xml: string): { code: number; out: string } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'junit-')), 'report.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint is needed (Debian package libxml2-utils; .ci/run installs it): ${r.error.message}`);
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

function result(host: string, task: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult {
  return {
    host,
    play: 'Prepare nodes',
    task,
    module: 'command',
    status,
    durationMs: 250,
    msg: '',
    location: { file: 'playbooks/site.yml', line: 12, column: 7 },
    ...extra,
  };
}

function report(results: TaskResult[], extra: Partial<RunReport> = {}): RunReport {
  return {
    playbook: 'playbooks/site.yml',
    check: false,
    startedAt: '2026-12-06T15:00:00.000Z',
    durationMs: 4321,
    recap: {},
    results,
    interrupted: false,
    notRun: [],
    incomplete: [],
    pendingHandlers: {},
    ...extra,
  };
}

describe('junitXml', () => {
  it('writes one case per host and task, loop items folded, and validates against the schema', () => {
    const xml = junitXml(
      report([
        result('node1', 'Install packages', 'changed', { item: 'curl' }),
        result('node1', 'Install packages', 'ok', { item: 'jq' }),
        result('node2', 'Install packages', 'ok', { item: 'curl' }),
        result('node2', 'Install packages', 'failed', { item: 'jq', msg: 'E: Unable to locate package jq' }),
        result('node1', 'Stop docker', 'skipped', { msg: 'when: false' }),
        result('node2', 'Stop docker', 'unreachable', { msg: 'connection refused' }),
      ]),
    );
    const v = validate(xml);
    expect(v.out).toContain('validates');
    expect(v.code).toBe(0);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('<testsuites name="playbooks/site.yml" tests="4" failures="1" errors="1" time="4.321">');
    expect(xml).toContain('<testsuite name="Prepare nodes" tests="4" failures="1" errors="1" skipped="1"');
    expect(xml).toContain('name="[node1] Install packages" classname="playbooks/site.yml:12" time="0.500"');
    expect(xml).toContain('changed (item=curl)\nok (item=jq)');
    expect(xml).toContain('<failure message="E: Unable to locate package jq">ok (item=curl)\nfailed (item=jq): E: Unable');
    expect(xml).toContain('<skipped message="when: false">');
    expect(xml).toContain('<error message="unreachable: connection refused">');
  });

  it('passes an ignored failure, skips what check mode could not predict, and lists hosts never reached', () => {
    const xml = junitXml(
      report(
        [
          result('node1', 'Probe', 'failed', { ignored: true, msg: 'exit 1' }),
          result('node1', 'Configure', 'unknown', { msg: 'depends on an install check mode did not run' }),
        ],
        { check: true, notRun: ['node9'] },
      ),
    );
    expect(validate(xml).code).toBe(0);
    expect(xml).toContain('<testsuites name="playbooks/site.yml (--check)" tests="3" failures="0" errors="0"');
    expect(xml).toMatch(/name="\[node1\] Probe"[^>]*>\s*<system-out>failed, ignored: exit 1<\/system-out>/);
    expect(xml).toContain('<skipped message="check mode could not predict this: depends on an install');
    expect(xml).toContain('name="[node9] (not run)"');
    expect(xml).toContain('<testsuite name="hosts not run" tests="1" failures="0" errors="0" skipped="1"');
  });

  it('escapes hostile text and drops the characters XML cannot hold, so the file stays valid', () => {
    const xml = junitXml(
      report([result('node1', 'Say <b>"hi"</b> & </testcase>', 'failed', { msg: 'bad\u0000byte\u001b[31m & "quote" <x>\nsecond line' })]),
    );
    expect(validate(xml).code).toBe(0);
    expect(xml).toContain('name="[node1] Say &lt;b&gt;&quot;hi&quot;&lt;/b&gt; &amp; &lt;/testcase&gt;"');
    expect(xml).toContain('message="badbyte[31m &amp; &quot;quote&quot; &lt;x&gt;&#10;second line"');
    expect(xml).not.toContain('\u0000');
  });

  it('redacts secret values in every text it writes', () => {
    const secret = 'hunter2-very-secret';
    const xml = junitXml(report([result('node1', `Log in with ${secret}`, 'failed', { msg: `denied for ${secret}` })]), (s) =>
      s.split(secret).join('********'),
    );
    expect(xml).not.toContain(secret);
    expect(xml).toContain('Log in with ********');
    expect(xml).toContain('denied for ********');
  });

  it('a document the schema rejects is caught by the check (the validator is live)', () => {
    const v = validate('<?xml version="1.0"?>\n<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>\n');
    expect(v.code).not.toBe(0);
    expect(v.out).toMatch(/tests|failures|errors|name/);
  });
});
