// The systemd module's `scope` (Ansible's): which manager systemctl talks to, and where that manager's
// unit files and mask links live. `system` is the default; `user` is the connecting (or become) user's
// own manager, reached on its bus through XDG_RUNTIME_DIR, set to /run/user/<uid> when unset as Ansible
// does; `global` is the unit files every user's manager reads (`systemctl --global`): it has no running
// manager, so only enabled and masked apply.
import { shellQuote } from '../../engine/quote.ts';
import type { StateSlot } from '../../engine/types.ts';
import { MASK_DIRS, UNIT_DIRS } from '../lib/unitDirs.ts';

/** Ansible's scope choices. */
export type ScopeName = 'system' | 'user' | 'global';

/** How the module reaches one scope. Directories are shell words (a user's contain "$HOME"). */
export interface Scope {
  name: ScopeName;
  /** The systemctl command with the scope's flag. */
  systemctl: string;
  /** Shell lines to run first (the user's bus). */
  prelude: string[];
  unitDirs: readonly string[];
  /** Where a `/dev/null` link masks a unit: persistent first, then runtime (under /run/). */
  maskDirs: readonly string[];
  /** Where enablement links (`*.wants`, `*.requires`) are made. */
  wantsDir: string;
  /** A running manager to start, stop and reload units (not `global`). */
  hasManager: boolean;
}

const USER_CONFIG = '"$HOME/.config/systemd/user"';
const USER_RUNTIME = '"$XDG_RUNTIME_DIR/systemd/user"';

/** The scope of a task (system when not given). */
export function scopeOf(name: ScopeName | undefined): Scope {
  switch (name) {
    case 'user':
      return {
        name,
        systemctl: 'systemctl --user',
        prelude: ['[ -n "${XDG_RUNTIME_DIR:-}" ] || { XDG_RUNTIME_DIR=/run/user/$(id -u); export XDG_RUNTIME_DIR; }'],
        unitDirs: [
          USER_CONFIG,
          '/etc/systemd/user',
          USER_RUNTIME,
          '/usr/local/lib/systemd/user',
          '/usr/lib/systemd/user',
          '/lib/systemd/user',
        ],
        maskDirs: [USER_CONFIG, USER_RUNTIME],
        wantsDir: USER_CONFIG,
        hasManager: true,
      };
    case 'global':
      return {
        name,
        systemctl: 'systemctl --global',
        prelude: [],
        unitDirs: ['/etc/systemd/user', '/usr/local/lib/systemd/user', '/usr/lib/systemd/user', '/lib/systemd/user'],
        maskDirs: ['/etc/systemd/user'],
        wantsDir: '/etc/systemd/user',
        hasManager: false,
      };
    default:
      return {
        name: 'system',
        systemctl: 'systemctl',
        prelude: [],
        unitDirs: UNIT_DIRS,
        maskDirs: MASK_DIRS,
        wantsDir: '/etc/systemd/system',
        hasManager: true,
      };
  }
}

/** Ansible's extra systemctl flags: no_block and force go on every systemctl command it runs. */
export interface SystemctlFlags {
  noBlock: boolean;
  force: boolean;
}

/** The scope's systemctl with the task's flags. */
export function systemctlWith(scope: Scope, flags: SystemctlFlags): string {
  return [scope.systemctl, ...(flags.noBlock ? ['--no-block'] : []), ...(flags.force ? ['--force'] : [])].join(' ');
}

/**
 * Shell printing `@reexec=1` when the scope's manager runs from files replaced on disk (an upgraded
 * systemd: its /proc/<pid>/maps shows ` (deleted)` files other than memfds), so a daemon-reexec would change what runs;
 * `@reexec=0` when it is current; `@reexec=?` when the maps cannot be read.
 */
export function reexecProbe(scope: Scope): string {
  const pid = scope.name === 'user' ? '"$(systemctl show -p MainPID --value -- "user@$(id -u).service" 2>/dev/null)"' : '1';
  return [
    `fp_pid=${pid}`,
    `if ! fp_maps=$(cat -- "/proc/$fp_pid/maps" 2>/dev/null) || [ -z "$fp_maps" ]; then echo '@reexec=?'`,
    // memfd and shared-memory mappings always show as deleted: they are no replaced files.
    `elif printf '%s\\n' "$fp_maps" | grep -v -e '/memfd:' -e '/dev/shm/' -e '/SYSV' | grep -q ' (deleted)$'; then echo '@reexec=1'`,
    "else echo '@reexec=0'; fi",
  ].join('\n');
}

/** Parses reexecProbe's line: due (or unknown, taken as due) or not. */
export function parseReexec(output: string): boolean {
  const m = /^@reexec=(.)$/m.exec(output);
  return m?.[1] !== '0';
}

/** A unit of a user or global scope as check mode's earlier plans left it (the system scope uses predicted units). */
export interface ScopedUnit {
  masked?: boolean;
  enabled?: boolean;
  active?: boolean;
}

/** Check mode's record of user- and global-scope units, by `<scope>:<unit>`. */
export const SCOPED_UNITS: StateSlot<Map<string, ScopedUnit>> = {
  name: 'systemd: user and global scope units',
  init: () => new Map(),
};

/** A quoted unit name in a directory word (`"$HOME/.config/systemd/user"/'x.service'`). */
export function inDir(dir: string, unit: string): string {
  return `${dir}/${shellQuote(unit)}`;
}
