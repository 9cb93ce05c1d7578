// mount (ansible.posix.mount): control mount points and their /etc/fstab entries, as Ansible documents it.
//
// present writes the fstab entry only; mounted writes it, creates the mount point if missing and mounts
// (or remounts when the entry changed); unmounted unmounts and keeps the entry; absent removes the entry
// and then unmounts and removes the mount point directory; absent_from_fstab removes the entry only;
// remounted always remounts. ephemeral is refused. The fstab edits are Ansible's, line for line
// (fstab.ts); the probe reads the fstab and /proc/self/mountinfo in one command.
//
// Check mode reads the fstab through the prediction, and the mount state through the module's slot
// (MOUNTS), and records the fstab text, the mount point directory and the mount state a change leaves.
import { defineModule } from '../../engine/module.ts';
import { applyMount } from './apply.ts';
import { decideModule } from './decide.ts';
import { predictMount } from './predict.ts';
import { probeMount } from './probe.ts';
import { mountRequest } from './request.ts';
import { mountSchema, type MountArgs } from './schema.ts';
import type { MountChange, MountFacts } from './types.ts';

export { mountApplyScript } from './apply.ts';
export { decideMount } from './decide.ts';
export { escapeFstab, setMount, unsetMount } from './fstab.ts';
export { mountinfoPath, mountProbeCommand, parseMountProbe } from './probe.ts';
export { mountRequest } from './request.ts';
export type { MountRequest, MountStatus } from './types.ts';

/** The mount module. */
export const mountModule = defineModule<MountArgs, MountFacts, MountChange>({
  name: 'mount',
  summary: 'Mount points and their /etc/fstab entries.',
  runsOn: 'host',
  schema: mountSchema,
  probe: (args, view) => probeMount(mountRequest(args), view),
  decide: (args, facts) => decideModule(mountRequest(args), facts),
  apply: applyMount,
  predict: (decision, predicted) => predictMount(decision, predicted),
});
