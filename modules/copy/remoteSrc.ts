// copy with `remote_src: true`: src is a file on the host, not the controller. Its sha256 is read on the
// host (in check mode, the state an earlier task would leave there wins), compared with dest's, and a
// change copies it on the host into a temp file beside dest, renamed into place (modules/lib/replaceFile.ts).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readAll, type Decision, type ModuleView, type Probe, type Read } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, PredictedFile } from '../../engine/types.ts';
import { attributeDiffs } from '../lib/attributes.ts';
import type { ContentTarget } from '../lib/fileContent.ts';
import { fileStateCommand, fromPredicted, parseFileState, probeFileState, type FileState } from '../lib/fileState.ts';
import { probeMissingParent, probeMkdir } from '../lib/parentDir.ts';
import { validateCommand } from '../lib/validateCommand.ts';

/** What src is on the host (a link followed), or why check mode cannot tell. */
export type SourceState =
  | { type: 'absent' }
  | { type: 'file'; size: number; checksum?: string; mode?: string; sha1?: string }
  | { type: 'directory' }
  | { type: 'other' }
  | { type: 'unknown'; why: string };

/** What the probe found: src, dest, and (for a content change) both texts for the diff. */
export interface RemoteCopyFacts {
  src: string;
  target: ContentTarget;
  source: SourceState;
  /** Check mode: an earlier task whose effects were not predicted (it may have created src). */
  opaqueTask?: string;
  dest?: {
    state: FileState;
    parents?: { created: string[]; problem?: string };
    before?: string;
    after?: string;
  };
}

/** A change: copy src over dest on the host (or set attributes only), and what check mode predicts. */
export interface RemoteCopyChange {
  remoteSrc: string;
  checksum: string;
  dest: string;
  wanted: ContentTarget['wanted'];
  sameContent: boolean;
  mkdir?: string;
  directoryAttributes?: ContentTarget['wanted'];
  backup?: boolean;
  validate?: string;
  done: string;
  data: { dest: string; src: string; checksum: string };
  directories: string[];
  predicted: PredictedFile;
}

// Texts larger than this are not read for the diff.
const MAX_DIFF_BYTES = 1_000_000;
// Links followed through check mode's predicted state before giving up (the kernel's limit is 40).
const MAX_LINKS = 40;

/** The probe: src and dest in one stage, then what the decision needs. */
export function* probeRemoteCopy(view: ModuleView, src: string, target: ContentTarget, sha1 = false): Probe<RemoteCopyFacts> {
  const srcAt = predictedSource(view, src);
  const destPredicted = view.check ? view.predicted.file(target.dest) : undefined;
  const reads: Read<unknown>[] = [];
  if (!destPredicted) reads.push(destStateRead(target.dest));
  if (!srcAt.predicted) reads.push(sourceRead(srcAt.path, sha1));
  const out = yield* readAll(reads);
  let state = destPredicted ? fromPredicted(destPredicted, 'sha256') : (out.shift() as FileState);
  const source = srcAt.predicted ?? (out.shift() as SourceState);
  const opaque = view.check && source.type === 'absent' ? view.predicted.opaqueTask() : undefined;
  const facts: RemoteCopyFacts = { src, target, source, ...(opaque ? { opaqueTask: opaque } : {}) };
  if (source.type !== 'file' || source.checksum === undefined) return facts;
  // As in Ansible, a dest that is a directory receives the file under src's name.
  if (state.type === 'directory' && !target.createParents) {
    facts.target = { ...target, dest: path.posix.join(target.dest, path.posix.basename(src)) };
    state = yield* probeFileState(view, facts.target.dest, 'sha256');
  }
  const { dest } = facts.target;
  facts.dest = { state };
  if (state.type === 'directory' || state.type === 'other') return facts;
  if (state.type === 'absent') {
    const parents = target.createParents
      ? yield* probeMkdir(view, path.posix.dirname(dest))
      : { created: [], ...optional(yield* probeMissingParent(view, dest)) };
    facts.dest.parents = parents;
    if (parents.problem) return facts;
  }
  const exists = state.type === 'file' || state.type === 'link';
  if ((exists && !target.force) || (state.type === 'file' && state.checksum === source.checksum)) return facts;
  // A content change: both texts for the diff (each only when small enough to show).
  const texts = yield* readTexts(view, [
    state.type === 'file' && state.size <= MAX_DIFF_BYTES ? dest : undefined,
    source.size <= MAX_DIFF_BYTES ? srcAt.path : undefined,
  ]);
  if (texts[0] !== undefined) facts.dest.before = texts[0];
  if (texts[1] !== undefined) facts.dest.after = texts[1];
  return facts;
}

function optional(problem: string | undefined): { problem?: string } {
  return problem ? { problem } : {};
}

/** Check mode: src through the predicted state, following predicted links; `path` is the file to read on the host otherwise. */
function predictedSource(view: ModuleView, src: string): { path: string; predicted?: SourceState } {
  let at = src;
  for (let i = 0; view.check && i < MAX_LINKS; i++) {
    const p = view.predicted.file(at);
    if (p === undefined) return { path: at };
    if (p.type !== 'link') return { path: at, predicted: sourceOf(p, at) };
    at = path.posix.isAbsolute(p.target) ? p.target : path.posix.join(path.posix.dirname(at), p.target);
  }
  if (!view.check) return { path: src };
  return { path: at, predicted: { type: 'unknown', why: `too many levels of symbolic links at ${src} (as predicted)` } };
}

function sourceOf(p: Exclude<PredictedFile, { type: 'link' }>, at: string): SourceState {
  if (p.type === 'absent') return { type: 'absent' };
  if (p.type === 'directory') return { type: 'directory' };
  const size = p.size ?? (p.content !== undefined ? Buffer.byteLength(p.content) : 0);
  const sha1 = p.content !== undefined ? createHash('sha1').update(p.content).digest('hex') : undefined;
  if (p.checksum) return { type: 'file', size, checksum: p.checksum, ...(p.mode ? { mode: p.mode } : {}), ...(sha1 ? { sha1 } : {}) };
  return { type: 'unknown', why: `an earlier task would change ${at} with content check mode does not know` };
}

function destStateRead(dest: string): Read<FileState> {
  return {
    command: fileStateCommand(dest, 'sha256'),
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`cannot inspect ${dest}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return parseFileState(r.stdout);
    },
  };
}

/** src's type, size, mode and sha256 (and sha1 for copy's checksum), following a link as Ansible does (an unreadable file has no checksum). */
export function sourceCommand(src: string, sha1 = false): string {
  const p = shellQuote(src);
  return [
    `if [ -f ${p} ]; then echo type=file; stat -L --printf 'size=%s\\nmode=%a\\n' -- ${p};`,
    `s=$(sha256sum < ${p} 2>/dev/null) && printf 'checksum=%s\\n' "\${s%% *}";`,
    ...(sha1 ? [`s=$(sha1sum < ${p} 2>/dev/null) && printf 'sha1=%s\\n' "\${s%% *}";`] : []),
    `elif [ -d ${p} ]; then echo type=directory;`,
    `elif [ -e ${p} ]; then echo type=other;`,
    'else echo type=absent; fi',
  ].join(' ');
}

function sourceRead(src: string, sha1: boolean): Read<SourceState> {
  return {
    command: sourceCommand(src, sha1),
    parse: (r): SourceState => {
      const kv = new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
      switch (kv.get('type')) {
        case 'file': {
          const sum = kv.get('checksum');
          const mode = kv.get('mode');
          const sha1 = kv.get('sha1');
          return {
            type: 'file',
            size: Number(kv.get('size') ?? 0),
            ...(sum && /^[0-9a-f]{64}$/.test(sum) ? { checksum: sum } : {}),
            ...(mode && /^[0-7]{1,4}$/.test(mode) ? { mode: mode.padStart(4, '0') } : {}),
            ...(sha1 && /^[0-9a-f]{40}$/.test(sha1) ? { sha1 } : {}),
          };
        }
        case 'directory':
          return { type: 'directory' };
        case 'other':
          return { type: 'other' };
        case 'absent':
          return { type: 'absent' };
        default:
          throw new Error(`cannot inspect ${src}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      }
    },
  };
}

/** The texts of the given paths (undefined entries are skipped), predicted texts first, the rest in one stage. */
function* readTexts(view: ModuleView, paths: Array<string | undefined>): Probe<Array<string | undefined>> {
  const out: Array<string | undefined> = paths.map(() => undefined);
  const reads: Array<{ index: number; read: Read<string> }> = [];
  paths.forEach((p, index) => {
    if (p === undefined) return;
    const predicted = view.check ? view.predicted.file(p) : undefined;
    if (predicted?.type === 'file' && predicted.content !== undefined) out[index] = predicted.content;
    else if (predicted?.type === 'file')
      return; // predicted bytes unknown as text: no diff text
    else reads.push({ index, read: { command: `cat -- ${shellQuote(p)} 2>/dev/null || true`, parse: (r) => r.stdout } });
  });
  const got = yield* readAll(reads.map((r) => r.read));
  reads.forEach((r, i) => {
    out[r.index] = got[i] as string;
  });
  return out;
}

/** Compares src with dest: pure. */
export function decideRemoteCopy(facts: RemoteCopyFacts): Decision<RemoteCopyChange> {
  const { src, source } = facts;
  const { dest, wanted } = facts.target;
  if (source.type === 'unknown') return { kind: 'unknown', msg: source.why, data: { dest, src } };
  if (source.type === 'absent') {
    // Ansible fails here in check mode too; an earlier task check mode did not run may create src in the real run.
    if (facts.opaqueTask) {
      return {
        kind: 'unknown',
        msg: `Source ${src} not found (the earlier task '${facts.opaqueTask}' was not predicted and may create it)`,
        data: { dest, src },
      };
    }
    return { kind: 'failed', msg: `Source ${src} not found`, data: { dest, src } };
  }
  if (source.type === 'directory')
    return { kind: 'failed', msg: `copy of directories with remote_src is not supported yet: ${src}`, data: { dest, src } };
  if (source.type === 'other') return { kind: 'failed', msg: `Source ${src} is not a file`, data: { dest, src } };
  if (source.checksum === undefined) return { kind: 'failed', msg: `Source ${src} not readable`, data: { dest, src } };
  const d = facts.dest;
  if (!d) throw new Error(`no state read for ${dest}`);
  const { state } = d;
  const data = { dest, src, checksum: source.checksum };
  if (state.type === 'directory' || state.type === 'other') {
    return { kind: 'failed', msg: `${dest} exists and is not a regular file (${state.type})`, data };
  }
  if (d.parents?.problem) return { kind: 'failed', msg: d.parents.problem, data };
  const exists = state.type === 'file' || state.type === 'link';
  if (exists && !facts.target.force) return { kind: 'ok', msg: `${dest} exists and force is false`, data };
  const sameContent = state.type === 'file' && state.checksum === source.checksum;
  const attrDiffs = attributeDiffs(dest, state.type === 'file' ? state : {}, wanted);
  if (sameContent && attrDiffs.length === 0) return { kind: 'ok', msg: `${dest} is up to date`, data };
  // validate as for content (fileContent.ts): checked only for a content change, in check mode too; never run in check mode.
  const validate = !sameContent && facts.target.validate !== undefined ? validateCommand(facts.target.validate) : undefined;
  if (validate && 'problem' in validate) return { kind: 'failed', msg: validate.problem, data };

  const diff: DiffEntry[] = [];
  const isText = (t: string | undefined): t is string => t !== undefined && !t.includes('\0');
  if (!sameContent) {
    const before = state.type === 'file' && isText(d.before) ? d.before : '';
    diff.push({ header: dest, before, after: isText(d.after) ? d.after : `(${src}, sha256 ${source.checksum})` });
  }
  diff.push(...attrDiffs);
  const msg = !sameContent
    ? `${state.type === 'absent' ? 'create' : 'update'} ${dest} from ${src} (${source.size} bytes)`
    : `set ${attrDiffs.map((e) => e.header.split(' ')[0]).join('/')} of ${dest}`;
  const had = state.type === 'file' ? state : undefined;
  const parents = d.parents?.created ?? [];
  const predicted: PredictedFile = {
    type: 'file',
    checksum: source.checksum,
    size: source.size,
    mode: wanted.mode ?? had?.mode ?? '0644',
    owner: wanted.owner ?? had?.owner ?? 'root',
    group: wanted.group ?? had?.group ?? 'root',
    ...(isText(d.after) ? { content: d.after } : {}),
  };
  return {
    kind: 'change',
    msg,
    diff,
    data,
    summary: [{ verb: 'write', object: 'file' }],
    change: {
      remoteSrc: src,
      checksum: source.checksum,
      dest,
      wanted,
      sameContent,
      ...(parents.length ? { mkdir: parents[parents.length - 1]! } : {}),
      ...(parents.length && facts.target.directoryAttributes ? { directoryAttributes: facts.target.directoryAttributes } : {}),
      ...(!sameContent && facts.target.backup ? { backup: true } : {}),
      ...(validate ? { validate: validate.line } : {}),
      done: msg.replace(/^create/, 'created').replace(/^update/, 'updated'),
      data,
      directories: parents,
      predicted,
    },
  };
}
