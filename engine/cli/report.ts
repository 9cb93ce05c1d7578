// `engine report merge A.json B.json … [--report F] [--report-html F] [--junit F] [--retry-file F]`:
// the --report files of the slices of one run (--slice I/N) become one report of the whole fleet.
import { FleetError } from '../errors.ts';
import { formatRecap } from '../output/console.ts';
import { formatPlan } from '../output/plan.ts';
import { exitCodeFor, retryHosts, writeReport, writeRetryFile } from '../output/report.ts';
import { mergeReports } from '../output/reportMerge.ts';
import { readReport } from '../output/reportRead.ts';
import { processSecrets } from '../secrets.ts';
import { parseCommand, str, type OptionSpec } from './args.ts';

const options: OptionSpec = {
  report: { type: 'string' },
  'report-html': { type: 'string' },
  junit: { type: 'string' },
  'retry-file': { type: 'string' },
  'no-color': { type: 'boolean' },
};

/** Help text of `report`. */
export const reportHelp = `Usage: engine report merge REPORT.json… [--report FILE] [--report-html FILE] [--junit FILE] [--retry-file FILE]

Merges the --report files of the slices of one run (engine run --slice I/N, one process per slice) into
the report of the whole fleet, and prints its recap (and the plan of a --check run). Refused: reports of
another playbook, check mixed with real runs, a host in two reports, a slice missing or given twice.
Exit code as 'engine run' would give for the whole fleet: 0, 2 a host failed, 3 a host was unreachable.

  --report FILE        the merged JSON report
  --report-html FILE   the merged HTML report
  --junit FILE         the merged JUnit XML
  --retry-file FILE    the hosts of the whole fleet to retry (for --limit @FILE), one per line`;

/** Runs `engine report`; returns the exit code. */
export async function reportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const p = parseCommand(argv, options);
  if (p.values.help) {
    out(`${reportHelp}\n`);
    return 0;
  }
  const [sub, ...files] = p.positionals;
  if (sub !== 'merge' || files.length === 0) throw new FleetError('arguments', 'usage: engine report merge REPORT.json… (see --help)');
  const report = mergeReports(files.map((file) => ({ file, report: readReport(file) })));
  const color = !p.values['no-color'] && !process.env.NO_COLOR && process.stdout.isTTY === true;
  out(formatRecap(report, color));
  const plan = report.check ? formatPlan(report) : undefined;
  if (plan) out(plan);
  // The parts were redacted when they were written; the writers redact again (nothing is known here).
  const secrets = processSecrets;
  const reportFile = str(p, 'report');
  if (reportFile) writeReport(reportFile, report, secrets);
  const junitFile = str(p, 'junit');
  if (junitFile) (await import('../output/junit.ts')).writeJunit(junitFile, report, secrets);
  const htmlFile = str(p, 'report-html');
  if (htmlFile) (await import('../output/html/index.ts')).writeHtmlReport(htmlFile, report, secrets, plan ? { plan } : {});
  const retryFile = str(p, 'retry-file');
  if (retryFile) {
    const retry = retryHosts(report);
    writeRetryFile(retryFile, retry);
    out(`retry file: ${retryFile} (${retry.length} host${retry.length === 1 ? '' : 's'})\n`);
  }
  return exitCodeFor(report);
}
