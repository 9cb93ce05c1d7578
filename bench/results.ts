// Turns a benchmark's runs into the markdown report: the comparison table, the targets, and where
// fleetplay's no-op time goes.
import type { BenchResults, ScenarioKey, ScenarioRun, Tool } from './types.ts';
import { SCENARIOS } from './types.ts';

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const x = (r: number): string => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;

/** The run of one tool and scenario, if it was done. */
export function find(res: BenchResults, tool: Tool, scenario: ScenarioKey): ScenarioRun | undefined {
  return res.runs.find((r) => r.tool === tool && r.scenario === scenario);
}

/** Wall time of the run divided by fleetplay's in the same scenario. */
export function ratioToFleetplay(res: BenchResults, run: ScenarioRun): number | undefined {
  const fp = find(res, 'fleetplay', run.scenario);
  return fp ? Number((run.wallMs / fp.wallMs).toFixed(2)) : undefined;
}

/** The floor of a playbook that costs one round trip per task: connect + tasks × round. */
export function floorBudgetMs(res: BenchResults, tasks: number): number | undefined {
  return res.floor ? res.floor.connectMs + tasks * res.floor.roundMs : undefined;
}

function cell(res: BenchResults, tool: Tool, scenario: ScenarioKey): string {
  const r = find(res, tool, scenario);
  if (!r) return '–';
  const flag = r.exitCode !== 0 ? ` (exit ${r.exitCode})` : '';
  const changed = `${r.changed !== undefined ? `, ${r.changed} changed` : ''}${r.ignored ? `, ${r.ignored} errors ignored` : ''}`;
  if (tool === 'fleetplay') return `${s(r.wallMs)}${changed}${flag}`;
  const ratio = ratioToFleetplay(res, r);
  return `${s(r.wallMs)}${ratio !== undefined ? ` (${x(ratio)})` : ''}${changed}${flag}`;
}

/** The markdown report of one benchmark run; `other` is an earlier run at another node count, for scaling. */
export function renderMarkdown(res: BenchResults, other?: BenchResults): string {
  const m = res.machine;
  const out: string[] = [];
  out.push(`Measured ${res.date}, ${res.nodes} nodes, ${m.cores} cores, ${m.memoryGiB} GiB, \`${res.command}\`.`);
  out.push(`${m.ansibleVersion}; ${m.psshVersion}; node ${m.nodeVersion}.`, '');
  out.push(`| scenario (${res.nodes} nodes) | fleetplay | tuned ansible-core (× fleetplay) | parallel-ssh script (× fleetplay) |`);
  out.push('| --- | --- | --- | --- |');
  for (const key of Object.keys(SCENARIOS) as ScenarioKey[]) {
    out.push(`| ${SCENARIOS[key]} | ${cell(res, 'fleetplay', key)} | ${cell(res, 'ansible', key)} | ${cell(res, 'pssh', key)} |`);
  }
  if (res.floor) {
    const f = res.floor;
    const nagle =
      f.nagleRoundMs !== undefined ? ` With ssh2's socket defaults (Nagle on, no TCP_NODELAY) a round takes ${f.nagleRoundMs} ms.` : '';
    out.push(
      '',
      `Raw SSH floor (ssh2, one connection per node, TCP_NODELAY, \`exec('true')\` on every node at once): connect ${f.connectMs} ms, then ${f.roundMs} ms per round (mean of ${f.rounds.length}: ${f.rounds.join(', ')} ms).${nagle}`,
    );
  }
  out.push('', ...targets(res, other), '', ...fleetplayDetail(res));
  if (res.labMemoryPerNodeMiB !== undefined)
    out.push('', `A booted lab node (legacy image, python3-apt installed) takes ${res.labMemoryPerNodeMiB} MiB of the machine's memory.`);
  if (res.notes.length > 0) out.push('', ...res.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

function targets(res: BenchResults, other?: BenchResults): string[] {
  const lines = ['| target | measured | met? |', '| --- | --- | --- |'];
  const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
  for (const key of ['noop', 'checkFresh', 'checkConverged'] as const) {
    const fp = find(res, 'fleetplay', key);
    const an = find(res, 'ansible', key);
    if (fp && an)
      lines.push(
        `| ${SCENARIOS[key]}: ≥ 20× faster than tuned Ansible | ${x(an.wallMs / fp.wallMs)} | ${yes(an.wallMs / fp.wallMs >= 20)} |`,
      );
    const budget = fp?.fleetplay ? floorBudgetMs(res, fp.fleetplay.tasksPerHost) : undefined;
    if (fp?.fleetplay && budget !== undefined) {
      lines.push(
        `| ${SCENARIOS[key]}: ≤ 3× floor (connect + ${fp.fleetplay.tasksPerHost} tasks × 1 round = ${s(budget)}) | ${x(fp.wallMs / budget)} | ${yes(fp.wallMs <= 3 * budget)} |`,
      );
    }
  }
  const leftover = find(res, 'fleetplay', 'leftoverNoop');
  const ownNoop = find(res, 'fleetplay', 'noop');
  const ansibleNoop = find(res, 'ansible', 'noop');
  if (leftover && ownNoop)
    lines.push(
      `| ${SCENARIOS.leftoverNoop}: ≤ 1.5× the no-op on fleetplay's own converged nodes | ${s(leftover.wallMs)} / ${s(ownNoop.wallMs)} = ${x(leftover.wallMs / ownNoop.wallMs)} | ${yes(leftover.wallMs <= 1.5 * ownNoop.wallMs)} |`,
    );
  if (leftover && ansibleNoop)
    lines.push(
      `| ${SCENARIOS.leftoverNoop}: ≥ 20× faster than Ansible's no-op | ${x(ansibleNoop.wallMs / leftover.wallMs)} | ${yes(ansibleNoop.wallMs >= 20 * leftover.wallMs)} |`,
    );
  const fpFresh = find(res, 'fleetplay', 'fresh');
  const pssh = find(res, 'pssh', 'fresh');
  if (fpFresh && pssh)
    lines.push(
      `| fresh apply ≤ 1.2× the parallel-ssh script | ${x(fpFresh.wallMs / pssh.wallMs)} | ${yes(fpFresh.wallMs <= 1.2 * pssh.wallMs)} |`,
    );
  const rss = Math.max(...res.runs.map((r) => r.fleetplay?.peakRssMiB ?? 0));
  if (rss > 0) {
    const base = res.fleetplayBaselineRssMiB !== undefined ? ` (\`engine validate\` alone: ${res.fleetplayBaselineRssMiB} MiB)` : '';
    lines.push(
      `| peak RSS of fleetplay's control process < 150 MB (target at 50 nodes) | ${rss} MiB${base} | ${res.nodes >= 50 ? yes(rss * 1.048576 < 150) : `(${res.nodes} nodes)`} |`,
    );
  }
  const noop = find(res, 'fleetplay', 'noop');
  const otherNoop = other && find(other, 'fleetplay', 'noop');
  if (other && noop && otherNoop) {
    const [small, large] = other.nodes < res.nodes ? [otherNoop, noop] : [noop, otherNoop];
    const [n1, n2] = [Math.min(other.nodes, res.nodes), Math.max(other.nodes, res.nodes)];
    const slope = (large.wallMs - small.wallMs) / (n2 - n1);
    const ratio = large.wallMs / small.wallMs;
    lines.push(
      `| no-op ${n1} → ${n2} nodes: ≤ 5× the wall time (runs of ${other.date.slice(0, 10)} and ${res.date.slice(0, 10)}) | ${s(small.wallMs)} → ${s(large.wallMs)} = ${x(ratio)}, slope ${slope.toFixed(0)} ms/node | ${yes(ratio <= 5)} |`,
    );
  }
  return lines;
}

function fleetplayDetail(res: BenchResults): string[] {
  const runs = res.runs.filter((r) => r.fleetplay);
  if (runs.length === 0) return [];
  const lines = [
    '| fleetplay run | wall | engine clock | start-up + load + report | tasks/host | remote commands/host (min–max) | peak RSS | controller CPU/host | machine busy | slowest tasks (span) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of runs) {
    const d = r.fleetplay!;
    const slowest = [...d.tasks]
      .sort((a, b) => b.spanMs - a.spanMs)
      .slice(0, 3)
      .map((t) => `${t.module} ${s(t.spanMs)}`);
    lines.push(
      `| ${SCENARIOS[r.scenario]} | ${s(r.wallMs)} | ${s(d.engineMs)} | ${s(d.overheadMs)} | ${d.tasksPerHost} | ${d.commandsPerHost.mean} (${d.commandsPerHost.min}–${d.commandsPerHost.max}) | ${d.peakRssMiB} MiB | ${d.cpuMsPerHost !== undefined ? `${d.cpuMsPerHost} ms` : '–'} | ${r.machineBusy !== undefined ? `${Math.round(r.machineBusy * 100)}%` : '–'} | ${slowest.join(', ')} |`,
    );
  }
  const profiled = runs.filter((r) => r.fleetplay?.profile);
  if (profiled.length > 0) {
    lines.push('', "The controller's top functions by self time (V8 CPU profile, share of the busy samples):", '');
    lines.push('| fleetplay run | busy CPU | top 5 functions |', '| --- | --- | --- |');
    for (const r of profiled) {
      const p = r.fleetplay!.profile!;
      lines.push(`| ${SCENARIOS[r.scenario]} | ${s(p.busyMs)} | ${p.top.map((h) => `${h.fn} (${h.where}) ${h.share}%`).join('; ')} |`);
    }
  }
  const noop = find(res, 'fleetplay', 'noop')?.fleetplay;
  if (noop) {
    const top = [...noop.tasks].sort((a, b) => b.spanMs - a.spanMs).slice(0, 8);
    const sum = noop.tasks.reduce((a, t) => a + t.spanMs, 0);
    lines.push(
      '',
      `Where the converged no-op's engine time goes (${s(noop.engineMs)}; task spans add up to ${s(sum)}): the slowest tasks, first host starting to last host finishing:`,
      '',
    );
    lines.push('| task | module | span | mean per host | commands/host |', '| --- | --- | --- | --- | --- |');
    for (const t of top) lines.push(`| ${t.task} | ${t.module} | ${t.spanMs} ms | ${t.meanHostMs} ms | ${t.commandsPerHost} |`);
  }
  return lines;
}
