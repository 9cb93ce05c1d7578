// Runs the decided steps for one unit in one remote command and reads the unit's status afterwards.
import { shellQuote } from '../../engine/quote.ts';
import type { ModuleHost } from '../../engine/module.ts';
import type { ApplyOutcome, ResultData } from '../../engine/types.ts';
import { STEP_WORDS, type UnitStep } from './decide.ts';
import { DIAGNOSE_SCRIPT, describeFailure, parseDiagnosis } from './diagnose.ts';
import { parseShow, SHOWN_PROPERTIES } from './probe.ts';
import { type Scope, scopeOf, systemctlWith } from './scope.ts';
import type { ApplyFlags } from './types.ts';

const SYSTEM: ApplyFlags = { scope: 'system', noBlock: false, force: false };

/** Each step's commands for a scope; `sc` is its systemctl with the task's no_block/force (scope.ts). */
function commands(scope: Scope, sc: string): Record<UnitStep, string> {
  // `global` has no manager: there is nothing to reload, so no --no-reload either.
  const noReload = scope.hasManager ? ' --no-reload' : '';
  return {
    // Unit-file steps pass --no-reload: the one daemon-reload step below does systemctl's reloads at once.
    'unmask-runtime': `${sc} unmask --runtime${noReload} -- "$u"`,
    // systemctl unmask removes hand-made /dev/null links too; the loop is a guard for any it leaves behind.
    unmask: `${sc} unmask${noReload} -- "$u"\nfor d in ${scope.maskDirs.join(' ')}; do if [ "$(readlink -- "$d/$u")" = /dev/null ]; then rm -f -- "$d/$u"; fi; done`,
    disable: `${sc} disable${noReload} -- "$u"`,
    enable: `${sc} enable${noReload} -- "$u"`,
    mask: `${sc} mask${noReload} -- "$u"`,
    // The pause keeps this task's own unit-file changes clear of the reload's timestamp, so a later
    // probe's "changed since the last load?" check (probe.ts, 5 ms of slack) does not count them.
    'daemon-reload': `sleep 0.02\n${sc} daemon-reload`,
    'daemon-reexec': `${sc} daemon-reexec`,
    start: `${sc} start -- "$u"`,
    stop: `${sc} stop -- "$u"`,
    restart: `${sc} restart -- "$u"`,
    reload: `${sc} reload -- "$u"`,
  };
}

const STARTS: UnitStep[] = ['start', 'restart', 'reload'];

/** The apply script: each step announces itself on stdout, then the unit's status follows `@step=done`. */
export function applyScript(unit: string, steps: UnitStep[], flags: ApplyFlags = SYSTEM): string {
  const scope = scopeOf(flags.scope);
  const sc = systemctlWith(scope, flags);
  const COMMANDS = commands(scope, sc);
  return [
    ...scope.prelude,
    'set -e',
    `u=${shellQuote(unit)}`,
    // A unit that does not come up is diagnosed in the same command: no second round trip to find out why.
    ...steps.map(
      (s) =>
        `echo @step=${s}\n${STARTS.includes(s) ? `${COMMANDS[s]} || { ${DIAGNOSE_SCRIPT.replaceAll('\n', '\n  ')}\n  exit 1\n}` : COMMANDS[s]}`,
    ),
    'echo @step=done',
    scope.hasManager
      ? `${scope.systemctl} show -p ${SHOWN_PROPERTIES.join(',')} -- "$u"`
      : `printf 'UnitFileState=%s\\n' "$(${sc} is-enabled -- "$u" 2>/dev/null)"`,
  ].join('\n');
}

/** Runs the steps on the host and reports what was done, with the unit's new status. */
export async function applyUnitSteps(
  host: ModuleHost,
  unit: string,
  steps: UnitStep[],
  data: ResultData,
  flags: ApplyFlags = SYSTEM,
): Promise<ApplyOutcome> {
  const r = await host.run(applyScript(unit, steps, flags), { timeoutMs: 300_000 });
  const marks = r.stdout.split('\n').filter((l) => l.startsWith('@step='));
  const last = marks[marks.length - 1]?.slice('@step='.length);
  const done = r.stdout.slice(r.stdout.indexOf('@step=done') + '@step=done'.length);
  const changed = steps.map((s) => STEP_WORDS[s][1]).join(', ');
  // Every step ran; only reading the new status failed.
  if (last === 'done' && r.exitCode !== 0)
    return { kind: 'changed', msg: `${unit}: ${changed} (status unreadable: ${r.stderr.trim()})`, data };
  if (last !== 'done') {
    const step = (last ?? steps[0]) as UnitStep;
    const diag = r.stdout.indexOf('\n@diag\n');
    const why = r.timedOut
      ? 'timed out'
      : diag >= 0
        ? describeFailure(unit, parseDiagnosis(r.stdout.slice(diag + '\n@diag\n'.length)))
        : r.stderr.trim() || `exit ${r.exitCode}`;
    const verb = STEP_WORDS[step]?.[0] ?? step;
    const completed = steps.slice(0, Math.max(0, steps.indexOf(step))).map((s) => STEP_WORDS[s][1]);
    const before = completed.length ? ` (after it ${completed.join(', ')})` : '';
    return { kind: 'failed', msg: `Unable to ${verb} ${unit}${before}: ${why}`, data };
  }
  const status = parseShow(done);
  return { kind: 'changed', msg: `${unit}: ${changed}`, data: { ...data, status } };
}

/** Runs a daemon-reload and/or daemon-reexec alone (a task with no unit). */
export async function applyDaemonReload(
  host: ModuleHost,
  stale: string[],
  reexec = false,
  flags: ApplyFlags = SYSTEM,
): Promise<ApplyOutcome> {
  const scope = scopeOf(flags.scope);
  const sc = systemctlWith(scope, flags);
  const script = [
    ...scope.prelude,
    ...(stale.length ? [`${sc} daemon-reload || { echo 'daemon-reload failed' >&2; exit 1; }`] : []),
    ...(reexec ? [`${sc} daemon-reexec || { echo 'daemon-reexec failed' >&2; exit 1; }`] : []),
  ].join('\n');
  const r = await host.run(script, { timeoutMs: 300_000 });
  if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}` };
  const done = [
    ...(stale.length ? [`reloaded systemd (${stale.join(', ')} changed on disk)`] : []),
    ...(reexec ? ['re-executed systemd'] : []),
  ];
  return { kind: 'changed', msg: done.join(', ') };
}
