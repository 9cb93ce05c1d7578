// engine/output/html: the HTML report escapes what hosts and tasks are called and what they print,
// folds loop items into one cell, redacts secrets, and loads nothing (no script, no external file).
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlReport, writeHtmlReport } from '../../engine/output/html/index.ts';
import { Secrets } from '../../engine/secrets.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';

function result(host: string, task: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult {
  return { host, play: 'p', task, module: 'command', status, durationMs: 100, msg: '', startedAt: '2026-12-06T12:00:01.000Z', ...extra };
}

function report(results: TaskResult[], extra: Partial<RunReport> = {}): RunReport {
  const recap: RunReport['recap'] = {};
  for (const r of results) {
    recap[r.host] ??= { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, unknown: 0 };
    recap[r.host]![r.status]++;
  }
  return {
    playbook: 'site.yml',
    check: false,
    startedAt: '2026-12-06T12:00:00.000Z',
    durationMs: 3000,
    recap,
    results,
    interrupted: false,
    notRun: [],
    incomplete: [],
    pendingHandlers: {},
    ...extra,
  };
}

describe('htmlReport', () => {
  it('escapes hostile names and messages: no markup from the run reaches the page', () => {
    const html = htmlReport(
      report([result('<img src=x onerror=alert(1)>', '<script>alert(2)</script>', 'failed', { msg: '"><script>alert(3)</script>' })]),
    );
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(3)');
    // The page forbids every load (scripts, images, fonts, connections); only its inline style applies.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('folds loop items into one cell that shows the worst status and the count', () => {
    const html = htmlReport(
      report([
        result('n1', 'Install', 'ok', { item: 'a' }),
        result('n1', 'Install', 'changed', { item: 'b' }),
        result('n1', 'Install', 'ok', { item: 'c' }),
        result('n2', 'Install', 'ok', { item: 'a' }),
      ]),
    );
    expect(html).toMatch(/<tr data-host="n1"><th>n1<\/th><td class="changed" title="n1 · Install: changed \(3 items\)[^"]*">3<\/td><\/tr>/);
    expect(html).toMatch(/<tr data-host="n2"><th>n2<\/th><td class="ok" title="[^"]*">1?<\/td><\/tr>/);
  });

  it('redacts secret values everywhere it writes', () => {
    const secrets = new Secrets();
    secrets.add(['s3cr3t-token-value']);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'html-')), 'r.html');
    writeHtmlReport(
      file,
      report([result('n1', 'Log in with s3cr3t-token-value', 'failed', { msg: 'denied: s3cr3t-token-value' })]),
      secrets,
      {
        retryCommand: 'npx tsx engine run site.yml -e token=s3cr3t-token-value',
      },
    );
    const html = readFileSync(file, 'utf8');
    expect(html).not.toContain('s3cr3t-token-value');
    expect(html).toContain('Log in with ');
  });

  it('lists failed and unreachable hosts with their messages and the retry command', () => {
    const html = htmlReport(
      report([
        result('n1', 'Write config', 'failed', { msg: 'disk full' }),
        result('n2', 'Gather facts', 'unreachable', { msg: 'timed out' }),
      ]),
      { retryCommand: 'npx tsx engine run site.yml -i inv --limit @site.retry' },
    );
    expect(html).toMatch(/<li class="failed" data-host="n1"><b>n1<\/b> failed at <i>Write config<\/i><pre>disk full<\/pre><\/li>/);
    expect(html).toMatch(
      /<li class="unreachable" data-host="n2"><b>n2<\/b> unreachable at <i>Gather facts<\/i><pre>timed out<\/pre><\/li>/,
    );
    expect(html).toContain('<pre class="retry">npx tsx engine run site.yml -i inv --limit @site.retry</pre>');
    expect(html).toContain('<p class="verdict bad" id="summary">2 hosts · 0 changed · 1 failed · 1 unreachable</p>');
  });
});
