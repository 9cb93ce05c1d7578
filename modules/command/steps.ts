// The steps command and shell share, as Ansible's command module (which both are) runs them: chdir, then
// `creates` and `removes` (glob patterns, relative to chdir, `~` and $VARS expanded) read in one probe
// stage, check mode that runs nothing, the run with stdin (a newline added unless stdin_add_newline is
// false), and the output with trailing newlines stripped unless strip_empty_ends is false.
import path from 'node:path';
import type { Decision, ModuleHost, ModuleView, Probe } from '../../engine/module.ts';
import { read } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { NOT_RUN_IN_CHECK, type ApplyOutcome, type PredictedState, type ResultData } from '../../engine/types.ts';
import { chdirCommand } from '../lib/commandSteps.ts';
import { expandInto, needsExpansion, TILDE_FUNCTION } from './expand.ts';
import { pythonTimes } from './times.ts';

/** The arguments command and shell share (Ansible's command module). */
export const sharedProperties = {
  creates: { type: 'string' },
  removes: { type: 'string' },
  // An empty chdir would be `cd` alone, which goes to $HOME: refused, as Ansible refuses it.
  chdir: { type: 'string', minLength: 1 },
  stdin: { type: 'string' },
  stdin_add_newline: { type: 'boolean' },
  strip_empty_ends: { type: 'boolean' },
  executable: { type: 'string' },
} as const;

/** The arguments both modules have. */
export interface SharedArgs {
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
}

/** What probe read: chdir missing, or the guard that skips the command. */
export interface CommandFacts {
  chdirMissing?: string;
  /** Check mode: chdir is missing, and an earlier task whose effects it cannot predict may create it. */
  unknown?: string;
  skippedBy?: { guard: 'creates' | 'removes'; path: string };
  /** Arguments the module refuses before running anything (command: no command line). */
  refused?: string;
}

/** The script apply runs (its words expanded on the host when needed), what it shows, and how. */
export interface CommandChange {
  full: string;
  /** `cmd` in the result: the words (command) or the script (shell). */
  cmd: string | string[];
  shown: string;
  stdin?: string;
  strip: boolean;
  warnings?: string[];
}

const CHDIR_FAILED = '@@fleetplay-chdir-failed@@';
// Ansible's message for a command check mode does not run.
const WOULD_HAVE_RUN = 'Command would have run if not in check mode';
const GLOB = /[*?[]/;

/** A path argument (chdir, creates, removes) as shell lines setting `name`, expanded as Ansible's type 'path'. */
function pathInto(name: string, value: string): string[] {
  if (!needsExpansion(value)) return [`${name}=${shellQuote(value)}`];
  return expandInto(name, value);
}

const usesTilde = (...values: Array<string | undefined>): boolean => values.some((v) => v !== undefined && needsExpansion(v));

/** The script the probe runs: chdir, then whether `creates`/`removes` match anything (Python's glob). */
export function guardScript(args: SharedArgs): string {
  const lines: string[] = [];
  if (usesTilde(args.chdir, args.creates, args.removes)) lines.push(TILDE_FUNCTION);
  if (args.chdir !== undefined) {
    lines.push(...pathInto('fp_c', args.chdir), 'case $fp_c in -*) fp_c=./$fp_c ;; esac');
    lines.push(`cd -P -- "$fp_c" 2>/dev/null || { echo chdir=missing; exit 0; }`);
  }
  // Unquoted with an empty IFS: no word splitting, pathname expansion only; no match leaves the pattern, tested as a name.
  lines.push(`fp_match() { IFS=''; for fp_f in $1; do if [ -e "$fp_f" ] || [ -L "$fp_f" ]; then return 0; fi; done; return 1; }`);
  for (const key of ['creates', 'removes'] as const) {
    const value = args[key];
    if (value === undefined || value === '') continue;
    lines.push(...pathInto('fp_p', value), `if fp_match "$fp_p"; then echo ${key}=yes; else echo ${key}=no; fi`);
  }
  return lines.join('\n');
}

/** A literal absolute path check mode can look up in the predicted state (relative ones joined to a literal chdir). */
function predictedPath(value: string, chdir: string | undefined): string | undefined {
  if (needsExpansion(value) || GLOB.test(value)) return undefined;
  if (value.startsWith('/')) return path.posix.normalize(value);
  if (chdir === undefined || needsExpansion(chdir) || !chdir.startsWith('/')) return undefined;
  return path.posix.join(chdir, value);
}

/**
 * Reads chdir and the guards in one stage. Without creates or removes the real run reads nothing (apply
 * reports a chdir that fails), and check mode reads chdir only: a missing one fails there too, as in Ansible.
 */
export function* probeGuards(args: SharedArgs, view: ModuleView): Probe<CommandFacts> {
  const { creates, removes, chdir } = args;
  if (!creates && !removes && (!view.check || chdir === undefined)) return {};
  // Check mode: a chdir an earlier task would create is there, with nothing in it but what is predicted.
  const chdirPath = chdir !== undefined && view.check ? predictedPath(chdir, undefined) : undefined;
  const chdirPredicted = chdirPath !== undefined ? view.predicted.file(chdirPath) : undefined;
  // Removed, or made a file, by an earlier task: cd would fail.
  if (chdirPredicted && chdirPredicted.type !== 'directory' && chdirPredicted.type !== 'link') return { chdirMissing: chdir ?? '' };
  const out =
    chdirPredicted?.type === 'directory' && !creates && !removes ? '' : yield* read({ command: guardScript(args), parse: (r) => r.stdout });
  let onlyPredicted = false;
  if (out.includes('chdir=missing')) {
    if (chdirPredicted?.type === 'directory') onlyPredicted = true;
    else {
      const opaque = view.check && !chdirPredicted ? view.predicted.opaqueTask() : undefined;
      if (opaque)
        return {
          unknown: `${chdir} does not exist now, but '${opaque}', whose effects check mode cannot predict, runs first and may create it`,
        };
      return { chdirMissing: chdir ?? '' };
    }
  }
  // Check mode: what earlier tasks would leave at a literal path wins over the unchanged host.
  const exists = (key: 'creates' | 'removes', value: string): boolean => {
    const p = view.check ? predictedPath(value, chdir) : undefined;
    const predicted = p !== undefined ? view.predicted.file(p) : undefined;
    if (predicted) return predicted.type !== 'absent';
    return !onlyPredicted && out.includes(`${key}=yes`);
  };
  if (creates && exists('creates', creates)) return { skippedBy: { guard: 'creates', path: creates } };
  if (removes && !exists('removes', removes)) return { skippedBy: { guard: 'removes', path: removes } };
  return {};
}

/** The chdir prefix of the run: cd, and on failure a marker apply turns into Ansible's message. */
function chdirLines(chdir: string | undefined): string[] {
  if (chdir === undefined) return [];
  const fail = `{ echo ${CHDIR_FAILED} >&2; exit 1; }`;
  if (!needsExpansion(chdir)) return [`${chdirCommand(chdir)} || ${fail}`];
  return [...pathInto('fp_c', chdir), 'case $fp_c in -*) fp_c=./$fp_c ;; esac', `cd -P -- "$fp_c" || ${fail}`];
}

/** The run's script: chdir, then `line` (which may use TILDE_FUNCTION when `tilde`). */
export function runScript(args: SharedArgs, line: string, prelude: string[] = []): string {
  const tilde = usesTilde(args.chdir) || prelude.length > 0;
  return [...(tilde ? [TILDE_FUNCTION] : []), ...chdirLines(args.chdir), ...prelude, line].join('\n');
}

/** The decision: chdir missing, skipped by a guard, not run in check mode (unknown), or run. */
export function decideCommand(args: SharedArgs, facts: CommandFacts, view: ModuleView, change: CommandChange): Decision<CommandChange> {
  const warnings = change.warnings ? { warnings: change.warnings } : {};
  if (facts.chdirMissing !== undefined) {
    return { kind: 'failed', msg: 'Unable to change directory before execution.', data: { cmd: change.cmd, rc: null, ...warnings } };
  }
  if (facts.unknown !== undefined) return { kind: 'unknown', msg: facts.unknown };
  if (facts.skippedBy) {
    const { guard, path: p } = facts.skippedBy;
    const what = guard === 'creates' ? 'exists' : 'does not exist';
    const stdout = `skipped, since ${p} ${what}`;
    // Ansible's words: "Did not run command since '/x' exists" ("Would not", in check mode).
    return {
      kind: 'ok',
      msg: `${view.check ? 'Would' : 'Did'} not run command since '${p}' ${what}`,
      data: { cmd: change.cmd, rc: 0, stdout, stderr: '', stdout_lines: [stdout], stderr_lines: [], ...warnings },
    };
  }
  if (view.check && args.creates === undefined && args.removes === undefined) {
    // The engine settles this with the task's changed_when, when that does not read the output. What is
    // registered carries Ansible's result: skipped, rc 0 and its message, with why fleetplay cannot tell.
    return {
      kind: 'unknown',
      msg: `${WOULD_HAVE_RUN} ('${change.shown}'); its effect cannot be predicted (add creates, removes or changed_when)`,
      data: { cmd: change.cmd, rc: 0, skipped: true, ...warnings, [NOT_RUN_IN_CHECK]: `check mode does not run '${change.shown}'` },
    };
  }
  // Check mode with a guard that does not skip: Ansible reports the run it would do (changed, rc 0).
  if (view.check) {
    const data = { cmd: change.cmd, rc: 0, ...warnings };
    return { kind: 'change', msg: WOULD_HAVE_RUN, summary: [{ verb: 'run', object: 'command' }], change, data };
  }
  return { kind: 'change', msg: `run ${change.shown}`, summary: [{ verb: 'run', object: 'command' }], change };
}

/** A refusal as Ansible's command module reports it: rc 256 and the fields it always returns. */
export function refusedDecision(msg: string, warnings: string[] | undefined): Decision<CommandChange> {
  const data = { rc: 256, cmd: null, stdout: '', stderr: '', start: null, end: null, delta: null, ...(warnings ? { warnings } : {}) };
  return { kind: 'failed', msg, data };
}

/** stdin as Ansible's run_command sends it: a newline added unless stdin_add_newline is false; none when empty. */
export function stdinOf(args: SharedArgs): string | undefined {
  if (args.stdin === undefined || args.stdin === '') return undefined;
  return args.stdin_add_newline === false ? args.stdin : `${args.stdin}\n`;
}

// Python's str.splitlines boundaries.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

function lines(s: string): string[] {
  if (s === '') return [];
  const out = s.split(LINE_BREAK);
  if (/(\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])$/.test(s)) out.pop();
  return out;
}

/** Runs the command and reports its output as Ansible's command module does. */
export async function applyCommand(c: CommandChange, host: ModuleHost): Promise<ApplyOutcome> {
  const started = new Date();
  const r = await host.run(c.full, c.stdin !== undefined ? { stdin: c.stdin } : {});
  const ended = new Date();
  const strip = (s: string): string => (c.strip ? s.replace(/[\r\n]+$/, '') : s);
  const stdout = strip(r.stdout);
  let stderr = strip(r.stderr);
  const data: ResultData = {
    cmd: c.cmd,
    rc: r.exitCode,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    ...pythonTimes(started, ended),
    ...(c.warnings ? { warnings: c.warnings } : {}),
  };
  if (r.exitCode !== 0 && r.stderr.includes(CHDIR_FAILED)) {
    stderr = r.stderr.replace(`${CHDIR_FAILED}\n`, '').trim();
    return {
      kind: 'failed',
      msg: `Unable to change directory before execution.${stderr ? ` ${stderr}` : ''}`,
      data: { cmd: c.cmd, rc: null },
    };
  }
  if (r.timedOut) return { kind: 'failed', msg: `command timed out: ${c.shown}`, data };
  if (r.exitCode !== 0) return { kind: 'failed', msg: `non-zero return code ${r.exitCode}${firstLine(r.stderr)}`, data };
  return { kind: 'changed', msg: firstLine(r.stdout).replace(/^: /, '') || `ran ${c.shown}`, data };
}

/** Check mode: what a guarded command promises: `creates` will exist afterwards, `removes` will not (literal paths only). */
export function predictCommand(decision: Decision<CommandChange>, predicted: PredictedState, args: SharedArgs): void {
  if (decision.kind !== 'change') return;
  const creates = args.creates !== undefined ? predictedPath(args.creates, args.chdir) : undefined;
  const removes = args.removes !== undefined ? predictedPath(args.removes, args.chdir) : undefined;
  if (creates !== undefined) predicted.setFile(creates, { type: 'file' });
  if (removes !== undefined) predicted.setFile(removes, { type: 'absent' });
}

function firstLine(s: string): string {
  const l = s.trim().split('\n')[0];
  return l ? `: ${l.slice(0, 200)}` : '';
}
