// The plan summary printed after a --check recap: per host, what the run would change, in a few words.
// Hosts with the same plan share one line, so a large fleet reads in a screen.
import type { RunReport, TaskResult } from '../types.ts';

/** One host's plan as counted phrases, in first-seen order. */
class HostPlan {
  private readonly counts = new Map<string, number>();
  private readonly units = new Map<string, string[]>();
  changes = 0;
  unknown = 0;
  /** The check itself failed or could not reach the host: its plan is incomplete. */
  failed = false;
  unreachable = false;

  add(phrase: string, n = 1): void {
    this.counts.set(phrase, (this.counts.get(phrase) ?? 0) + n);
  }

  unit(name: string, actions: string[], handler: boolean): void {
    const key = handler ? `${name} (handler)` : name;
    const list = this.units.get(key) ?? [];
    for (const a of actions) if (!list.includes(a)) list.push(a);
    this.units.set(key, list);
  }

  text(): string {
    const parts: string[] = [];
    // A phrase is "verb # singular|plural" (or "# noun(s)"): # is the count.
    for (const [phrase, n] of this.counts) {
      const text = phrase.replace('#', String(n)).replace(/(\S+)\|(\S+)/, (_m, one: string, many: string) => (n === 1 ? one : many));
      parts.push(text.replace(/\(s\)/, n === 1 ? '' : 's'));
    }
    for (const [unit, actions] of this.units) parts.push(`${actions.join('+')} ${unit}`);
    if (this.unknown) parts.push(`${this.unknown} unknown`);
    const cut = this.unreachable ? ' (unreachable: the plan stops there)' : this.failed ? ' (a task failed: the plan stops there)' : '';
    if (this.changes === 0 && this.unknown === 0) return `no changes${cut}`;
    return `${this.changes} change${this.changes === 1 ? '' : 's'}: ${parts.join(', ')}${cut}`;
  }
}

const PRESENT_TENSE: Record<string, string> = { removed: 'remove', installed: 'install', upgraded: 'upgrade', purged: 'purge' };

const VERBS: Record<string, string> = { enabled: 'enable', disabled: 'disable', started: 'start', stopped: 'stop', restarted: 'restart', reloaded: 'reload', masked: 'mask', unmasked: 'unmask' };

function describe(plan: HostPlan, r: TaskResult): void {
  const msg = r.msg;
  switch (r.module) {
    case 'apt': {
      const found = [...msg.matchAll(/\b(remove|install|upgrade|purge|removed|installed|upgraded|purged) (\d+) packages?/g)];
      for (const m of found) plan.add(`${PRESENT_TENSE[m[1]!] ?? m[1]!} # package(s)`, Number(m[2]));
      if (/update the apt cache|updated the apt cache/.test(msg)) plan.add('update the apt cache');
      if (found.length === 0 && !/apt cache/.test(msg)) plan.add('# apt change(s)');
      return;
    }
    case 'systemd': {
      const m = /^(\S+?)(?:\.service)?: (.*)$/.exec(msg);
      if (!m) return plan.add('# service change(s)');
      // A daemon-reload is systemd's business, not the unit's: it is left out of the unit's steps.
      const steps = m[2]!.split(/,\s*/).map((a) => a.trim()).filter((a) => !/daemon-reload|\bsystemd$/.test(a));
      const actions = [...new Set(steps.map((a) => a.split(' ')[0]!).map((a) => VERBS[a] ?? a))];
      return plan.unit(m[1]!, actions.length ? actions : ['daemon-reload for'], r.handler === true);
    }
    case 'copy':
    case 'template':
    case 'lineinfile':
    case 'replace':
      return plan.add('write # file(s)');
    case 'get_url':
      return plan.add('download # file(s)');
    case 'unarchive':
      return plan.add('extract # archive(s)');
    case 'file':
      if (/^remove/.test(msg)) return plan.add('remove # path(s)');
      if (/^create(d)? directory /.test(msg)) return plan.add('create # directory|directories');
      if (/^link/.test(msg)) return plan.add('link # path(s)');
      return plan.add('change # path(s)');
    case 'sysctl':
      return plan.add('set # sysctl(s)');
    case 'modprobe':
      return plan.add('load/persist # kernel module(s)');
    case 'command':
    case 'shell':
      return plan.add('run # command(s)');
    default:
      return plan.add(`# ${r.module} change(s)`);
  }
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
    describe(plan, r);
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
