// The file module's decision, from what probe read: pure.
import type { Decision } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, PredictedFile } from '../../engine/types.ts';
import { attributeCommands, attributeDiffs, ownerSpec, wantedAttributes, type WantedAttributes } from '../lib/attributes.ts';
import type { FileState } from '../lib/fileState.ts';
import type { FileArgs } from './schema.ts';
import type { FileChange, FileFacts } from './types.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

type FileDecision = Decision<FileChange, FilePrediction[]>;

/** A path's state after the task, for check mode's later tasks. */
export type FilePrediction = { path: string; state: PredictedFile };

export function decideFile(args: FileArgs, facts: FileFacts): FileDecision {
  const decision = decideFromState(args, facts);
  if (!facts.opaque) return decision;
  // A package install or a command check mode did not run may create the path (containerd's package makes
  // /etc/containerd): the real run may find it there, so whether this task changes it is not known. What
  // it leaves is, for a directory or an absent path: later tasks read that.
  const path = args.path;
  const state = args.state ?? 'file';
  const record: FilePrediction[] | undefined =
    state === 'directory' && decision.kind === 'change'
      ? decision.change.predictions
      : state === 'absent'
        ? [{ path, state: { type: 'absent' } }]
        : undefined;
  return {
    kind: 'unknown',
    msg: `${path} does not exist now, but '${facts.opaque}', whose effects check mode cannot predict, runs first and may create it, so the outcome is unknown`,
    ...(record ? { record } : {}),
  };
}

function decideFromState(args: FileArgs, facts: FileFacts): FileDecision {
  const path = args.path;
  const wanted = wantedAttributes(args);
  const { current } = facts;
  switch (args.state ?? 'file') {
    case 'absent':
      return decideAbsent(path, current);
    case 'directory':
      // Decided here in both modes (not left to mkdir, touch or ln), so check mode and the real run fail
      // alike, also under failed_when.
      return decideDirectory(path, current, wanted, facts.mkdir ?? { created: [] });
    case 'touch':
      return facts.parentProblem ? { kind: 'failed', msg: facts.parentProblem } : decideTouch(path, current, wanted, facts.base);
    case 'link':
      return facts.parentProblem
        ? { kind: 'failed', msg: facts.parentProblem }
        : decideLink(path, current, args.src ?? '', args.force === true, wanted);
    case 'file':
      return decideExisting(path, current, wanted, facts.base);
  }
}

/** The mode/owner/group a path needs changed: as diff entries and as commands. */
export function attributeChange(path: string, current: FileState, wanted: WantedAttributes): { diff: DiffEntry[]; cmds: string[] } {
  const have = current.type === 'absent' || current.type === 'link' ? {} : current;
  const diff = attributeDiffs(path, have, wanted);
  const changedOnly: WantedAttributes = {};
  for (const d of diff) changedOnly[d.header.split(' ')[0] as keyof WantedAttributes] = d.after;
  return { diff, cmds: attributeCommands(shellQuote(path), changedOnly) };
}

function describe(s: FileState): string {
  return s.type === 'link' ? `link to ${s.target}` : s.type;
}

function decideAbsent(path: string, current: FileState): FileDecision {
  if (current.type === 'absent') return { kind: 'ok', msg: `${path} is already absent` };
  // rm -r on a symlink removes the link itself and never follows it.
  const script = current.type === 'directory' ? `rm -rf -- ${shellQuote(path)}` : `rm -f -- ${shellQuote(path)}`;
  return {
    kind: 'change',
    msg: `remove ${path} (${describe(current)})`,
    summary: [{ verb: 'remove', object: 'path' }],
    diff: [{ header: `state of ${path}`, before: describe(current), after: 'absent' }],
    change: { script, done: `removed ${path}`, predictions: [{ path, state: { type: 'absent' } }] },
  };
}

function decideDirectory(
  path: string,
  current: FileState,
  wanted: WantedAttributes,
  mkdir: { created: string[]; problem?: string },
): FileDecision {
  if (current.type !== 'absent' && current.type !== 'directory') {
    return { kind: 'failed', msg: `${path} exists and is a ${describe(current)}, not a directory` };
  }
  // mkdir -p fails when an ancestor is a file; the directories it creates above `path` are predicted too.
  if (mkdir.problem) return { kind: 'failed', msg: mkdir.problem };
  const { diff, cmds } = attributeChange(path, current, wanted);
  if (current.type === 'directory' && cmds.length === 0) return { kind: 'ok', msg: `${path} is already a directory` };
  const create = current.type === 'absent';
  if (create) diff.unshift({ header: `state of ${path}`, before: 'absent', after: 'directory' });
  const script = [...(create ? [`mkdir -p -- ${shellQuote(path)}`] : []), ...cmds].join(' && ');
  const have = current.type === 'directory' ? current : undefined;
  const parents = mkdir.created
    .filter((d) => d !== path)
    .map((d) => ({ path: d, state: { type: 'directory', mode: '0755', owner: 'root', group: 'root' } as PredictedFile }));
  const state: PredictedFile = {
    type: 'directory',
    mode: wanted.mode ?? have?.mode ?? '0755',
    owner: wanted.owner ?? have?.owner ?? 'root',
    group: wanted.group ?? have?.group ?? 'root',
  };
  const msg = create ? `create directory ${path}` : `set ${diff.map((d) => d.header.split(' ')[0]).join('/')} of ${path}`;
  return {
    kind: 'change',
    msg,
    summary: [create ? { verb: 'create', object: 'directory', plural: 'directories' } : { verb: 'change', object: 'path' }],
    diff,
    change: { script, done: msg.replace(/^create/, 'created'), predictions: [...parents, { path, state }] },
  };
}

function decideTouch(path: string, current: FileState, wanted: WantedAttributes, base: PredictedFile | undefined): FileDecision {
  // Like Ansible, touch always updates the timestamps, so it always reports changed.
  const { diff, cmds } = attributeChange(path, current, wanted);
  if (current.type === 'absent') diff.unshift({ header: `state of ${path}`, before: 'absent', after: 'file' });
  const script = [`touch -- ${shellQuote(path)}`, ...cmds].join(' && ');
  const created: PredictedFile = {
    type: 'file',
    content: '',
    size: 0,
    checksum: EMPTY_SHA256,
    mode: wanted.mode ?? '0644',
    owner: wanted.owner ?? 'root',
    group: wanted.group ?? 'root',
  };
  const state = current.type === 'absent' ? created : withAttributes(base, wanted);
  return {
    kind: 'change',
    msg: `touch ${path}`,
    summary: [{ verb: 'change', object: 'path' }],
    diff,
    change: { script, done: `touched ${path}`, predictions: state ? [{ path, state }] : [] },
  };
}

function decideLink(path: string, current: FileState, src: string, force: boolean, wanted: WantedAttributes): FileDecision {
  if (current.type === 'link' && current.target === src) {
    const own = wanted.owner && current.owner !== wanted.owner;
    if (!own) return { kind: 'ok', msg: `${path} already links to ${src}` };
  }
  if (current.type === 'directory' || (current.type === 'file' && !force)) {
    return { kind: 'failed', msg: `${path} exists as a ${current.type}; set force: true to replace it with a link` };
  }
  const script = [
    // A file (force) is removed first: `ln -sf` (and mv) refuse a link to the very file it replaces
    // ("are the same file"), which Ansible makes.
    ...(current.type === 'file' ? [`rm -f -- ${shellQuote(path)}`] : []),
    `ln -sfn -- ${shellQuote(src)} ${shellQuote(path)}`,
    ...(ownerSpec(wanted) ? [`chown -h -- ${shellQuote(ownerSpec(wanted))} ${shellQuote(path)}`] : []),
  ].join(' && ');
  return {
    kind: 'change',
    msg: `link ${path} -> ${src}`,
    summary: [{ verb: 'link', object: 'path' }],
    diff: [{ header: `state of ${path}`, before: describe(current), after: `link to ${src}` }],
    change: { script, done: `linked ${path} -> ${src}`, predictions: [{ path, state: { type: 'link', target: src } }] },
  };
}

function decideExisting(path: string, current: FileState, wanted: WantedAttributes, base: PredictedFile | undefined): FileDecision {
  if (current.type === 'absent') return { kind: 'failed', msg: `${path} does not exist (use state: touch to create it)` };
  // Ansible: state=file on a directory (or any non-file, not followed) is a conflict, not a chmod.
  if (current.type === 'directory' || current.type === 'other')
    return { kind: 'failed', msg: `file (${path}) is ${current.type}, cannot continue` };
  const { diff, cmds } = attributeChange(path, current, wanted);
  if (cmds.length === 0) return { kind: 'ok', msg: `${path} is as wanted` };
  const msg = `set ${diff.map((d) => d.header.split(' ')[0]).join('/')} of ${path}`;
  const state = withAttributes(base, wanted);
  return {
    kind: 'change',
    msg,
    summary: [{ verb: 'change', object: 'path' }],
    diff,
    change: { script: cmds.join(' && '), done: msg, predictions: state ? [{ path, state }] : [] },
  };
}

/** The state a chmod/chown leaves: the content stays. Undefined outside check mode (nothing was read for it). */
function withAttributes(base: PredictedFile | undefined, wanted: WantedAttributes): PredictedFile | undefined {
  if (!base || (base.type !== 'file' && base.type !== 'directory')) return undefined;
  return {
    ...base,
    ...(wanted.mode ? { mode: wanted.mode } : {}),
    ...(wanted.owner ? { owner: wanted.owner } : {}),
    ...(wanted.group ? { group: wanted.group } : {}),
  };
}
