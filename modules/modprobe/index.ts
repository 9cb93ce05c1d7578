// modprobe: load or unload a kernel module, and make it load at boot (/etc/modules-load.d/<name>.conf).
//
// A module counts as loaded when /sys/module/<name> exists (loaded, or built into the kernel), when
// /proc/modules lists it, or when modules.builtin names it. Nothing tries to load a module that is
// already there, so hosts without /proc/modules or /lib/modules (containers) work for built-in modules.
// The parameters of a module that is already loaded are not compared (a loaded module keeps its own).
// A kernel without /proc/modules has no loadable-module support: `state: present` is then ok (the module is
// built in or unavailable; nothing can be loaded), and the message says so.
//
// Check mode reads the probe through the predicted state (/sys/module/<name> for a module an earlier task
// loads or unloads, the boot and options files earlier tasks write) and records what a planned change
// leaves: the module loaded or not, and each file with its text.
import { defineModule } from '../../engine/module.ts';
import { applyModprobe } from './apply.ts';
import { decideModule } from './decide.ts';
import { predictModprobe } from './predict.ts';
import { probeModprobe } from './probe.ts';
import { modprobeSchema, type ModprobeArgs } from './schema.ts';
import type { ModprobeChange, ModprobeFacts } from './types.ts';

export { modprobeApplyScript } from './apply.ts';
export { decideModprobe } from './decide.ts';
export { modprobeProbeCommand, parseModprobeProbe } from './probe.ts';
export type { FileAttrs, ModprobeDecision, ModprobeRequest, ModuleStatus } from './types.ts';

/** The modprobe module. */
export const modprobeModule = defineModule<ModprobeArgs, ModprobeFacts, ModprobeChange>({
  name: 'modprobe',
  summary: 'Load or unload a kernel module, and make it load at boot.',
  runsOn: 'host',
  schema: modprobeSchema,
  probe: (args, view) => probeModprobe(args, view),
  decide: (args, facts) => decideModule(args, facts),
  apply: applyModprobe,
  predict: (decision, predicted) => predictModprobe(decision, predicted),
});
