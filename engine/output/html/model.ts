// The facts the HTML report shows, computed from a run's report: the task columns in run order, each
// host's folded result per task (loop items folded into one cell), its spans in time, and its batch.
import type { RunReport, TaskResult, TaskStatus } from '../../types.ts';

/** One column of the grid: a task (or handler) as the run met it. */
export interface TaskColumn {
  key: string;
  play: string;
  name: string;
  where: string;
  handler: boolean;
}

/** One cell: what a task did on a host, its loop items folded. */
export interface Cell {
  status: TaskStatus | 'ignored';
  items: number;
  durationMs: number;
  startMs: number;
  msgs: string[];
  results: TaskResult[];
}

/** The report's model: columns, the cells of each host, and each host's batch. */
export interface ReportModel {
  columns: TaskColumn[];
  hosts: string[];
  cells: Map<string, Map<string, Cell>>;
  batchOf: Map<string, number>;
  /** The run's start, in epoch milliseconds. */
  t0: number;
  /** The end of the last span, relative to t0. */
  spanMs: number;
}

// The worst status of a cell's items wins: what a reader must see first.
const RANK: Record<Cell['status'], number> = { unreachable: 7, failed: 6, ignored: 5, unknown: 4, changed: 3, ok: 2, skipped: 1 };

/** Builds the model of `report`. */
export function reportModel(report: RunReport): ReportModel {
  const t0 = Date.parse(report.startedAt) || 0;
  const columns: TaskColumn[] = [];
  const columnKeys = new Set<string>();
  const cells = new Map<string, Map<string, Cell>>();
  const batchOf = new Map<string, number>();
  const hosts = [...Object.keys(report.recap), ...report.notRun.filter((h) => !(h in report.recap))];
  for (const h of hosts) cells.set(h, new Map());
  let spanMs = report.durationMs;
  for (const r of report.results) {
    const where = r.location ? `${r.location.file}:${r.location.line}` : '';
    const key = `${r.play}\u0000${r.task}\u0000${where}\u0000${r.handler ? 'h' : 't'}`;
    if (!columnKeys.has(key)) {
      columnKeys.add(key);
      columns.push({ key, play: r.play, name: r.task, where, handler: r.handler === true });
    }
    if (r.batch !== undefined && !batchOf.has(r.host)) batchOf.set(r.host, r.batch);
    let row = cells.get(r.host);
    if (!row) cells.set(r.host, (row = new Map()));
    const start = r.startedAt ? Date.parse(r.startedAt) - t0 : 0;
    const status: Cell['status'] = r.status === 'failed' && r.ignored ? 'ignored' : r.status;
    const cell = row.get(key);
    if (!cell) {
      row.set(key, { status, items: 1, durationMs: r.durationMs, startMs: start, msgs: r.msg ? [r.msg] : [], results: [r] });
    } else {
      cell.items++;
      cell.durationMs += r.durationMs;
      cell.startMs = Math.min(cell.startMs, start);
      if (RANK[status] > RANK[cell.status]) cell.status = status;
      if (r.msg && cell.msgs.length < 5) cell.msgs.push(r.msg);
      cell.results.push(r);
    }
    spanMs = Math.max(spanMs, start + r.durationMs);
  }
  return { columns, hosts, cells, batchOf, t0, spanMs };
}
