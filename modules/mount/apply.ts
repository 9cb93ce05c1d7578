// The mount module's apply: one script that creates the mount point, writes the fstab atomically (temp file
// beside it, renamed), and mounts, remounts or unmounts, undoing the fstab and the directories it created
// when a mount fails (as Ansible does, ansible/ansible#59183).
import type { ModuleHost } from '../../engine/module.ts';
import { shellCommand, shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import { verifyUpload } from '../lib/writeFile.ts';
import type { MountChange } from './types.ts';

// Exit codes of the script's steps, and Ansible's words for each failure.
const FAILURES: Record<number, (path: string) => string> = {
  11: (p) => `Error making dir ${p}`,
  12: () => 'Error writing the fstab',
  13: (p) => `Error mounting ${p}`,
  14: (p) => `Error unmounting ${p}`,
  15: (p) => `Error rmdir ${p}`,
  16: (p) => `Error remounting ${p}`,
};

const REMOUNT_WITH_OPTIONS =
  'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.';

const BACKUP_LINE = 'fleetplay-backup=';

/** Runs the change; the fstab's new text goes through stdin. */
export async function applyMount(c: MountChange, host: ModuleHost): Promise<ApplyOutcome> {
  const r = await host.run(mountApplyScript(c), c.fstab !== undefined ? { stdin: c.fstab } : undefined);
  const backup = r.stdout.split('\n').find((l) => l.startsWith(BACKUP_LINE));
  const data = { backup_file: backup ? `${c.request.fstab}.${backup.slice(BACKUP_LINE.length)}` : '' };
  if (r.exitCode === 0) return { kind: 'changed', msg: c.done, data };
  const why = r.stderr.trim() || `exit ${r.exitCode}`;
  if (r.exitCode === 17) return { kind: 'failed', msg: REMOUNT_WITH_OPTIONS, data };
  const prefix = FAILURES[r.exitCode];
  return { kind: 'failed', msg: prefix ? `${prefix(c.request.path)}: ${why}` : `mount ${c.request.path}: ${why}`, data };
}

/** The apply script (see the file comment); its stdin must be the new fstab text when it writes one. */
export function mountApplyScript(c: MountChange): string {
  const req = c.request;
  const p = shellQuote(req.path);
  // Ansible passes -T only for an fstab other than /etc/fstab.
  const tab = req.fstab === '/etc/fstab' ? '' : ` -T ${shellQuote(req.fstab)}`;
  const mount = `mount${tab} ${p}`;
  const lines = [
    // try: runs a command with no stdin, its output (both streams) kept in $msg for the error.
    'try() { msg=$("$@" 2>&1 </dev/null); }',
    'fail() { printf \'%s\\n\' "$msg" >&2; exit "$1"; }',
    'tmp=; old=; top=',
    `trap 'rm -f -- "$tmp" "$old"' EXIT`,
  ];
  if (c.mkdir) {
    lines.push(
      // The topmost directory that does not exist yet: what a failed mount removes again.
      `d=${p}; while [ ! -e "$d" ] && [ ! -L "$d" ]; do top=$d; d=$(dirname -- "$d"); done`,
      `try mkdir -p -- ${p} || fail 11`,
    );
  }
  if (c.fstab !== undefined) lines.push(...writeFstab(c));
  lines.push(...action(c, mount, p));
  if (c.rmdir) lines.push(`if [ -e ${p} ] || [ -L ${p} ]; then try rmdir -- ${p} || fail 15; fi`);
  return lines.join('\n');
}

/** The lines that replace the fstab with stdin (keeping its mode and owner, and a copy for undo and backup). */
function writeFstab(c: MountChange): string[] {
  const f = shellQuote(c.request.fstab);
  const text = c.fstab ?? '';
  return [
    `f=$(readlink -m -- ${f}) || { msg=${shellQuote(`cannot resolve ${c.request.fstab}`)}; fail 12; }`,
    'dir=$(dirname -- "$f")',
    '[ -d "$dir" ] || try mkdir -p -- "$dir" || fail 12',
    'tmp=$(mktemp -- "$dir/.fleetplay.XXXXXX") || exit 12',
    'cat > "$tmp" || exit 12',
    ...verifyUpload('"$tmp"', text).map((l) => l.replace(/exit 1; }$/, 'exit 12; }')),
    'if [ -e "$f" ]; then chmod --reference="$f" -- "$tmp" && chown --reference="$f" -- "$tmp" || exit 12; else chmod 0644 -- "$tmp" || exit 12; fi',
    ...(c.request.backup
      ? [
          // Ansible's backup_local: `<fstab>.<pid>.<local time>~`, a copy keeping mode, owner and times.
          `if [ -e "$f" ]; then bk=$$.$(date '+%Y-%m-%d@%H:%M:%S~'); cp -p -- "$f" ${f}."$bk" || exit 12; printf '${BACKUP_LINE}%s\\n' "$bk"; fi`,
        ]
      : []),
    ...(c.action === 'mount' || c.action === 'remount'
      ? [
          'old=$(mktemp -- "$dir/.fleetplay.XXXXXX") || exit 12',
          'if [ -e "$f" ]; then cp -p -- "$f" "$old" || exit 12; else chmod 0644 -- "$old"; fi',
        ]
      : []),
    'mv -f -- "$tmp" "$f" || exit 12',
    'tmp=',
  ];
}

/** The mount, remount or unmount lines. */
function action(c: MountChange, mount: string, p: string): string[] {
  const req = c.request;
  // A failed mount puts the old fstab back and removes the directories the script created.
  const undo = [
    ...(c.fstab !== undefined ? ['mv -f -- "$old" "$f"; old='] : []),
    'if [ -n "$top" ]; then d=' + p + '; while rmdir -- "$d" 2>/dev/null && [ "$d" != "$top" ]; do d=$(dirname -- "$d"); done; fi',
  ].join('; ');
  const remountFallback = `{ try umount ${p} && try ${mount}; }`;
  switch (c.action) {
    case 'mount':
      return [`try ${mount} || { ${undo}; fail 13; }`];
    case 'remount':
      return [`try mount -o remount${mount.slice('mount'.length)} || ${remountFallback} || { ${undo}; fail 13; }`];
    case 'remounted':
      if (req.opts !== 'defaults') return [`try mount -o ${shellQuote(`remount,${req.opts}`)}${mount.slice('mount'.length)} || exit 17`];
      return [`try mount -o remount${mount.slice('mount'.length)} || ${remountFallback} || fail 16`];
    case 'unmount':
      return [`try ${shellCommand('umount', req.path)} || fail 14`];
    case undefined:
      return [];
  }
}
