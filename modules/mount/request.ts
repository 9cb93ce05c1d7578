// The mount module's arguments judged and completed with Ansible's defaults, before anything is read.
import { FleetError } from '../../engine/errors.ts';
import type { MountArgs } from './schema.ts';
import type { MountRequest } from './types.ts';

/** The request a task makes; throws an arguments error for what Ansible refuses (and for `ephemeral`). */
export function mountRequest(args: MountArgs): MountRequest {
  if (args.state === 'ephemeral')
    throw new FleetError(
      'arguments',
      "state 'ephemeral' (mount without an fstab entry) is not supported by fleetplay; use state 'mounted' with an fstab entry, or a command task running mount",
    );
  const missing = (['src', 'fstype'] as const).filter((k) => args[k] === undefined);
  if ((args.state === 'mounted' || args.state === 'present') && missing.length > 0)
    throw new FleetError('arguments', `state is ${args.state} but all of the following are missing: ${missing.join(', ')}`);
  const boot = args.boot ?? true;
  let opts = args.opts ?? 'defaults';
  // Ansible: boot false appends noauto to opts (even when opts has it already, as Ansible does).
  if (!boot) opts = `${opts},noauto`;
  return {
    state: args.state,
    path: args.path,
    ...(args.src !== undefined ? { src: args.src } : {}),
    ...(args.fstype !== undefined ? { fstype: args.fstype } : {}),
    opts,
    dump: String(args.dump ?? '0'),
    passno: String(args.passno ?? '0'),
    fstab: args.fstab ?? '/etc/fstab',
    backup: args.backup ?? false,
    boot,
  };
}
