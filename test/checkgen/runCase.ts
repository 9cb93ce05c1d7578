// Runs one generated case on one lab node: starting state, then two check/apply pairs (from the
// starting state, and from the state the first real run left), each compared.
import path from 'node:path';
import type { LabState } from '../../lab/index.ts';
import type { EngineRun } from '../e2e/support.ts';
import { compareStatuses, stateCommand, stateDiff, type ReportLike, type StatusComparison } from './compare.ts';
import { compareEndStates } from './endState.ts';
import { OBSERVE, observeFile, type GeneratedCase } from './generate.ts';
import type { Artifact } from './tasks.ts';
import { APT_PACKAGES, KMODS, UNITS } from './tree.ts';

/** What one check/apply pair showed. */
export interface PhaseOutcome {
  phase: 'start' | 'converged';
  status: StatusComparison;
  /** The predicted end state was compared (no task was unknown and both observers ran). */
  endCompared: boolean;
  /** Paths whose predicted end state differs from the real one. */
  endState: string[];
  /** Files predicted without content (compared by type and mode only). */
  contentNotPredicted: string[];
  /** What --check changed on the node (must be nothing). */
  checkChanged: string[];
  checkRecap: string;
  realRecap: string;
}

/** One case's result. */
export interface CaseOutcome {
  name: string;
  node: string;
  modules: string[];
  phases: PhaseOutcome[];
  error?: string;
}

/** What runCase needs: the lab, the node, the case and its written directory, and the ways to run things. */
export interface RunCaseOptions {
  lab: LabState;
  node: string;
  c: GeneratedCase;
  dir: string;
  artifacts: Artifact[];
  engine(args: string[], options: { withReport?: boolean }): Promise<EngineRun>;
  ssh(script: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Sets the starting state and runs both check/apply pairs. */
export async function runCase(o: RunCaseOptions): Promise<CaseOutcome> {
  const out: CaseOutcome = { name: o.c.name, node: o.node, modules: o.c.modules, phases: [] };
  const setup = await o.ssh(o.c.setup);
  if (setup.code !== 0) return { ...out, error: `setup failed: ${setup.stderr.trim()}` };
  const state = async (): Promise<string> => {
    const r = await o.ssh(stateCommand(o.c.root, UNITS, KMODS, APT_PACKAGES));
    return r.stdout;
  };
  const run = async (check: boolean): Promise<ReportLike | undefined> => {
    // The observer's file is removed first: the check then always shows its predicted content as a diff.
    await o.ssh(`rm -f ${observeFile(o.c.root)}`);
    const args = [
      'run',
      path.join(o.dir, 'playbook.yml'),
      '-i',
      o.lab.inventoryFile,
      '--limit',
      o.node,
      ...(check ? ['--check', '--diff'] : []),
    ];
    const r = await o.engine(args, { withReport: true });
    if (!r.report) throw new Error(`engine ${check ? '--check' : 'run'} wrote no report (exit ${r.code}): ${r.stderr.slice(0, 2000)}`);
    return r.report as unknown as ReportLike;
  };
  try {
    for (const phase of ['start', 'converged'] as const) {
      const before = await state();
      const check = (await run(true))!;
      const after = await state();
      const real = (await run(false))!;
      const realEnd = (await o.ssh(`cat ${observeFile(o.c.root)} 2>/dev/null`)).stdout;
      const own = (r: ReportLike): ReportLike => ({ ...r, results: r.results.filter((x) => !x.task.startsWith(OBSERVE)) });
      const status = compareStatuses(own(check), own(real));
      const predicted = predictedObservation(check);
      const endCompared = status.unknowns.length === 0 && predicted !== undefined && realEnd !== '';
      const end = endCompared ? compareEndStates(predicted, realEnd) : { differences: [], contentNotPredicted: [] };
      out.phases.push({
        phase,
        status,
        endCompared,
        endState: end.differences,
        contentNotPredicted: end.contentNotPredicted,
        checkChanged: stateDiff(before, after),
        checkRecap: recap(check),
        realRecap: recap(real),
      });
    }
  } catch (err) {
    out.error = (err as Error).message;
  }
  return out;
}

/** The content the check run's observer would have written: its predicted end state (JSON text). */
function predictedObservation(check: ReportLike): string | undefined {
  const row = check.results.find((r) => r.task === `${OBSERVE} write`) as { diff?: Array<{ after?: string }> } | undefined;
  const after = row?.diff?.find((d) => typeof d.after === 'string' && d.after.startsWith('['))?.after;
  return after;
}

function recap(r: ReportLike): string {
  const n: Record<string, number> = {};
  for (const x of r.results) if (!x.task.startsWith(OBSERVE)) n[x.status] = (n[x.status] ?? 0) + 1;
  return Object.entries(n)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
