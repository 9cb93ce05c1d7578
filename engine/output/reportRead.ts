// Reads a --report JSON file back (for `engine report merge`), checking its shape: a file that is not a
// fleetplay report gets an error that names it and the field, not a crash later.
import { readFileSync } from 'node:fs';
import { FleetError } from '../errors.ts';
import type { RecapCounters, RunReport, TaskResult, TaskStatus } from '../types.ts';

const STATUSES: readonly TaskStatus[] = ['ok', 'changed', 'failed', 'skipped', 'unreachable', 'unknown'];
const COUNTERS: readonly (keyof RecapCounters)[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored', 'unknown'];

/** The report in `file`, or a FleetError('arguments') naming the file and what is wrong. */
export function readReport(file: string): RunReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FleetError('arguments', `cannot read report ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new FleetError('arguments', `${file}: not JSON: ${(err as Error).message}`);
  }
  return parseReport(body, file);
}

/** Checks the shape of a parsed report; `where` names it in errors. */
export function parseReport(body: unknown, where: string): RunReport {
  const bad = (field: string, expected: string): never => {
    throw new FleetError('arguments', `${where}: not a fleetplay --report file: '${field}' must be ${expected}`);
  };
  if (!isObject(body)) return bad('(top level)', 'a mapping');
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : bad(k, 'text'));
  const bool = (k: string) => (typeof body[k] === 'boolean' ? (body[k] as boolean) : bad(k, 'true or false'));
  const strings = (k: string): string[] => {
    const v = body[k];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : bad(k, 'a list of host names');
  };
  if (!isObject(body.recap)) bad('recap', 'a mapping of host to counters');
  // fromEntries defines own properties: a host named __proto__ stays a host, never a prototype.
  const recap: Record<string, RecapCounters> = Object.fromEntries(
    Object.entries(body.recap as Record<string, unknown>).map(([host, c]) => {
      if (!isObject(c) || !COUNTERS.every((k) => typeof c[k] === 'number' && Number.isInteger(c[k])))
        bad(`recap.${host}`, `counters ${COUNTERS.join(', ')}`);
      return [host, Object.fromEntries(COUNTERS.map((k) => [k, (c as Record<string, number>)[k]])) as unknown as RecapCounters];
    }),
  );
  if (!Array.isArray(body.results)) bad('results', 'a list');
  const results = (body.results as unknown[]).map((r, i) => parseResult(r, `results[${i}]`, bad));
  const pending = body.pendingHandlers ?? {};
  if (!isObject(pending) || !Object.values(pending).every((hosts) => isObject(hosts) && Object.values(hosts).every(isStringList)))
    bad('pendingHandlers', 'a mapping of play to host to handler names');
  const durationMs = body.durationMs;
  if (typeof durationMs !== 'number') bad('durationMs', 'a number');
  const report: RunReport = {
    playbook: str('playbook'),
    check: bool('check'),
    startedAt: str('startedAt'),
    durationMs: durationMs as number,
    interrupted: bool('interrupted'),
    recap,
    results,
    notRun: strings('notRun'),
    incomplete: strings('incomplete'),
    pendingHandlers: pending as Record<string, Record<string, string[]>>,
  };
  if (body.failedHosts !== undefined) report.failedHosts = strings('failedHosts');
  if (body.slice !== undefined) {
    const s = body.slice;
    if (
      !isObject(s) ||
      !Number.isInteger(s.index) ||
      !Number.isInteger(s.count) ||
      (s.index as number) < 1 ||
      (s.index as number) > (s.count as number)
    )
      bad('slice', 'a mapping {index, count} with 1 ≤ index ≤ count');
    report.slice = { index: (s as { index: number }).index, count: (s as { count: number }).count };
  }
  return report;
}

// One result line; `location` is written as FILE:LINE:COLUMN and read back into its parts.
function parseResult(r: unknown, at: string, bad: (field: string, expected: string) => never): TaskResult {
  if (!isObject(r)) return bad(at, 'a mapping');
  for (const k of ['host', 'play', 'task', 'module', 'msg'] as const) if (typeof r[k] !== 'string') bad(`${at}.${k}`, 'text');
  if (!STATUSES.includes(r.status as TaskStatus)) bad(`${at}.status`, `one of ${STATUSES.join(', ')}`);
  if (typeof r.durationMs !== 'number') bad(`${at}.durationMs`, 'a number');
  const { location, ...rest } = r;
  const result = { ...rest } as unknown as TaskResult;
  if (typeof location === 'string') {
    const m = /^(.*):(\d+):(\d+)$/.exec(location);
    if (!m) bad(`${at}.location`, 'FILE:LINE:COLUMN');
    result.location = { file: m![1]!, line: Number(m![2]), column: Number(m![3]) };
  }
  return result;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
