// synchronize's rsync command line, built as Ansible's module builds it, and what rsync's itemized output says.
import type { PredictedFile } from '../../engine/types.ts';
import { RELAY_HOST } from './relay.ts';
import type { SyncArgs } from './schema.ts';

/** The marker Ansible puts before each itemized line (--out-format), so other output is told apart. */
export const CHANGED_MARKER = '<<CHANGED>>';

/**
 * rsync_opts that would change the transport, the side files go to, or the argument passing the relay
 * relies on: refused with the reason (the connection is fleetplay's own; see relay.ts).
 */
const REFUSED =
  /^(--rsh|--rsync-path|--server|--sender|--daemon|--config|--port|--address|--old-args|--no-secluded-args|--no-protect-args|--no-s$|--write-batch|--only-write-batch|--read-batch)/;

/** rsync_opts as a list: Ansible splits a string on commas. */
export function rsyncOpts(args: SyncArgs): string[] {
  const o = args.rsync_opts;
  if (o === undefined) return [];
  return typeof o === 'string'
    ? o
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : o;
}

/** Why an rsync option cannot be used here, if it cannot. */
export function refusedOption(opt: string): string | undefined {
  if (REFUSED.test(opt) || /^-[a-zA-Z]*e/.test(opt))
    return `rsync_opts '${opt}' is not supported: synchronize sends rsync over the task's own connection`;
  return undefined;
}

/** The flags that follow `archive` unless set (Ansible: recursive, links, perms, times, owner, group). */
function archiveFlags(a: SyncArgs): string[] {
  const archive = a.archive ?? true;
  const each: Array<[boolean | undefined, string]> = [
    [a.recursive, 'recursive'],
    [a.links, 'links'],
    [a.perms, 'perms'],
    [a.times, 'times'],
    [a.owner, 'owner'],
    [a.group, 'group'],
  ];
  const out = archive ? ['--archive'] : [];
  for (const [value, name] of each) {
    if (archive && value === false) out.push(`--no-${name}`);
    if (!archive && value === true) out.push(`--${name}`);
  }
  if (a.copy_links) out.push('--copy-links');
  return out;
}

/** rsync's arguments (after `-e`) for a push of `src` (a controller path) to the host's `dest`. */
export function rsyncArgs(a: SyncArgs, src: string, dryRun: boolean): string[] {
  return [
    '--delay-updates',
    '-F',
    ...(a.compress === false ? [] : ['--compress']),
    ...(a.rsync_timeout ? [`--timeout=${a.rsync_timeout}`] : []),
    ...(dryRun ? ['--dry-run'] : []),
    ...(a.delete ? ['--delete-after'] : []),
    ...(a.existing_only ? ['--existing'] : []),
    ...(a.checksum ? ['--checksum'] : []),
    ...archiveFlags(a),
    ...(a.dirs ? ['--dirs'] : []),
    ...(a.partial ? ['--partial'] : []),
    // The file names go over rsync's protocol, not the host's shell command line (relay.ts quotes the rest).
    '--protect-args',
    `--out-format=${CHANGED_MARKER}%i %n%L`,
    ...rsyncOpts(a),
    src,
    `${RELAY_HOST}:${a.dest}`,
  ];
}

/** The itemized changes in rsync's output (marker removed), in order. */
export function itemized(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(CHANGED_MARKER))
    .map((l) => l.slice(CHANGED_MARKER.length));
}

/** rsync's output as Ansible returns it: the marker removed, and its non-empty lines. */
export function cleanOutput(stdout: string): { msg: string; stdout_lines: string[] } {
  const msg = stdout.split(CHANGED_MARKER).join('');
  return { msg, stdout_lines: msg.split('\n').filter((l) => l !== '') };
}

/**
 * What an itemized line leaves at `dest` (for check mode's prediction): `*deleting` an absent path,
 * `cd`/`.d` a directory, `cL` a link, `<f`/`.f`/`cf` a file. Only for a directory source whose names
 * are relative to dest (a single file may land at dest or inside it: that needs the host's answer).
 */
export function predictedPath(line: string, dest: string): { path: string; state: PredictedFile } | undefined {
  const m = /^(\S{11}) (.+)$/.exec(line) ?? /^(\*deleting)\s+(.+)$/.exec(line);
  if (!m) return undefined;
  const [, code, rest] = m as unknown as [string, string, string];
  const name = code[1] === 'L' ? rest.replace(/ -> .*$/, '') : rest;
  const base = dest.replace(/\/+$/, '') || '/';
  const rel = name.replace(/\/+$/, '');
  const path = rel === '.' ? base : `${base === '/' ? '' : base}/${rel}`;
  if (code === '*deleting') return { path, state: { type: 'absent' } };
  if (code[1] === 'd') return { path, state: { type: 'directory' } };
  if (code[1] === 'L') return { path, state: { type: 'link', target: rest.slice(name.length + 4) } };
  if (code[1] === 'f') return { path, state: { type: 'file' } };
  return undefined;
}
