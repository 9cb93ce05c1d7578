// engine report merge: the --report files of a run's slices become one report of the whole fleet;
// reports that cannot be slices of one run are refused with the file that does not fit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../engine/cli/report.ts';
import { writeReport } from '../../engine/output/report.ts';
import { readReport } from '../../engine/output/reportRead.ts';
import { mergeReports } from '../../engine/output/reportMerge.ts';
import { Secrets } from '../../engine/secrets.ts';
import type { RecapCounters, RunReport, TaskResult } from '../../engine/types.ts';

const zero: RecapCounters = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, unknown: 0 };

function result(host: string, task: string, status: TaskResult['status']): TaskResult {
  return {
    host,
    play: 'nodes',
    task,
    module: 'command',
    status,
    durationMs: 100,
    msg: status,
    location: { file: 'p.yml', line: 3, column: 7 },
  };
}

/** A report of `hosts`, each with one ok and one `status` result, as slice `slice` of `count`. */
function part(
  hosts: string[],
  opts: { slice?: [number, number]; start?: string; ms?: number; status?: TaskResult['status'] } = {},
): RunReport {
  const status = opts.status ?? 'changed';
  return {
    playbook: 'playbooks/containerd.yml',
    check: false,
    startedAt: opts.start ?? '2026-12-06T15:00:00.000Z',
    durationMs: opts.ms ?? 1000,
    interrupted: false,
    recap: Object.fromEntries(hosts.map((h) => [h, { ...zero, ok: 1, [status === 'changed' ? 'changed' : status]: 1 }])),
    results: hosts.flatMap((h) => [result(h, 'one', 'ok'), result(h, 'two', status)]),
    notRun: [],
    incomplete: [],
    pendingHandlers: {},
    ...(opts.slice ? { slice: { index: opts.slice[0], count: opts.slice[1] } } : {}),
  };
}

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'merge-'));

/** Writes `r` as engine run --report does and returns the file. */
function written(d: string, name: string, r: RunReport): string {
  const file = path.join(d, name);
  writeReport(file, r, new Secrets());
  return file;
}

describe('report merge', () => {
  it('reads back what --report writes, locations and slice included', () => {
    const d = dir();
    const r = part(['a'], { slice: [1, 2] });
    expect(readReport(written(d, 'a.json', r))).toEqual(r);
  });

  it('merges slices into one recap, every result, the span of the run and the whole retry list', () => {
    const merged = mergeReports([
      { file: 'a.json', report: part(['n1', 'n3'], { slice: [1, 2], ms: 4000 }) },
      { file: 'b.json', report: part(['n2'], { slice: [2, 2], start: '2026-12-06T15:00:02.000Z', ms: 5000, status: 'failed' }) },
    ]);
    expect(Object.keys(merged.recap).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(merged.recap.n2).toEqual({ ...zero, ok: 1, failed: 1 });
    expect(merged.results).toHaveLength(6);
    expect(merged.durationMs).toBe(7000);
    expect(merged.startedAt).toBe('2026-12-06T15:00:00.000Z');
    expect(merged.slice).toBeUndefined();
  });

  it.each([
    [
      'another playbook',
      [part(['a'], { slice: [1, 2] }), { ...part(['b'], { slice: [2, 2] }), playbook: 'other.yml' }],
      /b\.json is a run of other\.yml/,
    ],
    [
      'check mixed with real',
      [part(['a'], { slice: [1, 2] }), { ...part(['b'], { slice: [2, 2] }), check: true }],
      /b\.json is a --check run/,
    ],
    ['a host twice', [part(['a', 'x'], { slice: [1, 2] }), part(['b', 'x'], { slice: [2, 2] })], /host x is in both a\.json and b\.json/],
    ['a slice missing', [part(['a'], { slice: [1, 3] }), part(['b'], { slice: [3, 3] })], /slice 2\/3 missing/],
    ['a slice twice', [part(['a'], { slice: [1, 2] }), part(['b'], { slice: [1, 2] })], /a\.json and b\.json are both slice 1\/2/],
    ['slices of different counts', [part(['a'], { slice: [1, 2] }), part(['b'], { slice: [2, 3] })], /b\.json is slice 2\/3/],
    ['a slice with a whole run', [part(['a'], { slice: [1, 2] }), part(['b'])], /b\.json is not a slice/],
  ])('refuses %s', (_what, reports, message) => {
    expect(() => mergeReports(reports.map((report, i) => ({ file: `${'ab'[i]}.json`, report })))).toThrow(message);
  });

  it('refuses a file that is not a report, naming the file and the field', () => {
    const d = dir();
    const notJson = path.join(d, 'x.json');
    writeFileSync(notJson, '{"playbook": ');
    expect(() => readReport(notJson)).toThrow(/x\.json: not JSON/);
    const wrong = path.join(d, 'y.json');
    writeFileSync(wrong, JSON.stringify({ ...part(['a']), recap: { a: { ok: 'many' } } }));
    expect(() => readReport(wrong)).toThrow(/y\.json: not a fleetplay --report file: 'recap\.a' must be counters/);
  });

  it('keeps a host named __proto__ a host', () => {
    const d = dir();
    const file = written(d, 'p.json', part(['__proto__']));
    const r = readReport(file);
    expect(Object.keys(r.recap)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(r.recap)).toBe(Object.prototype);
  });

  it('the command prints the merged recap, writes the files and exits as the whole run would', async () => {
    const d = dir();
    const a = written(d, 'a.json', part(['n1'], { slice: [1, 2] }));
    const b = written(d, 'b.json', part(['n2'], { slice: [2, 2], status: 'failed' }));
    let printed = '';
    const code = await reportCommand(
      ['merge', a, b, '--report', path.join(d, 'm.json'), '--retry-file', path.join(d, 'retry'), '--no-color'],
      (s) => void (printed += s),
    );
    expect(code).toBe(2);
    expect(printed).toMatch(/n1 +: ok=1 +changed=1/);
    expect(printed).toMatch(/n2 +: ok=1 +changed=0 .*failed=1/);
    expect(readFileSync(path.join(d, 'retry'), 'utf8')).toBe('n2\n');
    expect(Object.keys(readReport(path.join(d, 'm.json')).recap)).toEqual(['n1', 'n2']);
  });
});
