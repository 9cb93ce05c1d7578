// sysctl: keep a kernel parameter in a sysctl file and, with reload (default) or sysctl_set, live in /proc/sys.
//
// One probe reads the live value and the file; the task is changed when the file line or the live value
// differs (with reload or sysctl_set, as Ansible compares it). Apply sets the live value with `sysctl -w`
// first (a refused value leaves the file untouched), then writes the file atomically, then, with reload,
// runs Ansible's `sysctl -p <file>` (`-e` with ignoreerrors), which sets every key of the file: a reload
// that would fail (a key of the file the kernel lacks without -e, a read-only key) fails the task before
// anything is written (Ansible writes the file, then fails); its exit code and sysctl's "setting key"
// errors are judged as Ansible does. The file's other keys are read in a second stage only then.
// An unknown key of the task itself fails before anything is written, unless both reload and sysctl_set
// are false (the file alone is managed, e.g. for a key that appears once a module loads) or ignoreerrors
// is true (Ansible's `sysctl -e`: the file is written and the key's live value is skipped).
// The switches take booleans or, as a template may render them, Ansible's boolean words and 0/1.
//
// Check mode reads the file and the live values (/proc/sys/<key>) through the predicted state, so the items
// of a loop that write one file see each other's lines, and records the file (with its text) and the live
// values a planned change (and its reload) leaves.
import { defineModule } from '../../engine/module.ts';
import { applySysctl } from './apply.ts';
import { decideSysctl } from './decide.ts';
import { predictSysctlChange } from './predict.ts';
import { probeSysctl } from './probe.ts';
import { sysctlSchema, type SysctlArgs } from './schema.ts';
import type { SysctlFacts, SysctlPlanned } from './types.ts';

export { sysctlApplyScript } from './apply.ts';
export { parseSysctlProbe, predictSysctl, sysctlProbeCommand } from './probe.ts';
export { keyPath, normalizeValue, removeLines, setLine } from './text.ts';
export type { SysctlChange, SysctlStatus } from './types.ts';

/** The sysctl module. */
export const sysctlModule = defineModule<SysctlArgs, SysctlFacts, SysctlPlanned>({
  name: 'sysctl',
  summary: 'A kernel parameter in a sysctl file and, live, in /proc/sys.',
  runsOn: 'host',
  schema: sysctlSchema,
  probe: (args, view) => probeSysctl(args, view),
  decide: (args, facts) => decideSysctl(args, facts),
  apply: (planned, host) => applySysctl(host, planned.change),
  predict: (decision, predicted) => predictSysctlChange(decision, predicted),
});
