// End-to-end: --report-html of real lab runs (the containerd playbook on two legacy nodes, plus a host
// where nothing listens), opened in a real browser (Chromium from Debian, driven by playwright-core):
// what the page shows, no console errors, nothing loaded from anywhere; and a 200-host × 30-task report
// renders in under a second (the bound).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { htmlReport } from '../../engine/output/html/index.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { ROOT, bootLab, engine, tmpDir } from './support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let lab: LabState;
let inventory: string;
let browser: Browser;

beforeAll(async () => {
  lab = await bootLab('html', 2, 'legacy', 38);
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'group_vars'));
  copyFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), path.join(dir, 'group_vars/kube.yml'));
  inventory = path.join(dir, 'hosts');
  // ghost: a host where nothing listens (127.0.1.251 is kept free), so the report has a problem to show.
  writeFileSync(
    inventory,
    `${readFileSync(lab.inventoryFile, 'utf8')}\n[kube:children]\n${lab.name}\n[kube]\nghost ansible_host=127.0.1.251 ansible_user=root\n`,
  );
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  await labDown({ name: 'html' });
});

/** Opens `file` in a fresh page; returns the page and what the console and the network saw. */
async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`);
  return { page, errors, requests };
}

describe('--report-html in a real browser', () => {
  it('a --check run: the plan, the grid of every host and task, the unreachable host and no console error', async () => {
    const file = path.join(tmpDir(), 'check.html');
    const r = await engine(['run', 'playbooks/containerd.yml', '-i', inventory, '--check', '--timeout', '3', '--report-html', file]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const { page, errors, requests } = await open(file);
    expect(await page.title()).toBe('fleetplay · playbooks/containerd.yml (--check)');
    expect(await page.textContent('#summary')).toBe('3 hosts · 2 would change · 0 failed · 1 unreachable');
    expect(await page.textContent('#plan pre')).toMatch(/PLAN \(what the real run would do\)\n\s+html-1, html-2: \d+ changes: /);
    // One grid row per host; a node's row has a cell per task it met, the ghost only its fact gathering.
    expect(await page.locator('table.grid tbody tr').count()).toBe(3);
    const nodeCells = await page.locator('table.grid tbody tr[data-host="html-1"] td:not(.none)').count();
    expect(nodeCells).toBeGreaterThan(20);
    expect(await page.locator('table.grid tbody tr[data-host="ghost"] td.unreachable').count()).toBe(1);
    expect(await page.locator('table.grid tbody tr[data-host="html-1"] td.changed').count()).toBeGreaterThan(5);
    expect(await page.textContent('#problems li[data-host="ghost"]')).toMatch(
      /ghost unreachable at .*cannot connect to 127\.0\.1\.251:22/s,
    );
    // A check run writes no retry file, so it offers no retry command.
    expect(await page.locator('pre.retry').count()).toBe(0);
    expect(await page.locator('#timeline .lane').count()).toBe(3);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    await page.close();
  });

  it('the real run: changed cells, diffs, the retry command, and the timeline of each host', async () => {
    const file = path.join(tmpDir(), 'apply.html');
    const retry = path.join(tmpDir(), 'kube.retry');
    const r = await engine([
      'run',
      'playbooks/containerd.yml',
      '-i',
      inventory,
      '--diff',
      '--timeout',
      '3',
      '--retry-file',
      retry,
      '--report-html',
      file,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const { page, errors } = await open(file);
    expect(await page.textContent('#summary')).toBe('3 hosts · 2 changed · 0 failed · 1 unreachable');
    expect(await page.textContent('pre.retry')).toBe(`npx tsx engine run playbooks/containerd.yml -i ${inventory} --limit @${retry}`);
    expect(await page.locator('#plan').count()).toBe(0);
    expect(await page.locator('#recap tr.host-unreachable[data-host="ghost"]').count()).toBe(1);
    expect(await page.locator('#diffs details').count()).toBeGreaterThan(4);
    expect(await page.locator('#diffs summary', { hasText: 'config.toml with SystemdCgroup for runc' }).count()).toBe(2);
    // Spans sit inside their track: every left offset is within 0-100%.
    const lefts = await page
      .locator('#timeline .lane[data-host="html-2"] i')
      .evaluateAll((spans) => spans.map((s) => Number.parseFloat((s as HTMLElement).style.left)));
    expect(lefts.length).toBeGreaterThan(15);
    expect(lefts.every((l) => l >= 0 && l <= 100)).toBe(true);
    expect(errors).toEqual([]);
    if (process.env.FLEETPLAY_SCREENSHOT) await page.screenshot({ path: process.env.FLEETPLAY_SCREENSHOT, fullPage: false });
    await page.close();
  });

  it('renders a 200-host × 30-task rollout in under a second', async () => {
    const file = path.join(tmpDir(), 'big.html');
    writeFileSync(file, htmlReport(bigReport(200, 30)));
    const { page, errors } = await open(file);
    const ms = await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      return nav!.loadEventEnd - nav!.startTime;
    });
    expect(await page.locator('table.grid tbody tr').count()).toBe(200);
    expect(await page.locator('table.grid tbody td').count()).toBe(200 * 30);
    expect(await page.textContent('#summary')).toBe('200 hosts · 194 changed · 4 failed · 2 unreachable');
    expect(errors).toEqual([]);
    expect(ms).toBeLessThan(1000);
    await page.close();
  });
});

/** A rollout of `hosts` hosts in batches of 50, each running `tasks` tasks; a few fail or are unreachable. */
function bigReport(hosts: number, tasks: number): RunReport {
  const t0 = Date.parse('2026-12-06T12:00:00Z');
  const results: TaskResult[] = [];
  const recap: RunReport['recap'] = {};
  for (let h = 0; h < hosts; h++) {
    const host = `node${String(h + 1).padStart(3, '0')}`;
    const batch = Math.floor(h / 50) + 1;
    const counters = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, unknown: 0 };
    for (let t = 0; t < tasks; t++) {
      const status: TaskResult['status'] =
        h % 50 === 7 && t === 12 ? 'failed' : h % 100 === 33 && t === 0 ? 'unreachable' : t % 3 === 0 ? 'changed' : 'ok';
      counters[status]++;
      results.push({
        host,
        play: 'Roll out',
        task: `Task ${t + 1}`,
        module: 'command',
        status,
        durationMs: 200 + ((h * 7 + t * 13) % 300),
        msg: status === 'failed' ? 'exit 1: no space left on device' : '',
        location: { file: 'site.yml', line: 10 + t * 4, column: 7 },
        startedAt: new Date(t0 + (batch - 1) * 20_000 + t * 600).toISOString(),
        batch,
      });
      if (status === 'unreachable' || status === 'failed') break;
    }
    // Cells a host never reached stay empty; the grid still has one per task.
    recap[host] = counters;
  }
  return {
    playbook: 'site.yml',
    check: false,
    startedAt: new Date(t0).toISOString(),
    durationMs: 80_000,
    recap,
    results,
    interrupted: false,
    notRun: [],
    incomplete: [],
    pendingHandlers: {},
  };
}
