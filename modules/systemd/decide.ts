// Decides what a systemd task must do to one unit, from the probed status. Pure: no I/O.
import type { ChangeSummary, Decision, ModuleView } from '../../engine/module.ts';
import type { DiffEntry } from '../../engine/types.ts';
import type { UnitStatus } from './probe.ts';
import type { SystemdArgs } from './schema.ts';
import type { ScopeName } from './scope.ts';
import { applyFlags, decideReload } from './decideReload.ts';
import type { SystemdChange, SystemdFacts } from './types.ts';

/** The module's decision: a unit's steps, or a daemon-reload alone. */
export function decideSystemd(args: SystemdArgs, facts: SystemdFacts, view: ModuleView): Decision<SystemdChange> {
  switch (facts.kind) {
    case 'no-unit':
      return { kind: 'failed', msg: 'name is required unless daemon_reload or daemon_reexec is true' };
    case 'unreadable':
    case 'refused':
      return { kind: 'failed', msg: facts.msg };
    case 'reload':
      return decideReload(args, facts);
    case 'unit':
      break;
  }
  const { status } = facts;
  if (facts.unpredictable) return { kind: 'unknown', msg: `${facts.unit}: ${facts.unpredictable}` };
  const req: UnitRequest = {
    scope: facts.scope,
    reexec: facts.reexec,
    unit: facts.unit,
    ...(args.state !== undefined ? { state: args.state } : {}),
    ...(args.enabled !== undefined ? { enabled: args.enabled } : {}),
    ...(args.masked !== undefined ? { masked: args.masked } : {}),
    daemonReload: args.daemon_reload === true,
    missingOk: args.missing_ok === true,
    check: view.check,
    ...(facts.opaqueTask ? { opaqueTask: facts.opaqueTask } : {}),
  };
  const data = {
    // Ansible returns the name as the task gave it (`ansible_test`, not `ansible_test.service`).
    name: args.name ?? req.unit,
    status: status.properties,
    ...(req.state ? { state: req.state === 'stopped' ? 'stopped' : 'started' } : {}),
    ...(req.enabled !== undefined ? { enabled: req.enabled } : {}),
  };
  const d = afterOpaqueTask(req, decideUnit(req, status), facts.opaqueSince);
  const record = { req, status, decision: d };
  if (d.kind !== 'change') return { kind: d.kind, msg: d.msg, data, record };
  return {
    kind: 'change',
    msg: d.msg,
    diff: d.diff,
    data,
    summary: unitSummary(req.unit, d.steps),
    change: { kind: 'unit', unit: req.unit, steps: d.steps, data, record, flags: applyFlags(args) },
  };
}

/**
 * The plan summary of a unit's steps: one named entry per action on the unit (its name without
 * `.service`); a daemon-reload is systemd's business, so a task that only reloads is `daemon-reload for`.
 */
function unitSummary(unit: string, steps: UnitStep[]): ChangeSummary[] {
  const object = unit.replace(/\.service$/, '');
  const verbs = [...new Set(steps.filter((x) => x !== 'daemon-reload').map((x) => STEP_WORDS[x][0].split(' ')[0] ?? x))];
  return (verbs.length ? verbs : ['daemon-reload for']).map((verb) => ({ verb, object, named: true }));
}

/** The states a task can ask for. */
export type UnitState = 'started' | 'stopped' | 'restarted' | 'reloaded';

/** One thing the apply step runs, in this order. */
export type UnitStep =
  | 'unmask'
  | 'unmask-runtime'
  | 'disable'
  | 'enable'
  | 'mask'
  | 'daemon-reload'
  | 'daemon-reexec'
  | 'start'
  | 'stop'
  | 'restart'
  | 'reload';

/** What the task asks for one unit. */
export interface UnitRequest {
  unit: string;
  /** Which manager (system when absent). `global` has none: only unit-file steps apply. */
  scope?: ScopeName;
  /** daemon_reexec is asked and due. */
  reexec?: boolean;
  state?: UnitState;
  enabled?: boolean;
  masked?: boolean;
  daemonReload: boolean;
  /** A unit that does not exist is fine when it only has to be stopped, disabled or masked. */
  missingOk: boolean;
  check: boolean;
  /** Check mode: an earlier task whose effects are not predicted (it may have installed the unit). */
  opaqueTask?: string;
}

/** The decision for one unit. */
export type UnitDecision =
  | { kind: 'ok' | 'failed' | 'unknown'; msg: string }
  | { kind: 'change'; msg: string; steps: UnitStep[]; diff: DiffEntry[] };

/** Step order: unit files first (unmask → enable/disable → mask), then one daemon-reload, then the state. */
const ORDER: UnitStep[] = [
  'unmask',
  'unmask-runtime',
  'disable',
  'enable',
  'mask',
  'daemon-reload',
  'daemon-reexec',
  'start',
  'stop',
  'restart',
  'reload',
];
const FILE_STEPS: UnitStep[] = ['unmask', 'unmask-runtime', 'disable', 'enable', 'mask'];

/** Verbs for messages: [plan, done]. */
export const STEP_WORDS: Record<UnitStep, [string, string]> = {
  unmask: ['unmask', 'unmasked'],
  'unmask-runtime': ['unmask (runtime)', 'unmasked (runtime)'],
  disable: ['disable', 'disabled'],
  enable: ['enable', 'enabled'],
  mask: ['mask', 'masked'],
  'daemon-reload': ['daemon-reload', 'reloaded systemd'],
  'daemon-reexec': ['daemon-reexec', 're-executed systemd'],
  start: ['start', 'started'],
  stop: ['stop', 'stopped'],
  restart: ['restart', 'restarted'],
  reload: ['reload', 'reloaded'],
};

// is-enabled states that systemctl counts as enabled (exit 0), as Ansible does.
const ENABLED = ['enabled', 'enabled-runtime', 'alias', 'static', 'indirect', 'generated', 'transient'];
// is-enabled states Ansible counts as disabled when `is-enabled --full` prints the state alone (no
// installation links): `systemctl enable` then runs, e.g. for a unit whose [Install] has only Also=.
const LINKED_ONLY = ['indirect', 'alias'];
// Static, generated and transient units cannot be enabled or disabled: `enabled` is then ok (Ansible runs
// `systemctl disable` on them, a no-op it reports as changed every run: fleetplay reports ok).
const DISABLEABLE = ['enabled', 'enabled-runtime', ...LINKED_ONLY];

/** Ansible's reading of `systemctl is-enabled --full`: an enabled state, unless indirect or alias with no installation links. */
export function countsAsEnabled(state: string, installLinks: readonly string[]): boolean {
  return ENABLED.includes(state) && !(LINKED_ONLY.includes(state) && installLinks.length === 0);
}
const RUNNING = ['active', 'activating', 'reloading'];

/** True when the manager's view of the unit lags behind the files on disk, so a daemon-reload is due. */
export function isStale(s: UnitStatus): boolean {
  const maskedOnDisk = s.maskLinks.length > 0;
  // NeedDaemonReload misses a mask link created next to a loaded unit, and a link removed by hand.
  return s.needDaemonReload || maskedOnDisk !== (s.loadState === 'masked') || (s.loadState === 'not-found' && s.unitFileState !== '');
}

/** Decides the steps for one unit (see the module's daemon-reload rule in index.ts). */
export function decideUnit(req: UnitRequest, s: UnitStatus): UnitDecision {
  const { unit } = req;
  const manager = req.scope !== 'global';
  if (!manager && req.state !== undefined)
    return {
      kind: 'failed',
      msg: `state: ${req.state} cannot be used with scope: global (systemctl --global only enables, disables and masks units)`,
    };
  const masked = s.maskLinks.length > 0 || s.unitFileState.startsWith('masked');
  const exists = s.loadState !== 'not-found' || masked || s.unitFileState !== '';
  const stale = isStale(s);
  if (!exists) {
    const missing = decideMissing(req);
    if (missing) return missing;
  }
  const steps: UnitStep[] = [];

  // Masking.
  let maskedAfter = masked;
  if (req.masked === false && masked) {
    // Runtime masks live under /run (/run/systemd/system, a user's /run/user/<uid>/systemd/user).
    const runtime = s.maskLinks.filter((l) => l.startsWith('/run/'));
    if (runtime.length) steps.push('unmask-runtime');
    if (runtime.length < s.maskLinks.length || s.maskLinks.length === 0) steps.push('unmask');
    maskedAfter = false;
  } else if (req.masked === true && !masked) {
    steps.push('mask');
    maskedAfter = true;
  }
  const maskHint = req.masked === true ? `the task also masks ${unit}` : `${unit} is masked${linkNote(s)}; add masked: false to unmask it`;
  if (maskedAfter && (req.state === 'started' || req.state === 'restarted' || req.state === 'reloaded')) {
    return { kind: 'failed', msg: `cannot ${req.state.replace(/ed$/, '')} ${unit}: ${maskHint}` };
  }
  if (maskedAfter && req.enabled === true) return { kind: 'failed', msg: `cannot enable ${unit}: ${maskHint}` };

  // Enablement: a masked unit's own state is hidden behind the mask, so the wants/requires links tell it.
  const enablement = masked ? (s.wantedBy.length ? 'enabled' : 'disabled') : s.unitFileState || 'not-found';
  let enablementAfter = enablement;
  const enabledNow = masked ? enablement === 'enabled' : countsAsEnabled(enablement, s.installLinks);
  if (req.enabled === true && !enabledNow) {
    steps.push('enable');
    enablementAfter = 'enabled';
  } else if (req.enabled === false && enabledNow && DISABLEABLE.includes(enablement)) {
    steps.push('disable');
    enablementAfter = 'disabled';
  }

  // Active state, from the manager (always current).
  if (['error', 'bad-setting'].includes(s.loadState) && !stale && req.state && req.state !== 'stopped') {
    return { kind: 'failed', msg: `Error loading unit file '${unit}': ${s.loadError || s.loadState}` };
  }
  const active = decideState(req, s, stale);
  if ('failed' in active) return { kind: 'failed', msg: active.failed };
  if (active.step) steps.push(active.step);
  const activeAfter = active.after;

  // The daemon-reload rule (documented in index.ts).
  const fileSteps = steps.some((x) => FILE_STEPS.includes(x));
  const otherStale = s.staleUnits.some((u) => u !== unit);
  if (manager && (fileSteps || (stale && steps.length > 0) || (req.daemonReload && (stale || otherStale || steps.length > 0))))
    steps.push('daemon-reload');
  // daemon_reexec: the manager re-executes only when it runs files replaced on disk (the probe's check).
  if (manager && req.reexec) steps.push('daemon-reexec');

  const summary = (m: boolean, e: string, a: string): string => `${m ? 'masked' : 'unmasked'}, ${e}, ${a}`;
  if (steps.length === 0) {
    const note = stale && !req.daemonReload ? ' (its unit file changed on disk; daemon_reload: true would load it)' : '';
    const what = exists ? `is ${summary(masked, enablement, s.activeState)}` : 'does not exist';
    return { kind: 'ok', msg: `${unit} ${what}${missingNote(req, exists)}${note}` };
  }
  steps.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  const diff: DiffEntry[] = [
    {
      header: unit,
      before: exists ? summary(masked, enablement, s.activeState) : 'not found',
      after: exists ? summary(maskedAfter, enablementAfter, activeAfter) : maskedAfter ? 'masked' : 'not found',
    },
  ];
  return { kind: 'change', msg: `${unit}: ${steps.map((x) => STEP_WORDS[x][0]).join(', ')}`, steps, diff };
}

/** The start/stop/restart/reload step for `state`, and the active state it leads to. */
function decideState(req: UnitRequest, s: UnitStatus, stale: boolean): { step?: UnitStep; after: string } | { failed: string } {
  const running = RUNNING.includes(s.activeState);
  switch (req.state) {
    case 'started':
      return running ? { after: s.activeState } : { step: 'start', after: 'active' };
    case 'stopped':
      return running || s.activeState === 'deactivating' ? { step: 'stop', after: 'inactive' } : { after: s.activeState };
    // restarted and reloaded always act (and report changed); a unit that is not running is started.
    case 'restarted':
      return running ? { step: 'restart', after: 'active (restarted)' } : { step: 'start', after: 'active' };
    case 'reloaded':
      if (running && !s.canReload && !stale) return { failed: `${req.unit} cannot reload (no ExecReload=); use state: restarted` };
      return running ? { step: 'reload', after: 'active (reloaded)' } : { step: 'start', after: 'active' };
    case undefined:
      return { after: s.activeState };
  }
}

/**
 * Check mode: a decision read from states that earlier tasks' predictions set, when `opaque`, a task whose
 * effects check mode cannot predict (an install from a repository added in the same run, a command it did
 * not run), ran after them. That task may have changed the unit (a package's maintainer scripts enable and
 * start their units; `dpkg --configure -a` finishes a removal), so the decision, a failure too (a mask the
 * predicted state still holds), is unknown.
 */
export function afterOpaqueTask(req: UnitRequest, d: UnitDecision, opaque: string | undefined): UnitDecision {
  if (!req.check || !opaque || d.kind === 'unknown') return d;
  return {
    kind: 'unknown',
    msg: `${req.unit}: its state here is predicted from earlier tasks, but '${opaque}', whose effects check mode cannot predict, ran after them and may have changed it, so the outcome is unknown`,
  };
}

/** A unit that does not exist: fail like Ansible, unless only stop/disable/mask is asked and missing_ok is set. */
function decideMissing(req: UnitRequest): UnitDecision | undefined {
  const needsUnit = req.state === 'started' || req.state === 'restarted' || req.state === 'reloaded' || req.enabled === true;
  const touches = req.state !== undefined || req.enabled !== undefined;
  if (!touches) return undefined; // masking (or a bare daemon-reload) works on a unit that does not exist
  if (req.missingOk && !needsUnit) return undefined;
  if (req.check && req.opaqueTask) {
    // Nothing predicted installs it (that would have made it exist), but an earlier task whose outcome
    // check mode cannot predict (a shell command) might. Without one, the real run fails as below.
    return {
      kind: 'unknown',
      msg: `${req.unit} does not exist and no earlier task is predicted to install it, but '${req.opaqueTask}', whose effects check mode cannot predict, may, so the outcome is unknown`,
    };
  }
  const hint = !needsUnit ? ' (add missing_ok: true to accept a unit that does not exist)' : '';
  return { kind: 'failed', msg: `Could not find the requested service ${req.unit}: host${hint}` };
}

function missingNote(req: UnitRequest, exists: boolean): string {
  return !exists && req.missingOk ? ' (missing_ok: nothing to stop or disable)' : '';
}

function linkNote(s: UnitStatus): string {
  return s.maskLinks.length ? ` (${s.maskLinks.map((l) => `${l} → /dev/null`).join(', ')})` : '';
}
