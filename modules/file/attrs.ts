// The attributes and times the file module sets on one path: the mode resolved against the path's own
// (symbolic modes), owner/group compared, and the access/modification times compared as Ansible's
// update_timestamp_for_file does. Pure.
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, PredictedFile } from '../../engine/types.ts';
import { attributeCommands, attributeDiffs, type WantedAttributes } from '../lib/attributes.ts';
import { resolveMode } from '../lib/symbolicMode.ts';
import type { FileArgs } from './schema.ts';
import type { TimeSpec } from './times.ts';
import type { FileState } from '../lib/fileState.ts';
import type { FileFacts, HostExtras, TreeEntry } from './types.ts';

/** What a path has now (the parts the attributes compare). */
export interface Have {
  type: 'file' | 'directory' | 'link' | 'other';
  mode?: string;
  owner?: string;
  group?: string;
}

/** The owner, group and (resolved) mode wanted on a path that has `have`. */
export function wantedOn(args: Pick<FileArgs, 'mode' | 'owner' | 'group'>, have: Have, umask: number): WantedAttributes {
  const mode =
    args.mode === undefined || have.type === 'link'
      ? undefined
      : resolveMode(args.mode, Number.parseInt(have.mode ?? '0', 8), have.type === 'directory', umask);
  return {
    ...(mode !== undefined ? { mode } : {}),
    ...(args.owner !== undefined ? { owner: args.owner } : {}),
    ...(args.group !== undefined ? { group: args.group } : {}),
  };
}

/** The mode/owner/group changes of one path: diff entries, the changed values, and the commands. */
export function attributeChange(
  path: string,
  have: Have,
  wanted: WantedAttributes,
): { diff: DiffEntry[]; changed: WantedAttributes; cmds: string[] } {
  const diff = attributeDiffs(path, have, wanted);
  const changed: WantedAttributes = {};
  for (const d of diff) changed[d.header.split(' ')[0] as keyof WantedAttributes] = d.after;
  return { diff, changed, cmds: attributeCommands(shellQuote(path), changed) };
}

/** The two time arguments, read. */
export interface Times {
  atime: TimeSpec;
  mtime: TimeSpec;
}

/**
 * The times to set on an existing path, as `touch` commands, or none. Both `now`: always set (Ansible calls
 * utime(path, None) and reports changed); both `preserve`: never; else set when either differs from now's.
 */
export function timeChange(path: string, times: Times, extras: HostExtras, fresh: boolean): { diff: DiffEntry[]; cmds: string[] } {
  const { atime, mtime } = times;
  const p = shellQuote(path);
  if (atime.kind === 'preserve' && mtime.kind === 'preserve') return { diff: [], cmds: [] };
  if (atime.kind === 'now' && mtime.kind === 'now') {
    return { diff: [{ header: `times of ${path}`, before: 'as they are', after: 'now' }], cmds: [`touch -c -- ${p}`] };
  }
  const cmds: string[] = [];
  const diff: DiffEntry[] = [];
  for (const [which, spec, have, flag] of [
    ['access', atime, extras.atime, '-a'],
    ['modification', mtime, extras.mtime, '-m'],
  ] as const) {
    if (spec.kind === 'preserve') continue;
    if (spec.kind === 'now') {
      cmds.push(`touch -c ${flag} -- ${p}`);
      diff.push({ header: `${which} time of ${path}`, before: String(have ?? ''), after: 'now' });
      continue;
    }
    const want = extras.epochs[spec.local];
    if (want === undefined) throw new Error(`no epoch read for ${spec.local}`);
    // Ansible compares the float times for equality: a file created now, or written by an earlier task in check mode, differs.
    if (!fresh && !extras.timesChanged && have === want) continue;
    cmds.push(`touch -c ${flag} -d @${want} -- ${p}`);
    diff.push({ header: `${which} time of ${path}`, before: String(have ?? ''), after: String(want) });
  }
  // One side changes: the other is set to what it was (Ansible's utime(path, (atime, mtime))): touch -a/-m leave it.
  return cmds.length > 0 ? { diff, cmds } : { diff: [], cmds: [] };
}

/** The path the attributes and times go to: a followed link's target, else the path itself. */
export function attributeTarget(path: string, facts: Pick<FileFacts, 'current' | 'followed'>): { path: string; state: FileState } {
  return facts.followed ?? { path, state: facts.current };
}

/** A state as attributes compare it. */
export function have(s: FileState): Have {
  if (s.type === 'absent') throw new Error('no attributes on an absent path');
  return s.type === 'link' ? { type: 'link', owner: s.owner, group: s.group } : s;
}

/** recurse: the entries whose attributes change (a link only by owner/group: chown -h; its mode is not set). */
export function entryChanges(args: FileArgs, tree: TreeEntry[], extras: HostExtras): TreeEntry[] {
  return tree.filter((e) => attributeChange(e.path, e, wantedOn(args, e, extras.umask)).cmds.length > 0);
}

/** The attribute and time changes of an existing target, as diff, commands and the changed values. */
export function targetChange(args: FileArgs, target: { path: string; state: FileState }, times: Times, extras: HostExtras) {
  const h = have(target.state);
  const attrs = attributeChange(target.path, h, wantedOn(args, h, extras.umask));
  const t = timeChange(target.path, times, extras, false);
  const f = flagsChange(target.path, args.attributes, extras.attrFlags ?? '', false);
  return { diff: [...attrs.diff, ...f.diff, ...t.diff], cmds: [...attrs.cmds, ...f.cmds, ...t.cmds], changed: attrs.changed };
}

/**
 * The chattr of `attributes` (Ansible's set_attributes_if_different): run when lsattr's flags are not the
 * string given (after its + or -), always for '-' and for a path made now.
 */
export function flagsChange(
  path: string,
  attributes: string | undefined,
  have: string,
  fresh: boolean,
): { diff: DiffEntry[]; cmds: string[] } {
  if (attributes === undefined) return { diff: [], cmds: [] };
  const op = /^[-+=]/.test(attributes) ? attributes[0]! : '=';
  const flags = /^[-+=]/.test(attributes) ? attributes.slice(1) : attributes;
  if (!fresh && have === flags && op !== '-') return { diff: [], cmds: [] };
  // chattr reads a word starting with - as its own option: a relative path gets ./ in front; the mode word is checked by the schema.
  return {
    diff: [{ header: `attributes of ${path}`, before: have, after: `${op}${flags}` }],
    cmds: [`chattr ${op}${flags} ${shellQuote(operandPath(path))}`],
  };
}

/** The state a chmod/chown leaves: the content stays. Undefined outside check mode (nothing was read for it). */
export function withAttributes(
  base: PredictedFile | undefined,
  changed: { mode?: string; owner?: string; group?: string },
): PredictedFile | undefined {
  if (!base || (base.type !== 'file' && base.type !== 'directory')) return undefined;
  return { ...base, ...changed };
}

/** Diff entries' names joined for a message ("mode/owner"). */
export function changedNames(diff: DiffEntry[]): string {
  return diff.map((d) => d.header.replace(/ of .*$/, '')).join('/');
}
