// The --report-html FILE report: one self-contained HTML file (no script, no network, no external
// file) that shows a rollout: the recap, problems and the retry command, the plan of a --check run, a
// host × task grid, a timeline per batch, and the diffs. Every secret value is redacted first.
import type { Secrets } from '../../secrets.ts';
import type { RunReport } from '../../types.ts';
import { writeFileAtomic } from '../atomicFile.ts';
import { reportModel } from './model.ts';
import { diffSection, esc, gridSection, planSection, problemsSection, recapSection, timelineSection } from './sections.ts';
import { STYLE } from './style.ts';

/** What the page says beside the report itself. */
export interface HtmlReportOptions {
  /** The command that retries the hosts that did not finish (a real run with some). */
  retryCommand?: string;
  /** The plan summary of a --check run (formatPlan). */
  plan?: string;
}

/** Writes the HTML report of `report` to `file` (atomically, 0600), every secret value redacted. */
export function writeHtmlReport(file: string, report: RunReport, secrets: Secrets, options: HtmlReportOptions = {}): void {
  const clean = secrets.redactStrings(report);
  const opts = {
    ...(options.retryCommand ? { retryCommand: secrets.redact(options.retryCommand) } : {}),
    ...(options.plan ? { plan: secrets.redact(options.plan) } : {}),
  };
  writeFileAtomic(file, htmlReport(clean, opts), { createDir: false });
}

/** The HTML page of a run. */
export function htmlReport(report: RunReport, options: HtmlReportOptions = {}): string {
  const model = reportModel(report);
  const hosts = Object.keys(report.recap).length + report.notRun.filter((h) => !(h in report.recap)).length;
  const failed = Object.values(report.recap).filter((c) => c.failed > 0).length;
  const unreachable = Object.values(report.recap).filter((c) => c.unreachable > 0 && c.failed === 0).length;
  const changed = Object.values(report.recap).filter((c) => c.changed > 0 && c.failed === 0 && c.unreachable === 0).length;
  const verdict = failed || unreachable ? 'bad' : 'good';
  const mode = report.check ? 'check mode: nothing was changed' : 'real run';
  const summary = [
    `${hosts} host${hosts === 1 ? '' : 's'}`,
    `${changed} ${report.check ? 'would change' : 'changed'}`,
    `${failed} failed`,
    `${unreachable} unreachable`,
    ...(report.notRun.length ? [`${report.notRun.length} not run`] : []),
  ].join(' · ');
  const title = `${shown(report.playbook)}${report.check ? ' (--check)' : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fleetplay · ${esc(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${esc(title)}</h1>
<p class="verdict ${verdict}" id="summary">${esc(summary)}</p>
<p class="meta">${esc(mode)} · started ${esc(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s${report.interrupted ? ' · <b>interrupted</b>' : ''}</p>
<nav><a href="#recap">recap</a> <a href="#problems">problems</a>${options.plan ? ' <a href="#plan">plan</a>' : ''} <a href="#grid">grid</a> <a href="#timeline">timeline</a></nav>
</header>
<main>
${problemsSection(model, options.retryCommand)}
${planSection(options.plan)}
${recapSection(report, model)}
${gridSection(model)}
${timelineSection(model)}
${diffSection(report)}
</main>
<footer>fleetplay · legend: <span class="ok">ok</span> <span class="changed">changed</span> <span class="failed">failed</span> <span class="unreachable">unreachable</span> <span class="ignored">ignored</span> <span class="unknown">unknown</span> <span class="skipped">skipped</span></footer>
</body></html>
`;
}

/** A path as the console shows it: relative to the working directory when it lies below it. */
function shown(file: string): string {
  const cwd = `${process.cwd()}/`;
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}
