// The file module's decision, from what probe read: pure.
import { shellQuote } from '../../engine/quote.ts';
import type { PredictedFile } from '../../engine/types.ts';
import { ownerSpec } from '../lib/attributes.ts';
import type { FileState } from '../lib/fileState.ts';
import {
  attributeChange,
  attributeTarget,
  changedNames,
  flagsChange,
  targetChange,
  timeChange,
  wantedOn,
  withAttributes,
  type Have,
} from './attrs.ts';
import { decideDirectory } from './directory.ts';
import { decideHard } from './hard.ts';
import type { FileArgs } from './schema.ts';
import { resultFields } from './pathInfo.ts';
import { withResult } from './result.ts';
import type { FileDecision, FileFacts, FilePrediction, FileRefusal } from './types.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The decision, with Ansible's result fields. */
export function decideFile(given: FileArgs, facts: FileFacts | FileRefusal, check: boolean): FileDecision {
  const args = 'path' in facts && facts.path !== undefined ? { ...given, path: facts.path } : given;
  if ('refused' in facts) {
    return { kind: 'failed', msg: facts.refused, data: resultFields('path', args.path, facts.info, {}) };
  }
  if (facts.appearsBinary !== undefined) {
    return {
      kind: 'ok',
      msg: `peeked at ${args.path}`,
      data: resultFields('path', args.path, facts.info.get(args.path), { appears_binary: facts.appearsBinary }),
    };
  }
  const decision = withResult(args, facts, decideOpaque(args, facts), check);
  if (!facts.warnings?.length || (decision.kind === 'change' && !check)) return decision;
  return { ...decision, data: { ...(decision.data ?? {}), warnings: facts.warnings } } as FileDecision;
}

function decideOpaque(args: FileArgs, facts: FileFacts): FileDecision {
  const decision = decideFromState(args, facts);
  if (!facts.opaque) return decision;
  // A package install or a command check mode did not run may create the path (containerd's package makes
  // /etc/containerd): the real run may find it there, so whether this task changes it is not known. What
  // it leaves is, for a directory or an absent path: later tasks read that.
  const path = args.path;
  const state = facts.plan.state;
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
  const { current } = facts;
  switch (facts.plan.state) {
    case 'absent':
      return decideAbsent(path, current);
    case 'directory':
      // Decided here in both modes (not left to mkdir, touch or ln), so check mode and the real run fail
      // alike, also under failed_when.
      return decideDirectory(args, facts);
    case 'touch':
      return facts.parentProblem ? { kind: 'failed', msg: facts.parentProblem } : decideTouch(args, facts);
    case 'link': {
      if (facts.parentProblem) return { kind: 'failed', msg: facts.parentProblem };
      const refused = linkRefusal(args, facts);
      if (refused) return { kind: 'failed', msg: refused };
      // Without src, an existing link keeps its target (Ansible reads it with follow).
      const src = args.src ?? (current.type === 'link' ? current.target : '');
      return decideLink(args, facts, src);
    }
    case 'file':
      return decideExisting(args, facts);
    case 'hard':
      return facts.parentProblem ? { kind: 'failed', msg: facts.parentProblem } : decideHard(args, facts, facts.hard);
  }
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
    change: { steps: [{ command: script }], done: `removed ${path}`, predictions: [{ path, state: { type: 'absent' } }] },
  };
}

function decideTouch(args: FileArgs, facts: FileFacts): FileDecision {
  const path = args.path;
  const times = facts.plan.times;
  const { extras } = facts;
  if (facts.current.type === 'absent') {
    // A new file is 0666 under the umask (open()), then gets the attributes and the times.
    const made: Have = { type: 'file', mode: (0o666 & ~extras.umask).toString(8).padStart(4, '0') };
    const wanted = wantedOn(args, made, extras.umask);
    const attrs = attributeChange(path, made, wanted);
    const t = timeChange(path, times, extras, true);
    const state: PredictedFile = {
      type: 'file',
      content: '',
      size: 0,
      checksum: EMPTY_SHA256,
      mode: wanted.mode ?? made.mode!,
      owner: wanted.owner ?? 'root',
      group: wanted.group ?? 'root',
    };
    return {
      kind: 'change',
      msg: `touch ${path}`,
      summary: [{ verb: 'change', object: 'path' }],
      diff: [{ header: `state of ${path}`, before: 'absent', after: 'file' }, ...attrs.diff],
      change: {
        steps: [
          {
            command: touchCommand(path, [
              ...attrs.cmds,
              ...flagsChange(path, args.attributes, '', true).cmds,
              ...t.cmds.filter((c) => c.includes(' -d @')),
            ]),
          },
        ],
        done: `touched ${path}`,
        predictions: [{ path, state }],
      },
    };
  }
  const target = attributeTarget(path, facts);
  if (target.state.type === 'absent') return { kind: 'failed', msg: `${path} links to ${target.path}, which does not exist` };
  // Ansible: touch always updates the times (default now), so it reports changed unless both are preserve and nothing else changes.
  const { diff, cmds, changed } = targetChange(args, target, times, extras);
  if (cmds.length === 0) return { kind: 'ok', msg: `${target.path} is as wanted` };
  const state = withAttributes(facts.base, changed);
  return {
    kind: 'change',
    msg: `touch ${path}`,
    summary: [{ verb: 'change', object: 'path' }],
    diff,
    change: { steps: [{ command: cmds.join(' && ') }], done: `touched ${path}`, predictions: state ? [{ path: target.path, state }] : [] },
  };
}

/** Ansible's ensure_symlink refusals, in its order (a missing src only matters for a new link). */
function linkRefusal(args: FileArgs, facts: FileFacts): string | undefined {
  const { current } = facts;
  const force = args.force === true;
  const link = facts.link;
  if (!force && args.src !== undefined && link?.absrcExists === false) {
    return `src file does not exist, use "force=yes" if you really want to create the link: ${link.absrc}`;
  }
  const prev =
    current.type === 'other' ? 'file' : current.type === 'file' && facts.info.get(args.path)?.state === 'hard' ? 'hard' : current.type;
  if (prev === 'directory') {
    if (!force) return `refusing to convert from directory to symlink for ${args.path}`;
    if (link?.dirEmpty === false) return `the directory ${args.path} is not empty, refusing to convert it`;
  } else if ((prev === 'file' || prev === 'hard') && !force) {
    return `refusing to convert from ${prev} to symlink for ${args.path}`;
  }
  if (prev !== 'link' && args.src === undefined) return 'src is required for creating new symlinks';
  return undefined;
}

/** touch of a new file, then its attributes: when they fail, the file made is removed again (Ansible's execute_touch). */
export function touchCommand(path: string, rest: string[]): string {
  const p = shellQuote(path);
  if (rest.length === 0) return `touch -- ${p}`;
  return `touch -- ${p} && { ${rest.join(' && ')} || { rc=$?; rm -f -- ${p}; exit $rc; }; }`;
}

function decideLink(args: FileArgs, facts: FileFacts, src: string): FileDecision {
  const path = args.path;
  const { current } = facts;
  // follow (the default): the attributes go to where the link leads (when it exists); without it, owner and group to the link itself.
  const onTarget = args.follow !== false;
  const wanted = onTarget ? {} : wantedOn(args, { type: 'link' }, facts.extras.umask);
  const t = facts.followed;
  const target = onTarget && t && t.state.type !== 'absent' ? targetChange(args, t, facts.plan.times, facts.extras) : undefined;
  const targetState = t && target ? withAttributes(facts.base, target.changed) : undefined;
  const rest = {
    diff: target?.diff ?? [],
    cmds: target?.cmds ?? [],
    predictions: t && targetState ? [{ path: t.path, state: targetState }] : [],
  };
  if (current.type === 'link' && current.target === src) {
    const own = (wanted.owner && current.owner !== wanted.owner) || (wanted.group && current.group !== wanted.group);
    if (!own && rest.cmds.length === 0) return { kind: 'ok', msg: `${path} already links to ${src}` };
    if (!own) {
      const msg = `set ${changedNames(rest.diff)} of ${t?.path ?? path}`;
      return {
        kind: 'change',
        msg,
        summary: [{ verb: 'change', object: 'path' }],
        diff: rest.diff,
        change: { steps: [{ command: rest.cmds.join(' && ') }], done: msg, predictions: rest.predictions },
      };
    }
  }
  const script = [
    // A file (force) is removed first: `ln -sf` (and mv) refuse a link to the very file it replaces
    // ("are the same file"), which Ansible makes; an empty directory (force) likewise.
    ...(current.type === 'file' || current.type === 'other' ? [`rm -f -- ${shellQuote(path)}`] : []),
    ...(current.type === 'directory' ? [`rmdir -- ${shellQuote(path)}`] : []),
    `ln -sfn -- ${shellQuote(src)} ${shellQuote(path)}`,
    ...(ownerSpec(wanted) ? [`chown -h -- ${shellQuote(ownerSpec(wanted))} ${shellQuote(path)}`] : []),
    ...rest.cmds,
  ].join(' && ');
  return {
    kind: 'change',
    msg: `link ${path} -> ${src}`,
    summary: [{ verb: 'link', object: 'path' }],
    diff: [{ header: `state of ${path}`, before: describe(current), after: `link to ${src}` }, ...rest.diff],
    change: {
      steps: [{ command: script }],
      done: `linked ${path} -> ${src}`,
      predictions: [{ path, state: { type: 'link', target: src } }, ...rest.predictions],
    },
  };
}

function decideExisting(args: FileArgs, facts: FileFacts): FileDecision {
  const path = args.path;
  const target = attributeTarget(path, facts);
  const s = target.state;
  if (facts.current.type === 'absent')
    return { kind: 'failed', msg: `file (${path}) is absent, cannot continue`, data: { state: 'absent' } };
  // Ansible: state=file on a directory (or any non-file, a link not followed) is a conflict, not a chmod.
  if (s.type !== 'file') return { kind: 'failed', msg: `file (${target.path}) is ${s.type}, cannot continue`, data: { state: s.type } };
  const { diff, cmds, changed } = targetChange(args, target, facts.plan.times, facts.extras);
  if (cmds.length === 0) return { kind: 'ok', msg: `${path} is as wanted` };
  const msg = `set ${diff.map((d) => d.header.replace(/ of .*$/, '')).join('/')} of ${target.path}`;
  const state = withAttributes(facts.base, changed);
  return {
    kind: 'change',
    msg,
    summary: [{ verb: 'change', object: 'path' }],
    diff,
    change: { steps: [{ command: cmds.join(' && ') }], done: msg, predictions: state ? [{ path: target.path, state }] : [] },
  };
}
