// Human output: a header per play and task, one line per host result, and the PLAY RECAP.
import type { RecapCounters, RunEvents, RunReport, TaskResult } from '../types.ts';
import { formatDiff } from './diff.ts';

/** Console settings. */
export interface ConsoleOptions {
  diff: boolean;
  color: boolean;
  /** -v count: 1 shows each result's data (rc, stdout, stderr, …); 2 to 4 the run's details of that level. */
  verbosity?: number;
  write(text: string): void;
}

const COLORS: Record<string, string> = {
  ok: '32',
  changed: '33',
  failed: '31',
  unreachable: '31;1',
  skipped: '36',
  unknown: '35',
  ignored: '34',
  dim: '2',
  bold: '1',
};

/** Creates the console event sink. */
export function consoleEvents(opts: ConsoleOptions): RunEvents {
  const paint = (kind: string, text: string) => (opts.color && COLORS[kind] ? `\x1b[${COLORS[kind]}m${text}\x1b[0m` : text);
  let width = 8;
  return {
    playStart(play) {
      width = Math.max(8, ...play.hosts.map((h) => h.length));
      opts.write(
        `\n${paint('bold', `PLAY [${play.name}]`)} ${paint('dim', `${play.hosts.length} host${play.hosts.length === 1 ? '' : 's'}`)}\n`,
      );
      if (play.hosts.length === 0) opts.write('  no hosts matched\n');
    },
    batchStart(batch) {
      opts.write(`${paint('bold', `BATCH ${batch.index}/${batch.count}`)} ${paint('dim', batch.hosts.join(', '))}\n`);
    },
    notice(text) {
      opts.write(`${paint('failed', `!! ${text}`)}\n`);
    },
    taskStart(task) {
      const where = task.location ? paint('dim', `  ${relative(task.location.file)}:${task.location.line}`) : '';
      opts.write(`${paint('bold', `${task.handler ? 'HANDLER' : 'TASK'} [${task.title}]`)}${where}\n`);
    },
    result(r) {
      opts.write(formatResult(r, width, paint));
      for (const w of r.warnings ?? []) opts.write(`      ${paint('changed', `[WARNING]: ${w}`)}\n`);
      if (opts.diff && r.diff)
        for (const d of r.diff) for (const line of formatDiff(d)) opts.write(`      ${colorDiffLine(line, paint)}\n`);
      if ((opts.verbosity ?? 0) >= 1 && r.data) opts.write(formatData(r.data));
    },
    detail(d) {
      if (d.level <= (opts.verbosity ?? 0)) opts.write(`${paint('dim', `  <${d.host}> ${d.text.replace(/\n/g, '\n      ')}`)}\n`);
    },
  };
}

function formatResult(r: TaskResult, width: number, paint: (k: string, t: string) => string): string {
  const label = r.ignored ? 'ignored' : r.status;
  const item = r.item !== undefined ? paint('dim', `(item=${typeof r.item === 'string' ? r.item : JSON.stringify(r.item)}) `) : '';
  const msg = r.status === 'skipped' && !r.msg ? '' : r.msg;
  const lines = msg.split('\n');
  const rest = lines
    .slice(1)
    .map((l) => `      ${l}\n`)
    .join('');
  // A delegated result stays the host's, with where it ran beside it, as Ansible shows `host -> delegate`.
  const host = r.delegatedTo !== undefined ? `${r.host} → ${r.delegatedTo}` : r.host;
  return `  ${paint(label, label.padEnd(11))} ${host.padEnd(width)}  ${item}${lines[0] ?? ''}\n${rest}`;
}

/** -v: a result's data, one key a line; multi-line text indented below its key. */
function formatData(data: Record<string, unknown>): string {
  const MAX = 4000;
  const clip = (t: string) => (t.length > MAX ? `${t.slice(0, MAX)}… (${t.length - MAX} more characters)` : t);
  let text = '';
  for (const [k, v] of Object.entries(data)) {
    const value = typeof v === 'string' ? v : JSON.stringify(v);
    if (value === undefined) continue;
    const shown = clip(value);
    text += shown.includes('\n') ? `      ${k}: |\n${shown.replace(/^/gm, '        ')}\n` : `      ${k}: ${shown}\n`;
  }
  return text;
}

function colorDiffLine(line: string, paint: (k: string, t: string) => string): string {
  if (line.startsWith('+') && !line.startsWith('+++')) return paint('ok', line);
  if (line.startsWith('-') && !line.startsWith('---')) return paint('failed', line);
  if (line.startsWith('@@')) return paint('skipped', line);
  return line;
}

function relative(file: string): string {
  const cwd = process.cwd() + '/';
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}

/** The PLAY RECAP block and a one-line summary. */
export function formatRecap(report: RunReport, color: boolean): string {
  const paint = (kind: string, text: string) => (color && COLORS[kind] ? `\x1b[${COLORS[kind]}m${text}\x1b[0m` : text);
  const hosts = Object.keys(report.recap);
  if (hosts.length === 0) return '\nPLAY RECAP: no hosts\n';
  const width = Math.max(...hosts.map((h) => h.length));
  const keys: Array<keyof RecapCounters> = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];
  const showUnknown = report.check || hosts.some((h) => report.recap[h]!.unknown > 0);
  if (showUnknown) keys.push('unknown');
  const lines = hosts
    .filter((h) => !report.notRun.includes(h))
    .map((h) => {
      const c = report.recap[h]!;
      const kind = c.failed ? 'failed' : c.unreachable ? 'unreachable' : c.changed ? 'changed' : 'ok';
      const cells = keys.map((k) => {
        const cell = `${k}=${c[k]}`.padEnd(k.length + 4);
        return c[k] > 0 && k !== 'ok' ? paint(k === 'rescued' ? 'ok' : k, cell) : cell;
      });
      return `${paint(kind, h.padEnd(width))} : ${cells.join(' ')}`;
    });
  const count = (pred: (c: RecapCounters) => boolean) => hosts.filter((h) => pred(report.recap[h]!)).length;
  const failed = count((c) => c.failed > 0);
  const unreachable = count((c) => c.unreachable > 0 && c.failed === 0);
  const changed = count((c) => c.changed > 0 && c.failed === 0 && c.unreachable === 0);
  const summary = [
    `${hosts.length} host${hosts.length === 1 ? '' : 's'}`,
    `${changed} ${report.check ? 'would change' : 'changed'}`,
    `${failed} failed`,
    `${unreachable} unreachable`,
  ].join(', ');
  const mode = report.check ? ' (check mode: nothing was changed)' : '';
  for (const h of report.notRun) lines.push(`${paint('skipped', h.padEnd(width))} : not run`);
  const notRunText = report.notRun.length ? `, ${report.notRun.length} not run` : '';
  return `\n${paint('bold', 'PLAY RECAP')}\n${lines.join('\n')}\n\n${summary}${notRunText} in ${(report.durationMs / 1000).toFixed(1)}s${mode}${report.interrupted ? ' — INTERRUPTED' : ''}\n`;
}
