// Compares each archive member with what is under dest and says what must be written. Pure.
import type { PredictedFile } from '../../engine/types.ts';
import { isSymbolicMode, resolveMode } from '../lib/symbolicMode.ts';
import type { ManifestEntry } from './archiveManifest.ts';
import { displayName } from './archiveManifest.ts';
import type { DestMember, MemberState } from './archiveProbe.ts';

/** How extraction behaves on this host, and the wanted owner of extracted members. */
export interface CompareOptions {
  /** tar keeps archived permissions as root; otherwise the umask applies. */
  root: boolean;
  umask: number;
  owner?: string;
  group?: string;
  /**
   * The mode every extracted file, hard link and directory gets (Ansible's `mode`; symlinks keep theirs):
   * four octal digits, or a symbolic mode applied to the member's mode (wantedMode).
   */
  mode?: string;
  /** keep_newer: a dest file newer than its member is kept as it is. */
  keepNewer?: boolean;
}

/**
 * One member that differs. `write`: extract it again; `chown`: only its owner, group or (with `mode`)
 * mode is off; `keep`: a dest file newer than the member, with other content, that keep_newer keeps.
 * Ansible reports a run that keeps one as changed (tar --diff sees it differ; the extraction keeps it).
 */
export interface Drift {
  entry: ManifestEntry;
  reason: string;
  action: 'write' | 'chown' | 'keep';
}

/** Every member whose dest path differs from the archive, in archive order. */
export function findDrift(members: MemberState[], opts: CompareOptions): Drift[] {
  const out: Drift[] = [];
  for (const { entry, dest } of members) {
    const reason = contentDrift(entry, dest, opts);
    if (reason) {
      out.push({ entry, reason, action: 'write' });
      continue;
    }
    const owner = ownerDrift(dest, opts);
    if (owner) out.push({ entry, reason: owner, action: 'chown' });
    else if (keptNewer(entry, dest, opts)) out.push({ entry, reason: 'newer than the member, kept (keep_newer)', action: 'keep' });
  }
  return out;
}

/** keep_newer: a dest file newer than its member, with other content (contentDrift lets it stay). */
function keptNewer(entry: ManifestEntry, dest: DestMember, opts: CompareOptions): boolean {
  if (!opts.keepNewer || entry.kind !== 'f' || dest.type !== 'file') return false;
  return dest.mtime !== undefined && entry.mtime !== undefined && dest.mtime > entry.mtime && dest.value !== entry.value;
}

/**
 * The mode an extracted file ends with: tar's (archived as root, else masked by the umask), then `mode`
 * when given (a symbolic one applied to tar's).
 */
export function expectedMode(archived: string, opts: CompareOptions): string {
  const m = parseInt(archived, 8);
  const mode = (opts.root ? m & 0o7777 : m & 0o777 & ~opts.umask).toString(8).padStart(4, '0');
  return opts.mode ? wantedMode(opts.mode, mode, false, opts.umask) : mode;
}

/**
 * `mode` for a path whose mode is `current` (four octal digits): an octal mode as it is, a symbolic one
 * applied to `current` as Ansible's _symbolic_mode_to_octal does (X counts for a directory). The extract
 * script's chmod applies the same symbolic mode to the same mode.
 */
export function wantedMode(mode: string, current: string | undefined, isDir: boolean, umask: number): string {
  if (!isSymbolicMode(mode)) return mode;
  return resolveMode(mode, Number.parseInt(current ?? (isDir ? '0755' : '0644'), 8), isDir, umask);
}

function contentDrift(entry: ManifestEntry, dest: DestMember, opts: CompareOptions): string | undefined {
  if (dest.type === 'absent') return 'missing';
  switch (entry.kind) {
    case 'd':
      // A symlink to a directory is kept (like tar --keep-directory-symlink).
      return dest.type === 'dir' || dest.type === 'link' ? undefined : `is a ${dest.type}, not a directory`;
    case 'l':
      if (dest.type !== 'link') return `is a ${dest.type}, not a symlink`;
      return dest.value === entry.value ? undefined : `links to ${dest.value ?? '?'}, archive has ${entry.value ?? '?'}`;
    case 'h':
      if (dest.type !== 'file') return `is a ${dest.type}, not a file`;
      return dest.value === 'same' ? undefined : `is not a hard link to ${displayName(entry.value ?? '?')}`;
    case 'o':
      return undefined;
    case 'f': {
      if (dest.type !== 'file') return `is a ${dest.type}, not a file`;
      // keep_newer (tar --keep-newer-files): a newer file at dest stays, whatever its content.
      if (opts.keepNewer && dest.mtime !== undefined && entry.mtime !== undefined && dest.mtime > entry.mtime) return undefined;
      if (dest.value !== entry.value) return 'content differs';
      // A wanted mode is set on the file in place (ownerDrift), as Ansible sets it after extracting.
      if (entry.mode && dest.mode && !opts.mode) {
        const want = expectedMode(entry.mode, opts);
        if (dest.mode !== want) return `mode ${dest.mode}, archive has ${want}`;
      }
      return undefined;
    }
  }
}

function ownerDrift(dest: DestMember, opts: CompareOptions): string | undefined {
  const wrongOwner = opts.owner !== undefined && dest.owner !== opts.owner;
  const wrongGroup = opts.group !== undefined && dest.group !== opts.group;
  // Symlinks keep their mode (Ansible leaves a link's target alone); other members get `mode`.
  const want = opts.mode !== undefined ? wantedMode(opts.mode, dest.mode, dest.type === 'dir', opts.umask) : undefined;
  const wrongMode = want !== undefined && (dest.type === 'file' || dest.type === 'dir') && dest.mode !== want;
  const reasons = [
    ...(wrongOwner || wrongGroup
      ? [`owned by ${dest.owner ?? '?'}:${dest.group ?? '?'}, wanted ${opts.owner ?? dest.owner ?? '?'}:${opts.group ?? dest.group ?? '?'}`]
      : []),
    ...(wrongMode ? [`mode ${dest.mode ?? '?'}, wanted ${want}`] : []),
  ];
  return reasons.length ? reasons.join(', ') : undefined;
}

/** Drift sorted for messages: files (anything but directories) to write, directories to create, chown-only, kept. */
export function splitDrift(drift: Drift[]): { files: Drift[]; dirs: Drift[]; chowns: Drift[]; kept: Drift[] } {
  const writes = drift.filter((d) => d.action === 'write');
  return {
    files: writes.filter((d) => d.entry.kind !== 'd'),
    dirs: writes.filter((d) => d.entry.kind === 'd'),
    chowns: drift.filter((d) => d.action === 'chown'),
    kept: drift.filter((d) => d.action === 'keep'),
  };
}

/** "bin/a (missing), bin/b (content differs)", cut after `limit` names. */
export function describeDrift(drift: Drift[], limit = 10): string {
  const shown = drift.slice(0, limit).map((d) => `${displayName(d.entry.name)} (${d.reason})`);
  if (drift.length > limit) shown.push(`and ${drift.length - limit} more`);
  return shown.join(', ');
}

/**
 * A member's dest path as check mode predicts it (an earlier task's state wins over the host's).
 * A string is the reason the comparison cannot be made.
 */
export function predictedMember(entry: ManifestEntry, p: PredictedFile): DestMember | string {
  switch (p.type) {
    case 'absent':
      return { type: 'absent' };
    case 'directory':
      return { type: 'dir', mode: p.mode ?? '0755', owner: p.owner ?? 'root', group: p.group ?? 'root' };
    case 'link':
      return { type: 'link', owner: 'root', group: 'root', value: p.target };
    case 'file':
      if (entry.kind === 'h') return 'an earlier task would write it, and whether it would stay a hard link cannot be known';
      if (entry.kind === 'f' && !p.checksum) return 'an earlier task would write it with content not known in advance';
      return {
        type: 'file',
        mode: p.mode ?? '0644',
        owner: p.owner ?? 'root',
        group: p.group ?? 'root',
        ...(p.checksum ? { value: p.checksum } : {}),
      };
  }
}

/**
 * The state extracting a drifting member leaves at its dest path (check mode records it). `dest` is
 * what is there now; `entries` finds the member a hard link points at.
 */
export function stateAfter(
  d: Drift,
  dest: DestMember,
  entries: ReadonlyMap<string, ManifestEntry>,
  opts: CompareOptions,
): PredictedFile | undefined {
  const e = d.entry;
  if (d.action === 'keep') return undefined;
  const owners = { ...(opts.owner ? { owner: opts.owner } : {}), ...(opts.group ? { group: opts.group } : {}) };
  if (d.action === 'chown') {
    const now = {
      ...(dest.mode ? { mode: dest.mode } : {}),
      ...(dest.owner ? { owner: dest.owner } : {}),
      ...(dest.group ? { group: dest.group } : {}),
      ...owners,
      ...(opts.mode && dest.type !== 'link' ? { mode: wantedMode(opts.mode, dest.mode, dest.type === 'dir', opts.umask) } : {}),
    };
    if (dest.type === 'dir') return { type: 'directory', ...now };
    if (dest.type === 'link') return { type: 'link', target: dest.value ?? e.value ?? '' };
    if (dest.type !== 'file') return undefined;
    // Only the owner drifts, so the content is the member's (a hard link's is its target's).
    const sum = e.kind === 'h' ? entries.get(e.value ?? '')?.value : e.value;
    return { type: 'file', ...now, ...(sum ? { checksum: sum } : {}) };
  }
  switch (e.kind) {
    case 'd': {
      // The extract script creates a missing directory with the archived mode (chmod, no umask), then `mode`.
      const mode = opts.mode ? wantedMode(opts.mode, e.mode, true, opts.umask) : e.mode;
      return { type: 'directory', ...(mode ? { mode } : {}), ...owners };
    }
    case 'f':
      return {
        type: 'file',
        ...(e.value ? { checksum: e.value } : {}),
        ...(e.mode ? { mode: expectedMode(e.mode, opts) } : {}),
        ...(e.size !== undefined ? { size: e.size } : {}),
        ...owners,
      };
    case 'l':
      return e.value ? { type: 'link', target: e.value } : undefined;
    case 'h': {
      const target = entries.get(e.value ?? '');
      return {
        type: 'file',
        ...(target?.value ? { checksum: target.value } : {}),
        ...(target?.mode ? { mode: expectedMode(target.mode, opts) } : {}),
        ...owners,
      };
    }
    case 'o':
      return undefined;
  }
}
