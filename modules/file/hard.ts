// state: hard, as Ansible's ensure_hardlink: a new name for src's inode (made beside path and renamed over
// it when something is there), then src's attributes and times as wanted. The inodes are compared.
import path from 'node:path';
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { probeFileState, type FileState } from '../lib/fileState.ts';
import { targetChange, withAttributes } from './attrs.ts';
import type { FileArgs } from './schema.ts';
import type { FileDecision, FileFacts } from './types.ts';

/** What a hard link needs besides the path: src (a relative one is from the working directory, as Ansible's os.link) and both inodes. */
export interface HardFacts {
  src: string;
  srcState: FileState;
  /** device:inode of src and of path ('' when missing); undefined in check mode when an earlier task changes either. */
  inodes?: { src: string; path: string };
}

/** The reads: src's state and the two inodes. */
export function* probeHard(view: ModuleView, args: FileArgs): Probe<HardFacts | undefined> {
  if (args.src === undefined) return undefined;
  const src = args.src;
  const srcState = yield* probeFileState(view, src, false);
  if (view.check && (view.predicted.file(src) || view.predicted.file(args.path))) return { src, srcState };
  const ino = (p: string) => `stat -L --printf '%d:%i' -- ${shellQuote(p)} 2>/dev/null; echo`;
  const inodes = yield* read({
    command: `${ino(src)}; ${ino(args.path)}`,
    parse: (r) => {
      const [a = '', b = ''] = r.stdout.split('\n');
      return { src: a, path: b };
    },
  });
  return { src, srcState, inodes };
}

/** The decision: Ansible's words for what it refuses. */
export function decideHard(args: FileArgs, facts: FileFacts, hard: HardFacts | undefined): FileDecision {
  const p = args.path;
  const { current } = facts;
  if (!hard) return { kind: 'failed', msg: 'src is required for creating new hardlinks' };
  const { src, srcState, inodes } = hard;
  if (srcState.type === 'absent') return { kind: 'failed', msg: 'src does not exist' };
  if (srcState.type === 'directory') return { kind: 'failed', msg: `${src} is a directory: a directory cannot be hard linked` };
  const same = inodes !== undefined && inodes.path !== '' && inodes.src === inodes.path;
  if (current.type !== 'absent' && !same && inodes === undefined) {
    return { kind: 'unknown', msg: `an earlier task would change ${src} or ${p}, so whether they are one file is unknown` };
  }
  if (current.type === 'directory') return { kind: 'failed', msg: 'Cannot link: different hard link exists at destination' };
  if (current.type === 'file' && !same && args.force !== true) return { kind: 'failed', msg: 'Cannot link, file exists at destination' };
  const attrs = targetChange(args, { path: p, state: srcState }, facts.plan.times, facts.extras);
  if (same && attrs.cmds.length === 0) return { kind: 'ok', msg: `${p} is already a hard link to ${src}` };
  const dir = path.posix.dirname(p);
  const s = shellQuote(src);
  const link = same
    ? []
    : current.type === 'absent'
      ? [`ln -- ${s} ${shellQuote(p)}`]
      : // Ansible links beside path and renames over it (an atomic replace).
        [`t=$(mktemp -u -- ${shellQuote(`${dir}/.fleetplay.XXXXXX`)}) && ln -- ${s} "$t" && mv -Tf -- "$t" ${shellQuote(p)}`];
  const state = withAttributes(facts.base, attrs.changed);
  const msg = same ? `set ${attrs.diff.map((d) => d.header.replace(/ of .*$/, '')).join('/')} of ${p}` : `hard link ${p} to ${src}`;
  return {
    kind: 'change',
    msg,
    summary: [{ verb: 'link', object: 'path' }],
    diff: [...(same ? [] : [{ header: `state of ${p}`, before: current.type, after: `hard link to ${src}` }]), ...attrs.diff],
    change: {
      steps: [{ command: [...link, ...attrs.cmds].join(' && ') }],
      done: same ? msg : `hard linked ${p} to ${src}`,
      // The path and src are one file: both get its state.
      predictions: state
        ? [
            { path: p, state },
            { path: src, state },
          ]
        : [],
    },
  };
}
