// The plan summary printed after a --check recap: per host, what the run would change, in a few words.
// Hosts with the same plan share one line, so a large fleet reads in a screen. Modules say what their
// changes do (ChangeSummary); nothing here knows a module or reads its messages.
import type { ChangeSummary } from '../module.ts';
import type { RunReport, TaskResult } from '../types.ts';

/** One host's plan: counted phrases (`write 3 files`), then what is done to named things (`enable+start containerd`). */
class HostPlan {
  private readonly counted = new Map<string, { verb: string; one: string; many: string; n: number }>();
  private readonly named = new Map<string, string[]>();
  changes = 0;
  unknown = 0;
  /** The check itself failed or could not reach the host: its plan is incomplete. */
  failed = false;
  unreachable = false;

  add(s: ChangeSummary, handler: boolean): void {
    if (s.named) {
      const key = handler ? `${s.object} (handler)` : s.object;
      const verbs = this.named.get(key) ?? [];
      if (!verbs.includes(s.verb)) verbs.push(s.verb);
      this.named.set(key, verbs);
      return;
    }
    const key = `${s.verb}\0${s.object}`;
    const entry = this.counted.get(key) ?? { verb: s.verb, one: s.object, many: s.plural ?? `${s.object}s`, n: 0 };
    entry.n += s.count ?? 1;
    this.counted.set(key, entry);
  }

  text(): string {
    const parts: string[] = [];
    for (const e of this.counted.values()) parts.push(`${e.verb ? `${e.verb} ` : ''}${e.n} ${e.n === 1 ? e.one : e.many}`);
    for (const [name, verbs] of this.named) parts.push(`${verbs.join('+')} ${name}`);
    if (this.unknown) parts.push(`${this.unknown} unknown`);
    const cut = this.unreachable ? ' (unreachable: the plan stops there)' : this.failed ? ' (a task failed: the plan stops there)' : '';
    if (this.changes === 0 && this.unknown === 0) return `no changes${cut}`;
    return `${this.changes} change${this.changes === 1 ? '' : 's'}: ${parts.join(', ')}${cut}`;
  }
}

/**
 * What a changed result does. A module's change says it (ChangeSummary); a status that changed_when
 * alone decided says only which module it was.
 */
function summaryOf(r: TaskResult): ChangeSummary[] {
  return r.summary?.length ? r.summary : [{ verb: '', object: `${r.module} change` }];
}

/** The plan summary of a check run: one line per group of hosts with the same plan. */
export function formatPlan(report: RunReport): string {
  const plans = new Map<string, HostPlan>();
  for (const host of Object.keys(report.recap)) plans.set(host, new HostPlan());
  for (const r of report.results) {
    const plan = plans.get(r.host);
    if (!plan) continue;
    if (r.status === 'unknown') plan.unknown++;
    if (r.status === 'failed' && !r.ignored) plan.failed = true;
    if (r.status === 'unreachable') plan.unreachable = true;
    if (r.status !== 'changed') continue;
    plan.changes++;
    for (const x of summaryOf(r)) plan.add(x, r.handler === true);
  }
  const groups = new Map<string, string[]>();
  for (const [host, plan] of plans) groups.set(plan.text(), [...(groups.get(plan.text()) ?? []), host]);
  const lines = [...groups].map(([text, hosts]) => `  ${hostList(hosts)}: ${text}`);
  return `\nPLAN (what the real run would do)\n${lines.join('\n')}\n`;
}

function hostList(hosts: string[]): string {
  if (hosts.length <= 4) return hosts.join(', ');
  return `${hosts[0]}, ${hosts[1]} … ${hosts[hosts.length - 1]} (${hosts.length} hosts)`;
}
