// The steps command and shell share: `creates`/`removes` read as probe stages, the decision (check mode
// does not run the command unless a guard settles it), the run, and what a guarded command promises.
import type { Decision, ModuleHost, ModuleView, Probe } from '../../engine/module.ts';
import { read } from '../../engine/module.ts';
import { operandPath, shellQuote } from '../../engine/quote.ts';
import { NOT_RUN_IN_CHECK, type ApplyOutcome, type PredictedState } from '../../engine/types.ts';

/** The arguments command and shell share. */
export const guardProperties = {
  creates: { type: 'string' },
  removes: { type: 'string' },
  // An empty chdir would be `cd` alone, which goes to $HOME: refused, as Ansible refuses it.
  chdir: { type: 'string', minLength: 1 },
  stdin: { type: 'string' },
} as const;

/** The arguments both modules have. */
export interface GuardArgs {
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
}

/** What probe read: the guard that skips the command, if one does. */
export interface CommandFacts {
  skippedBy?: string;
}

/** The command line apply runs, what it shows, and its stdin. */
export interface CommandChange {
  full: string;
  shown: string;
  stdin?: string;
}

/** The command line of a task: what runs and how it is shown. */
export interface CommandLine {
  line: string;
  shown: string;
}

/** Reads the guards: `creates` first (an existing path skips), then `removes` (a missing one skips). */
export function* probeGuards(args: GuardArgs, view: ModuleView): Probe<CommandFacts> {
  const { creates, removes } = args;
  if (!creates && !removes) return {};
  if (creates && (yield* exists(view, creates))) return { skippedBy: `skipped, since ${creates} exists` };
  if (removes && !(yield* exists(view, removes))) return { skippedBy: `skipped, since ${removes} does not exist` };
  return {};
}

/** Whether a path exists: in check mode an earlier task's predicted state of the path wins over the unchanged host. */
function* exists(view: ModuleView, p: string): Probe<boolean> {
  const predicted = view.check ? view.predicted.file(p) : undefined;
  if (predicted) return predicted.type !== 'absent';
  return yield* read({ command: `[ -e ${shellQuote(p)} ] || [ -L ${shellQuote(p)} ]`, parse: (r) => r.exitCode === 0 });
}

/** The decision: skipped by a guard, not run in check mode (unknown), or run. */
export function decideCommand(args: GuardArgs, facts: CommandFacts, view: ModuleView, cmd: CommandLine): Decision<CommandChange> {
  const { line, shown } = cmd;
  if (facts.skippedBy) {
    const guard = facts.skippedBy;
    return {
      kind: 'ok',
      msg: guard,
      data: { cmd: shown, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], skipped_by: guard },
    };
  }
  if (view.check && args.creates === undefined && args.removes === undefined) {
    // The engine settles this with the task's changed_when, when that does not read the output.
    return {
      kind: 'unknown',
      msg: `would run '${shown}'; its effect cannot be predicted (add creates, removes or changed_when)`,
      data: { [NOT_RUN_IN_CHECK]: `check mode does not run '${shown}'` },
    };
  }
  const full = args.chdir !== undefined ? `${chdirCommand(args.chdir)} && ${line}` : line;
  return {
    kind: 'change',
    msg: `run ${shown}`,
    summary: [{ verb: 'run', object: 'command' }],
    change: { full, shown, ...(args.stdin !== undefined ? { stdin: args.stdin } : {}) },
  };
}

/** Runs the command and reports its output. */
export async function applyCommand(c: CommandChange, host: ModuleHost): Promise<ApplyOutcome> {
  const started = Date.now();
  const r = await host.run(c.full, c.stdin !== undefined ? { stdin: `${c.stdin}\n` } : {});
  const data = {
    cmd: c.shown,
    rc: r.exitCode,
    stdout: r.stdout.replace(/\n$/, ''),
    stderr: r.stderr.replace(/\n$/, ''),
    stdout_lines: lines(r.stdout),
    stderr_lines: lines(r.stderr),
    delta_ms: Date.now() - started,
  };
  if (r.timedOut) return { kind: 'failed', msg: `command timed out: ${c.shown}`, data };
  if (r.exitCode !== 0) return { kind: 'failed', msg: `non-zero return code ${r.exitCode}${firstLine(r.stderr)}`, data };
  return { kind: 'changed', msg: firstLine(r.stdout).replace(/^: /, '') || `ran ${c.shown}`, data };
}

/** Check mode: what a guarded command promises: `creates` will exist afterwards, `removes` will not. */
export function predictCommand(decision: Decision<CommandChange>, predicted: PredictedState, args: GuardArgs): void {
  if (decision.kind !== 'change') return;
  if (args.creates !== undefined) predicted.setFile(args.creates, { type: 'file' });
  if (args.removes !== undefined) predicted.setFile(args.removes, { type: 'absent' });
}

/**
 * `cd` into `dir`, which is never read as an option (`-P`) nor as `-` ($OLDPWD, even after `--` in dash
 * and bash): a relative path starting with '-' gets './' in front. `-P` resolves symbolic links, as
 * Ansible's os.chdir does: the command's $PWD is the physical directory, not the link.
 */
export function chdirCommand(dir: string): string {
  return `cd -P -- ${shellQuote(operandPath(dir))}`;
}

function lines(s: string): string[] {
  const t = s.replace(/\n$/, '');
  return t === '' ? [] : t.split('\n');
}

function firstLine(s: string): string {
  const l = s.trim().split('\n')[0];
  return l ? `: ${l.slice(0, 200)}` : '';
}
