// The --junit FILE report: JUnit XML as CI systems read it (Jenkins, GitLab, GitHub Actions reporters).
// One <testsuite> per play; one <testcase> per host and task, the items of a loop folded into it, named
// "[host] task" with the task's file:line as classname, as Ansible's junit callback names them.
import type { RunReport, TaskResult } from '../types.ts';
import type { Secrets } from '../secrets.ts';
import { writeFileAtomic } from './atomicFile.ts';

/** One test case: the results of one task on one host (all its loop items). */
interface Case {
  host: string;
  task: string;
  where: string;
  results: TaskResult[];
}

/** How a folded case ends: the worst status of its items, as JUnit sees it. */
type Outcome = { kind: 'error' | 'failure' | 'skipped'; message: string } | { kind: 'passed'; message: string };

/** Writes the JUnit XML of `report` to `file` (atomically, 0600), every secret value redacted. */
export function writeJunit(file: string, report: RunReport, secrets: Secrets): void {
  writeFileAtomic(
    file,
    junitXml(report, (s) => secrets.redact(s)),
    { createDir: false },
  );
}

/** The JUnit XML document of a run. `redact` hides secret values in every text written. */
export function junitXml(report: RunReport, redact: (s: string) => string = (s) => s): string {
  const plays = new Map<string, Case[]>();
  const lastOfHost = new Map<string, Case>();
  for (const r of report.results) {
    const cases = plays.get(r.play) ?? [];
    plays.set(r.play, cases);
    const where = r.location ? `${r.location.file}:${r.location.line}` : r.play;
    // Loop items of one task arrive one after the other for a host: fold them into that host's last case.
    const key = `${r.play}\u0000${r.host}`;
    const last = lastOfHost.get(key);
    if (r.item !== undefined && last && last.task === r.task && last.where === where && last.results[0]?.item !== undefined) {
      last.results.push(r);
      continue;
    }
    const c: Case = { host: r.host, task: r.task, where, results: [r] };
    cases.push(c);
    lastOfHost.set(key, c);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let totalMs = 0;
  for (const [play, cases] of plays) {
    const body: string[] = [];
    const count = { failure: 0, error: 0, skipped: 0 };
    let playMs = 0;
    for (const c of cases) {
      const ms = c.results.reduce((n, r) => n + r.durationMs, 0);
      playMs += ms;
      const outcome = outcomeOf(c.results);
      const name = `[${c.host}] ${c.task}${c.results[0]?.handler ? ' (handler)' : ''}`;
      const open = `    <testcase name="${attr(redact(name))}" classname="${attr(redact(c.where))}" time="${seconds(ms)}"`;
      const out = outputOf(c.results, redact);
      if (outcome.kind === 'passed') {
        body.push(`${open}>\n      <system-out>${text(out)}</system-out>\n    </testcase>`);
        continue;
      }
      count[outcome.kind]++;
      const message = attr(redact(outcome.message));
      body.push(`${open}>\n      <${outcome.kind} message="${message}">${text(out)}</${outcome.kind}>\n    </testcase>`);
    }
    const n = cases.length;
    tests += n;
    failures += count.failure;
    errors += count.error;
    totalMs += playMs;
    suites.push(
      `  <testsuite name="${attr(redact(play))}" tests="${n}" failures="${count.failure}" errors="${count.error}" skipped="${count.skipped}" time="${seconds(playMs)}" timestamp="${attr(report.startedAt)}">\n${body.join('\n')}${body.length ? '\n' : ''}  </testsuite>`,
    );
  }
  if (report.notRun.length) {
    // Hosts a stopped rollout never reached: one skipped case each, so CI shows them and the count adds up.
    const body = report.notRun.map(
      (host) =>
        `    <testcase name="${attr(`[${host}] (not run)`)}" classname="${attr(redact(report.playbook))}" time="0.000">\n      <skipped message="the run stopped before this host's turn (see the retry file)"/>\n    </testcase>`,
    );
    tests += body.length;
    suites.push(
      `  <testsuite name="hosts not run" tests="${body.length}" failures="0" errors="0" skipped="${body.length}" time="0.000" timestamp="${attr(report.startedAt)}">\n${body.join('\n')}\n  </testsuite>`,
    );
  }
  const name = `${report.playbook}${report.check ? ' (--check)' : ''}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${attr(redact(name))}" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(report.durationMs || totalMs)}">\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}

/**
 * The JUnit outcome of one task on one host: an unreachable host is an error, a failure not ignored is a
 * failure, a task skipped for every item is skipped, and one that check mode could not predict is skipped
 * with the reason (it was not tested). Changed, ok and ignored failures pass, as in Ansible's callback.
 */
function outcomeOf(results: TaskResult[]): Outcome {
  const first = (pred: (r: TaskResult) => boolean) => results.find(pred);
  const unreachable = first((r) => r.status === 'unreachable');
  if (unreachable) return { kind: 'error', message: `unreachable: ${unreachable.msg}` };
  const failed = first((r) => r.status === 'failed' && !r.ignored);
  if (failed) return { kind: 'failure', message: failed.msg || 'failed' };
  const unknown = first((r) => r.status === 'unknown');
  if (unknown) return { kind: 'skipped', message: `check mode could not predict this: ${unknown.msg}` };
  if (results.every((r) => r.status === 'skipped')) return { kind: 'skipped', message: results[0]?.msg || 'skipped' };
  return { kind: 'passed', message: '' };
}

/** What the case's results said, one line per item: status, item and message. */
function outputOf(results: TaskResult[], redact: (s: string) => string): string {
  return results
    .map((r) => {
      const item = r.item === undefined ? '' : ` (item=${typeof r.item === 'string' ? r.item : JSON.stringify(r.item)})`;
      const status = r.ignored ? `${r.status}, ignored` : r.status;
      return redact(`${status}${item}${r.msg ? `: ${r.msg}` : ''}`);
    })
    .join('\n');
}

/** Milliseconds as seconds with three decimals, the form the schema's time pattern takes. */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Text that XML 1.0 can hold: the control characters it forbids are dropped. */
function clean(s: string): string {
  return s
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

/** An attribute value, escaped (newlines kept as character references so readers keep them). */
function attr(s: string): string {
  return clean(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Element text, escaped. */
function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
