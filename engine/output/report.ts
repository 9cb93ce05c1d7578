// The --report JSON file: written atomically, same shape for check and real runs.
import type { Secrets } from '../secrets.ts';
import type { RunReport } from '../types.ts';
import { writeFileAtomic } from './atomicFile.ts';

/** Writes the report to `file` (temp file, then rename; mode 0600), every secret value redacted. */
export function writeReport(file: string, report: RunReport, secrets: Secrets): void {
  const body = {
    playbook: report.playbook,
    check: report.check,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    interrupted: report.interrupted,
    recap: report.recap,
    notRun: report.notRun,
    incomplete: report.incomplete,
    pendingHandlers: report.pendingHandlers,
    ...(report.slice ? { slice: report.slice } : {}),
    ...(report.failedHosts ? { failedHosts: report.failedHosts } : {}),
    results: report.results.map((r) => ({
      host: r.host,
      play: r.play,
      task: r.task,
      module: r.module,
      status: r.status,
      durationMs: r.durationMs,
      msg: r.msg,
      ...(r.item !== undefined ? { item: r.item } : {}),
      ...(r.ignored ? { ignored: true } : {}),
      ...(r.handler ? { handler: true } : {}),
      ...(r.diff ? { diff: r.diff } : {}),
      ...(r.warnings?.length ? { warnings: r.warnings } : {}),
      ...(r.summary?.length ? { summary: r.summary } : {}),
      ...(r.commands !== undefined ? { commands: r.commands } : {}),
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      ...(r.batch ? { batch: r.batch } : {}),
      ...(r.location ? { location: `${r.location.file}:${r.location.line}:${r.location.column}` } : {}),
    })),
  };
  writeFileAtomic(file, `${JSON.stringify(secrets.redactStrings(body), null, 2)}\n`, { createDir: false });
}

/** Hosts to retry, in inventory order: failed, unreachable, cut short by an interrupt, or never run. */
export function retryHosts(report: RunReport): string[] {
  return Object.entries(report.recap)
    .filter(([h, c]) => c.failed > 0 || c.unreachable > 0 || report.incomplete.includes(h) || report.notRun.includes(h))
    .map(([h]) => h);
}

/** Writes the retry file (one host per line), for `--limit @FILE`. */
export function writeRetryFile(file: string, hosts: string[]): void {
  writeFileAtomic(file, hosts.map((h) => `${h}\n`).join(''));
}

/** The process exit code for a finished run: 2 if any host failed, else 3 if any was unreachable, else 0. */
export function exitCodeFor(report: RunReport): number {
  if (report.interrupted) return 130;
  const counters = Object.values(report.recap);
  if (report.failedHosts ? report.failedHosts.length > 0 : counters.some((c) => c.failed > 0)) return 2;
  if (counters.some((c) => c.unreachable > 0)) return 3;
  return 0;
}
