// The systemd module's decision for a task without a unit: daemon_reload and/or daemon_reexec alone. Pure.
import type { Decision } from '../../engine/module.ts';
import type { SystemdArgs } from './schema.ts';
import type { ApplyFlags, SystemdChange, SystemdFacts } from './types.ts';

/** A daemon-reload when loaded units need one, a daemon-reexec when it is due; ok when neither. */
export function decideReload(args: SystemdArgs, facts: Extract<SystemdFacts, { kind: 'reload' }>): Decision<SystemdChange> {
  const { stale, reexec } = facts;
  const flags = applyFlags(args);
  if (stale.length === 0 && !reexec) {
    const what = [
      ...(args.daemon_reload === true ? ['no loaded unit needs a daemon-reload'] : []),
      ...(args.daemon_reexec === true ? ['the manager runs its current files (no daemon-reexec due)'] : []),
    ];
    return { kind: 'ok', msg: what.join('; ') || 'nothing to reload' };
  }
  const parts = [
    ...(stale.length ? [`daemon-reload (${stale.join(', ')} changed on disk)`] : []),
    ...(reexec ? ['daemon-reexec (the manager runs files replaced on disk)'] : []),
  ];
  return {
    kind: 'change',
    msg: parts.join(', '),
    diff: stale.length ? [{ header: 'systemd units needing a daemon-reload', before: stale.join(', '), after: '' }] : [],
    summary: [
      ...(stale.length ? [{ verb: 'daemon-reload', object: 'systemd', named: true }] : []),
      ...(reexec ? [{ verb: 'daemon-reexec', object: 'systemd', named: true }] : []),
    ],
    change: { kind: 'reload', stale, reexec, flags },
  };
}

/** The scope and Ansible's no_block and force, as apply passes them to systemctl. */
export function applyFlags(args: SystemdArgs): ApplyFlags {
  return { scope: args.scope ?? 'system', noBlock: args.no_block === true, force: args.force === true };
}
