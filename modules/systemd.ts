// systemd (aliases systemd_service, service): start/stop/restart/reload, enable/disable and mask/unmask a unit.
//
// One read-only probe (`systemctl show` + `is-enabled` + the /dev/null mask links) decides; apply runs the
// steps in one remote command. Unit-file steps run first (unmask → enable/disable → mask, with
// --no-reload), then at most one daemon-reload, then the state change: the same effect as Ansible's
// order (daemon_reload → masked → enabled → state) with systemctl's own reloads folded into one.
//
// The daemon-reload rule. A daemon-reload is part of the apply when
//   - a unit-file step runs (mask, unmask, enable, disable), replacing systemctl's own reload; or
//   - the unit is stale and the task starts, stops, restarts or reloads it. Stale means systemd says
//     NeedDaemonReload=yes, or a /dev/null mask link on disk disagrees with LoadState (NeedDaemonReload
//     misses links made or removed by hand), or the unit file exists but systemd has it as not-found.
//     So a unit file or mask link changed earlier in the play is loaded before the unit is started; or
//   - daemon_reload: true is given and either the task changes something, or this unit or any other
//     loaded unit needs a reload. With nothing to reload, daemon_reload: true is a no-op and reports ok,
//     so a second run reports 0 changed (Ansible always reloads and never reports it as a change).
//     Other units are asked only when a file under the unit directories changed (ctime) since systemd
//     last loaded its units (UnitsLoadTimestamp): otherwise none can need a reload (probe.ts).
// A stale unit with nothing else to do is reported ok, with a note that daemon_reload: true would load it.
//
// missing_ok (fleetplay's own argument): a unit that does not exist is ok when the task only stops,
// disables or masks it; starting or enabling it still fails, as in Ansible ("Could not find the requested
// service X: host"). The result's `status` holds the probed `systemctl show` properties (after a change: as
// read right after it), so `register` + `when` work as with Ansible.
//
// Check mode reads the probe through the predicted state (systemd/predict.ts): a unit file an earlier task
// would install makes the unit loaded (disabled, inactive unless predicted otherwise), an earlier unmask or
// package removal is seen, and a unit file changed after systemd loaded it is stale, so the plan names the
// daemon-reload the real run does. Each plan records the state it leaves for later tasks. A missing unit
// that would fail, with nothing predicted to install it, is `unknown` (an unpredictable earlier task, such
// as a shell command, may install it).
import type { ModuleContext, ModuleDefinition, Plan, Vars } from '../engine/types.ts';
import { applyDaemonReload, applyUnitSteps } from './systemd/apply.ts';
import { afterOpaqueTask, decideUnit, type UnitRequest, type UnitState } from './systemd/decide.ts';
import { predictStaleList, predictStatus, recordDaemonReload, recordUnitPlan } from './systemd/predict.ts';
import { parseFragments, parseProbe, parseStaleUnits, probeCommand, staleUnitsCommand, UNIT_DIRS, unitName } from './systemd/probe.ts';

/** The systemd module. */
export const systemdModule: ModuleDefinition = {
  name: 'systemd',
  aliases: ['systemd_service', 'service'],
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9:_.@\\\\-]+$' },
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] },
      enabled: { type: 'boolean' },
      masked: { type: 'boolean' },
      daemon_reload: { type: 'boolean' },
      scope: { enum: ['system'] },
      // fleetplay's own: stopping/disabling a unit that does not exist is ok instead of failing.
      missing_ok: { type: 'boolean' },
    },
    anyOf: [{ required: ['name'] }, { required: ['daemon_reload'] }],
    dependentRequired: { state: ['name'], enabled: ['name'], masked: ['name'], missing_ok: ['name'] },
    additionalProperties: false,
  },
  async plan(args, ctx) {
    if (typeof args.name !== 'string') {
      if (args.daemon_reload !== true) return { kind: 'failed', msg: 'name is required unless daemon_reload: true' };
      return planDaemonReload(ctx);
    }
    const opaque = ctx.check ? ctx.predicted.opaqueTask() : undefined;
    return planUnit({ ...request(args, ctx.check), ...(opaque ? { opaqueTask: opaque } : {}) }, ctx);
  },
};

function request(args: Vars, check: boolean): UnitRequest {
  return {
    unit: unitName(String(args.name)),
    ...(typeof args.state === 'string' ? { state: args.state as UnitState } : {}),
    ...(typeof args.enabled === 'boolean' ? { enabled: args.enabled } : {}),
    ...(typeof args.masked === 'boolean' ? { masked: args.masked } : {}),
    daemonReload: args.daemon_reload === true,
    missingOk: args.missing_ok === true,
    check,
  };
}

async function planUnit(req: UnitRequest, ctx: ModuleContext): Promise<Plan> {
  const r = await ctx.run(probeCommand(req.unit, req.daemonReload, fragmentsNeeded(ctx)), { readOnly: true });
  if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot read the state of ${req.unit}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probed = parseProbe(req.unit, r.stdout);
  const status = ctx.check ? predictStatus(probed, ctx.predicted) : probed;
  const data = {
    name: req.unit,
    status: status.properties,
    ...(req.state ? { state: req.state === 'stopped' ? 'stopped' : 'started' } : {}),
    ...(req.enabled !== undefined ? { enabled: req.enabled } : {}),
  };
  // predictStatus returns the probe itself when no earlier prediction touches the unit.
  const since = ctx.check && status !== probed ? ctx.predicted.opaqueSinceUnit(req.unit) : undefined;
  const d = afterOpaqueTask(req, decideUnit(req, status), since);
  if (ctx.check) recordUnitPlan(ctx.predicted, req, status, d);
  if (d.kind !== 'change') return { kind: d.kind, msg: d.msg, data };
  return { kind: 'change', msg: d.msg, diff: d.diff, data, apply: () => applyUnitSteps(ctx, req.unit, d.steps, data) };
}

/**
 * Check mode needs every loaded unit's file only when an earlier task would change something in the
 * unit directories (predictedStaleUnits compares them); otherwise the host's own staleness is all.
 */
function fragmentsNeeded(ctx: ModuleContext): boolean {
  return ctx.check && UNIT_DIRS.some((d) => ctx.predicted.hasFileUnder(d));
}

async function planDaemonReload(ctx: ModuleContext): Promise<Plan> {
  const r = await ctx.run(staleUnitsCommand(fragmentsNeeded(ctx)), { readOnly: true });
  if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot list units: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const hostStale = parseStaleUnits(r.stdout);
  const stale = ctx.check ? predictStaleList(hostStale, { fragments: parseFragments(r.stdout) }, ctx.predicted) : hostStale;
  if (stale.length === 0) return { kind: 'ok', msg: 'no loaded unit needs a daemon-reload' };
  if (ctx.check) recordDaemonReload(ctx.predicted, stale);
  return {
    kind: 'change',
    msg: `daemon-reload (${stale.join(', ')} changed on disk)`,
    diff: [{ header: 'systemd units needing a daemon-reload', before: stale.join(', '), after: '' }],
    apply: () => applyDaemonReload(ctx, stale),
  };
}
