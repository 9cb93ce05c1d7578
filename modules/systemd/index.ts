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
// Check mode reads the probe through the predicted state (predict.ts): a unit file an earlier task
// would install makes the unit loaded (disabled, inactive unless predicted otherwise), an earlier unmask or
// package removal is seen, and a unit file changed after systemd loaded it is stale, so the plan names the
// daemon-reload the real run does. Each plan records the state it leaves for later tasks. A missing unit
// that would fail, with nothing predicted to install it, is `unknown` (an unpredictable earlier task, such
// as a shell command, may install it).

// scope (scope.ts): `user` runs `systemctl --user` on the user's bus (XDG_RUNTIME_DIR set to
// /run/user/<uid> when unset, as Ansible does) with the user's unit directories; `global` runs
// `systemctl --global` for enabled/masked only (no manager: a state fails). Check mode records user and
// global units in the module's own slot, not as system units, and reads a unit file or mask link another
// task would write in their directories (content not known in advance: unknown). no_block and force
// go on every systemctl command, as Ansible adds them. daemon_reexec re-executes the manager only when
// it runs files replaced on disk (/proc/<pid>/maps shows `(deleted)` files other than memfds;
// unreadable maps count as due), so a second run reports ok.
// name's aliases are Ansible's (service, unit); the service module's own sleep, pattern, runlevel,
// arguments and use are accepted and ignored, as Ansible's service action does for its systemd backend.

import { defineModule } from '../../engine/module.ts';
import { applyDaemonReload, applyUnitSteps } from './apply.ts';
import { decideSystemd } from './decide.ts';
import { predictSystemd } from './predict.ts';
import { probeSystemd } from './probe.ts';
import { systemdSchema, type SystemdArgs } from './schema.ts';
import type { SystemdChange, SystemdFacts } from './types.ts';

/** The systemd module. */
export const systemdModule = defineModule<SystemdArgs, SystemdFacts, SystemdChange>({
  name: 'systemd',
  summary: 'Start, stop, restart or reload a unit; enable, disable, mask or unmask it.',
  aliases: ['systemd_service', 'service'],
  runsOn: 'host',
  schema: systemdSchema,
  probe: (args, view) => probeSystemd(args, view),
  decide: (args, facts, view) => decideSystemd(args, facts, view),
  apply: (change, host) =>
    change.kind === 'reload'
      ? applyDaemonReload(host, change.stale, change.reexec, change.flags)
      : applyUnitSteps(host, change.unit, change.steps, change.data, change.flags),
  predict: (decision, predicted) => predictSystemd(decision, predicted),
});
