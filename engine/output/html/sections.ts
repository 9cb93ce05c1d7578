// The sections of the HTML report, each a function from the model to markup: the recap, the problems
// with the retry command, the host × task grid, the timeline and the diffs. Every text is escaped.
import type { RunReport } from '../../types.ts';
import { formatDiff } from '../diff.ts';
import type { Cell, ReportModel } from './model.ts';

/** Text made safe for HTML element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

const COUNTERS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored', 'unknown'] as const;

/** The recap: one row per host with its counters; not-run hosts at the end. */
export function recapSection(report: RunReport, model: ReportModel): string {
  const rows = Object.entries(report.recap).map(([host, c]) => {
    const kind = c.unreachable ? 'unreachable' : c.failed ? 'failed' : c.changed ? 'changed' : 'ok';
    const batch = model.batchOf.get(host);
    const cells = COUNTERS.map((k) => `<td class="${c[k] > 0 && k !== 'ok' ? k : ''}">${c[k]}</td>`).join('');
    return `<tr class="host-${kind}" data-host="${esc(host)}"><th>${esc(host)}</th><td>${batch ?? ''}</td>${cells}</tr>`;
  });
  for (const host of report.notRun)
    rows.push(
      `<tr class="host-notrun" data-host="${esc(host)}"><th>${esc(host)}</th><td></td><td colspan="${COUNTERS.length}">not run</td></tr>`,
    );
  const head = COUNTERS.map((k) => `<th>${k}</th>`).join('');
  return `<section id="recap"><h2>Recap</h2><table class="recap"><thead><tr><th>host</th><th>batch</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** Failed and unreachable hosts with what went wrong, and how to retry them. */
export function problemsSection(model: ReportModel, retryCommand: string | undefined): string {
  const items: string[] = [];
  for (const host of model.hosts) {
    for (const col of model.columns) {
      const cell = model.cells.get(host)?.get(col.key);
      if (!cell || (cell.status !== 'failed' && cell.status !== 'unreachable')) continue;
      const where = col.where ? ` <span class="where">${esc(col.where)}</span>` : '';
      items.push(
        `<li class="${cell.status}" data-host="${esc(host)}"><b>${esc(host)}</b> ${cell.status} at <i>${esc(col.name)}</i>${where}<pre>${esc(cell.msgs.join('\n'))}</pre></li>`,
      );
    }
  }
  if (!items.length)
    return '<section id="problems"><h2>Problems</h2><p class="none">No host failed and every host was reached.</p></section>';
  const retry = retryCommand ? `<p>Retry the hosts that did not finish:</p><pre class="retry">${esc(retryCommand)}</pre>` : '';
  return `<section id="problems"><h2>Problems</h2><ul class="problems">${items.join('')}</ul>${retry}</section>`;
}

/** The plan summary of a --check run. */
export function planSection(plan: string | undefined): string {
  return plan ? `<section id="plan"><h2>Plan</h2><pre class="plan">${esc(plan.trim())}</pre></section>` : '';
}

function cellTitle(host: string, task: string, cell: Cell): string {
  const items = cell.items > 1 ? ` (${cell.items} items)` : '';
  const msg = cell.msgs.length ? `\n${cell.msgs.join('\n').slice(0, 600)}` : '';
  return `${host} · ${task}: ${cell.status}${items}, ${seconds(cell.durationMs)}${msg}`;
}

/** The grid: hosts down, tasks across, each cell coloured by status (loop items folded). */
export function gridSection(model: ReportModel): string {
  const head = model.columns
    .map(
      (c, i) =>
        `<th title="${esc(`${c.play} · ${c.name}${c.where ? ` (${c.where})` : ''}`)}"><span>${i + 1}${c.handler ? 'h' : ''}</span></th>`,
    )
    .join('');
  const rows = model.hosts.map((host) => {
    const row = model.cells.get(host);
    const cells = model.columns
      .map((c) => {
        const cell = row?.get(c.key);
        if (!cell) return '<td class="none"></td>';
        const n = cell.items > 1 ? String(cell.items) : '';
        return `<td class="${cell.status}" title="${esc(cellTitle(host, c.name, cell))}">${n}</td>`;
      })
      .join('');
    return `<tr data-host="${esc(host)}"><th>${esc(host)}</th>${cells}</tr>`;
  });
  const legend = model.columns
    .map(
      (c, i) =>
        `<li><b>${i + 1}${c.handler ? 'h' : ''}</b> ${esc(c.name)}${c.where ? ` <span class="where">${esc(c.where)}</span>` : ''}</li>`,
    )
    .join('');
  return `<section id="grid"><h2>Hosts × tasks</h2><div class="scroll"><table class="grid"><thead><tr><th>host</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div><details><summary>Tasks (${model.columns.length})</summary><ol class="tasks">${legend}</ol></details></section>`;
}

/** The timeline: for each host (grouped by batch), a bar per task from its start to its end. */
export function timelineSection(model: ReportModel): string {
  const total = Math.max(1, model.spanMs);
  const byBatch = new Map<number, string[]>();
  for (const host of model.hosts) {
    const b = model.batchOf.get(host) ?? 0;
    byBatch.set(b, [...(byBatch.get(b) ?? []), host]);
  }
  const groups = [...byBatch.entries()].sort(([a], [b]) => a - b);
  const blocks = groups.map(([batch, hosts]) => {
    const rows = hosts.map((host) => {
      const spans = model.columns
        .map((c) => {
          const cell = model.cells.get(host)?.get(c.key);
          if (!cell || cell.status === 'skipped') return '';
          const left = ((cell.startMs / total) * 100).toFixed(3);
          const width = Math.max(0.15, (cell.durationMs / total) * 100).toFixed(3);
          return `<i class="${cell.status}" style="left:${left}%;width:${width}%" title="${esc(cellTitle(host, c.name, cell))}"></i>`;
        })
        .join('');
      return `<div class="lane" data-host="${esc(host)}"><span>${esc(host)}</span><div class="track">${spans}</div></div>`;
    });
    const label = batch ? `<h3>Batch ${batch}</h3>` : '';
    return `<div class="batch">${label}${rows.join('')}</div>`;
  });
  return `<section id="timeline"><h2>Timeline <small>0 – ${seconds(total)}</small></h2>${blocks.join('')}</section>`;
}

/** Every diff of the run, by host and task, folded. */
export function diffSection(report: RunReport): string {
  const out: string[] = [];
  for (const r of report.results) {
    if (!r.diff?.length) continue;
    const text = r.diff.flatMap((d) => formatDiff(d)).join('\n');
    const item = r.item !== undefined ? ` (${typeof r.item === 'string' ? r.item : JSON.stringify(r.item)})` : '';
    out.push(
      `<details><summary><b>${esc(r.host)}</b> ${esc(r.task)}${esc(item)}</summary><pre class="diff">${diffLines(text)}</pre></details>`,
    );
  }
  return out.length ? `<section id="diffs"><h2>Diffs</h2>${out.join('')}</section>` : '';
}

function diffLines(text: string): string {
  return text
    .split('\n')
    .map((l) => {
      const cls = l.startsWith('+') && !l.startsWith('+++') ? 'add' : l.startsWith('-') && !l.startsWith('---') ? 'del' : '';
      return cls ? `<span class="${cls}">${esc(l)}</span>` : esc(l);
    })
    .join('\n');
}
