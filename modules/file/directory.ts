// state: directory: created like `mkdir -p` with the attributes on every directory it creates (Ansible's
// ensure_directory), or an existing one (a followed link's target) given its attributes and times, and with
// recurse, everything below it its owner, group and (per entry resolved) mode.
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, PredictedFile } from '../../engine/types.ts';
import { ownerSpec } from '../lib/attributes.ts';
import {
  attributeChange,
  attributeTarget,
  changedNames,
  entryChanges,
  targetChange,
  timeChange,
  wantedOn,
  withAttributes,
  flagsChange,
  type Have,
} from './attrs.ts';
import type { FileArgs } from './schema.ts';
import type { FileDecision, FileFacts, FilePrediction, FileStep, HostExtras, TreeEntry } from './types.ts';

/** The decision for state: directory. */
export function decideDirectory(args: FileArgs, facts: FileFacts): FileDecision {
  const path = args.path;
  const { current, extras } = facts;
  if (current.type === 'absent') return createDirectory(args, facts);
  const target = attributeTarget(path, facts);
  const s = target.state;
  if (s.type !== 'directory') {
    return { kind: 'failed', msg: `${path} exists and is a ${s.type === 'link' ? `link to ${s.target}` : s.type}, not a directory` };
  }
  if (facts.treeUnknown) return { kind: 'unknown', msg: facts.treeUnknown };
  const top = targetChange(args, target, facts.plan.times, extras);
  const below = treeChange(args, facts.tree ?? [], extras);
  if (top.cmds.length === 0 && below.steps.length === 0) return { kind: 'ok', msg: `${path} is already a directory` };
  const state = withAttributes(facts.base ?? { type: 'directory', mode: s.mode, owner: s.owner, group: s.group }, top.changed);
  const parts = [...(top.diff.length ? [changedNames(top.diff)] : []), ...(below.count ? [`${below.count} entries below`] : [])];
  const msg = `set ${parts.join(' and ')} of ${target.path}`;
  return {
    kind: 'change',
    msg,
    summary: [{ verb: 'change', object: 'path' }],
    diff: [...top.diff, ...below.diff],
    change: {
      steps: [...(top.cmds.length ? [{ command: top.cmds.join(' && ') }] : []), ...below.steps],
      done: msg,
      predictions: [...(state ? [{ path: target.path, state }] : []), ...below.predictions],
    },
  };
}

function createDirectory(args: FileArgs, facts: FileFacts): FileDecision {
  const path = args.path;
  const mkdir = facts.mkdir ?? { created: [] };
  // mkdir -p fails when an ancestor is a file.
  if (mkdir.problem) return { kind: 'failed', msg: mkdir.problem };
  const { extras } = facts;
  const made: Have = { type: 'directory', mode: (0o777 & ~extras.umask).toString(8).padStart(4, '0') };
  const wanted = wantedOn(args, made, extras.umask);
  const created = mkdir.created.length > 0 ? mkdir.created : [path];
  // Ansible sets owner, group and mode on each directory it creates, and the times on the path.
  const cmds = [
    `mkdir -p -- ${shellQuote(path)}`,
    ...created.flatMap((d) => [...attributeChange(d, made, wanted).cmds, ...flagsChange(d, args.attributes, '', true).cmds]),
  ];
  cmds.push(...timeChange(path, facts.plan.times, extras, true).cmds.filter((c) => c.includes(' -d @')));
  const state: PredictedFile = {
    type: 'directory',
    mode: wanted.mode ?? made.mode!,
    owner: wanted.owner ?? 'root',
    group: wanted.group ?? 'root',
  };
  const msg = `create directory ${path}`;
  return {
    kind: 'change',
    msg,
    summary: [{ verb: 'create', object: 'directory', plural: 'directories' }],
    diff: [{ header: `state of ${path}`, before: 'absent', after: 'directory' }, ...attributeChange(path, made, wanted).diff],
    change: {
      steps: [{ command: cmds.join(' && ') }],
      done: `created directory ${path}`,
      predictions: created.map((d) => ({ path: d, state })),
    },
  };
}

/** recurse: the entries below whose attributes change, grouped into one chown/chmod per value (the paths on stdin). */
function treeChange(
  args: FileArgs,
  tree: TreeEntry[],
  extras: HostExtras,
): { steps: FileStep[]; diff: DiffEntry[]; predictions: FilePrediction[]; count: number } {
  const changing = entryChanges(args, tree, extras);
  const chown = new Map<string, string[]>();
  const chmod = new Map<string, string[]>();
  const before: string[] = [];
  const after: string[] = [];
  const predictions: FilePrediction[] = [];
  for (const e of changing) {
    const { changed } = attributeChange(e.path, e, wantedOn(args, e, extras.umask));
    // A link (find -P, or a broken one) gets its own owner (chown -h); anything else, reached through a followed
    // link too, the thing itself.
    const spec = ownerSpec(changed);
    const key = `${e.type === 'link' ? '-h ' : ''}-- ${shellQuote(spec)}`;
    if (spec) chown.set(key, [...(chown.get(key) ?? []), e.path]);
    if (changed.mode) chmod.set(changed.mode, [...(chmod.get(changed.mode) ?? []), e.path]);
    const next = { mode: changed.mode ?? e.mode, owner: changed.owner ?? e.owner, group: changed.group ?? e.group };
    before.push(`${e.mode} ${e.owner}:${e.group} ${e.path}`);
    after.push(`${next.mode} ${next.owner}:${next.group} ${e.path}`);
    if (e.type === 'directory') predictions.push({ path: e.path, state: { type: 'directory', ...next } });
    if (e.type === 'file' && e.checksum)
      predictions.push({ path: e.path, state: { type: 'file', checksum: e.checksum, size: e.size, ...next } });
  }
  const list = (paths: string[]) => paths.map((p) => `${p}\0`).join('');
  // chown first: it clears setuid/setgid bits that the chmod after it then sets.
  const steps: FileStep[] = [
    ...[...chown].map(([key, paths]) => ({ command: `xargs -0 -r chown ${key}`, stdin: list(paths) })),
    ...[...chmod].map(([mode, paths]) => ({ command: `xargs -0 -r chmod -- ${mode}`, stdin: list(paths) })),
  ];
  const diff = changing.length
    ? [{ header: 'entries below (mode owner:group path)', before: `${before.join('\n')}\n`, after: `${after.join('\n')}\n` }]
    : [];
  return { steps, diff, predictions, count: changing.length };
}
