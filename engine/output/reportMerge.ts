// `engine report merge`: the reports of the slices of one run (--slice I/N, one process each) become
// the report of the whole fleet: one recap, every result, the hosts to retry. Reports that cannot be
// parts of one run (another playbook, check mixed with real, a host twice, a slice missing) are refused.
import { FleetError } from '../errors.ts';
import type { RunReport } from '../types.ts';

/** One report and the file it came from (for messages). */
export interface NamedReport {
  file: string;
  report: RunReport;
}

/** The merged report; throws FleetError('arguments') when the parts do not make one run. */
export function mergeReports(parts: NamedReport[]): RunReport {
  const [first, ...rest] = parts;
  if (!first) throw new FleetError('arguments', 'report merge: name at least one report');
  for (const p of rest) {
    if (p.report.playbook !== first.report.playbook)
      refuse(`${p.file} is a run of ${p.report.playbook}, ${first.file} of ${first.report.playbook}`);
    if (p.report.check !== first.report.check) refuse(`${p.file} is ${mode(p.report)} and ${first.file} is ${mode(first.report)}`);
  }
  checkSlices(parts);
  const owner = new Map<string, string>();
  for (const p of parts) {
    for (const host of hostsOf(p.report)) {
      const other = owner.get(host);
      if (other !== undefined && other !== p.file)
        refuse(`host ${host} is in both ${other} and ${p.file}: they are not disjoint slices of one run`);
      owner.set(host, p.file);
    }
  }
  const starts = parts.map((p) => Date.parse(p.report.startedAt));
  const ends = parts.map((p, i) => starts[i]! + p.report.durationMs);
  const start = Math.min(...starts);
  const pendingHandlers: RunReport['pendingHandlers'] = {};
  for (const p of parts)
    for (const [play, hosts] of Object.entries(p.report.pendingHandlers))
      Object.defineProperty(pendingHandlers, play, { value: { ...pendingHandlers[play], ...hosts }, enumerable: true, writable: true });
  return {
    playbook: first.report.playbook,
    check: first.report.check,
    startedAt: Number.isFinite(start) ? new Date(start).toISOString() : first.report.startedAt,
    // The slices ran side by side: the whole took from the first start to the last end.
    durationMs: Number.isFinite(start) ? Math.max(...ends) - start : Math.max(...parts.map((p) => p.report.durationMs)),
    interrupted: parts.some((p) => p.report.interrupted),
    recap: Object.fromEntries(parts.flatMap((p) => Object.entries(p.report.recap))),
    results: parts.flatMap((p) => p.report.results),
    notRun: parts.flatMap((p) => p.report.notRun),
    incomplete: parts.flatMap((p) => p.report.incomplete),
    pendingHandlers,
    // Hosts that ended failed (clear_host_errors aside): known only when every part says.
    ...(parts.every((p) => p.report.failedHosts) ? { failedHosts: parts.flatMap((p) => p.report.failedHosts!) } : {}),
  };
}

// Sliced reports must be the slices 1..N of one N, each once; unsliced ones (disjoint --limit runs) may mix.
function checkSlices(parts: NamedReport[]): void {
  const sliced = parts.filter((p) => p.report.slice);
  if (sliced.length === 0) return;
  if (sliced.length !== parts.length)
    refuse(`${parts.find((p) => !p.report.slice)!.file} is not a slice, ${sliced[0]!.file} is: merge the slices of one run`);
  const count = sliced[0]!.report.slice!.count;
  const seen = new Map<number, string>();
  for (const p of sliced) {
    const s = p.report.slice!;
    if (s.count !== count) refuse(`${p.file} is slice ${s.index}/${s.count}, ${sliced[0]!.file} is one of ${count}`);
    const twice = seen.get(s.index);
    if (twice) refuse(`${twice} and ${p.file} are both slice ${s.index}/${count}`);
    seen.set(s.index, p.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length)
    refuse(
      `slice${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the merged recap would leave out their hosts`,
    );
}

function hostsOf(report: RunReport): Set<string> {
  return new Set([...Object.keys(report.recap), ...report.notRun, ...report.results.map((r) => r.host)]);
}

function mode(report: RunReport): string {
  return report.check ? 'a --check run' : 'a real run';
}

function refuse(why: string): never {
  throw new FleetError('arguments', `report merge: ${why}`);
}
