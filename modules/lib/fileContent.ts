// Whole-file content at a path (copy, template), as contract building blocks: the probe reads what is at
// dest (and only what the decision needs), decide compares it with the wanted content and attributes,
// apply uploads (only when the sha256 differs) or fixes attributes with chmod/chown, predict records
// check mode's state.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { local, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, DiffEntry, PredictedFile, PredictedState } from '../../engine/types.ts';
import { attributeCommands, attributeDiffs, type WantedAttributes } from './attributes.ts';
import { probeFileState, probeRemoteText, setPredictedFile, type FileState } from './fileState.ts';
import { invalidJsonMessage, parseJson, sameJson, type JsonProblem } from './jsonContent.ts';
import { makeDirectories, predictDirectories } from './createdDirectories.ts';
import { probeMissingParent, probeMkdir } from './parentDir.ts';
import { replaceFile } from './replaceFile.ts';
import { validateCommand } from './validateCommand.ts';
import { writeRemoteFile } from './writeFile.ts';

/** sha256 of text or bytes, hex. */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Where the content goes and how. */
export interface ContentTarget {
  dest: string;
  wanted: WantedAttributes;
  /** false: an existing dest is left alone. */
  force: boolean;
  /** The content is JSON: it must parse, and the same value in another layout is no change. */
  format?: 'json';
  /** A missing directory of dest is created (copy to a dest ending in '/'). */
  createParents?: boolean;
  /** A dest that is a directory receives the file under this name (copy of a controller src, as Ansible). */
  intoDirectory?: string;
  /** The attributes of the directories createParents makes (copy's directory_mode, owner and group). */
  directoryAttributes?: WantedAttributes;
  /** Ansible's `backup`: an existing dest whose content changes is copied aside first. */
  backup?: boolean;
  /** Ansible's `validate`: a command (with `%s` for the new file) that must succeed before dest is replaced. */
  validate?: string;
}

type JsonCheck = { ok: true; value: unknown } | { ok: false; problem: JsonProblem };

/** What the probe read at dest: only what the decision needs. */
export interface DestFacts {
  state: FileState;
  /** A missing dest: the directories `mkdir -p` would create (createParents), or why the file cannot go there. */
  parents?: { created: string[]; problem?: string };
  /** format: json, a file with other bytes: the host's text, to compare values. */
  hostText?: string;
  /** A text file whose content changes: the host's text, for the diff. */
  before?: string;
}

/** What probeFileContent returns: the content, its JSON check, and dest (absent when invalid JSON stopped it). */
export interface FileContentFacts {
  target: ContentTarget;
  content: string | Buffer;
  json?: JsonCheck;
  dest?: DestFacts;
}

/** A change: what apply does and what check mode predicts. */
export interface FileContentChange {
  dest: string;
  content: string | Buffer;
  wanted: WantedAttributes;
  /** Only attributes change (no upload). */
  sameContent: boolean;
  /** The outermost directory `mkdir -p` creates first, if any. */
  mkdir?: string;
  /** The attributes set on each directory created. */
  directoryAttributes?: WantedAttributes;
  /** Back up an existing dest before replacing it (content changes only). */
  backup?: boolean;
  /** The validate command line (validateCommand's), run on the temp file before the rename. */
  validate?: string;
  done: string;
  data: { dest: string; checksum: string };
  /** Check mode: the directories created and the file's state after the change. */
  directories: string[];
  predicted: PredictedFile;
}

/**
 * The probe of a content write. `content` is the content itself (copy's `content:`, checked before any
 * read) or controller-side work that produces it (reading copy's src, rendering a template), which runs
 * as a `local` stage after dest's first read, so a look ahead sends that read without doing the work.
 */
export function* probeFileContent(
  view: ModuleView,
  target: ContentTarget,
  content: string | Buffer | { what: string; make: () => string | Buffer },
): Probe<FileContentFacts> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    const json = jsonCheck(target, content);
    if (json && !json.ok) return { target, content, json };
    const state = yield* probeFileState(view, target.dest, 'sha256');
    return { target, content, ...(json ? { json } : {}), dest: yield* probeDest(view, target, content, json, state) };
  }
  let state = yield* probeFileState(view, target.dest, 'sha256');
  if (state.type === 'directory' && target.intoDirectory !== undefined) {
    target = { ...target, dest: path.posix.join(target.dest, target.intoDirectory) };
    state = yield* probeFileState(view, target.dest, 'sha256');
  }
  const made = yield* local(content.what, async () => content.make());
  const json = jsonCheck(target, made);
  if (json && !json.ok) return { target, content: made, json };
  return { target, content: made, ...(json ? { json } : {}), dest: yield* probeDest(view, target, made, json, state) };
}

function jsonCheck(target: ContentTarget, content: string | Buffer): JsonCheck | undefined {
  return target.format === 'json' ? parseJson(String(content)) : undefined;
}

/** The reads after dest's state, in the order the decision needs them (each only when it does). */
function* probeDest(
  view: ModuleView,
  target: ContentTarget,
  content: string | Buffer,
  json: JsonCheck | undefined,
  state: FileState,
): Probe<DestFacts> {
  const { dest } = target;
  if (state.type === 'directory' || state.type === 'other') return { state };
  let parents: DestFacts['parents'];
  if (state.type === 'absent') {
    if (target.createParents) parents = yield* probeMkdir(view, path.posix.dirname(dest));
    else {
      const problem = yield* probeMissingParent(view, dest);
      parents = { created: [], ...(problem ? { problem } : {}) };
    }
    if (parents.problem) return { state, parents };
  }
  const facts: DestFacts = { state, ...(parents ? { parents } : {}) };
  const exists = state.type === 'file' || state.type === 'link';
  if (exists && !target.force) return facts;
  const sameBytes = state.type === 'file' && state.checksum === sha256(content);
  if (json?.ok === true && state.type === 'file' && !sameBytes) facts.hostText = yield* probeRemoteText(view, dest);
  const sameContent = sameBytes || sameValue(facts, json);
  if (!sameContent && state.type === 'file' && isText(content)) facts.before = yield* probeRemoteText(view, dest);
  return facts;
}

function sameValue(facts: DestFacts, json: JsonCheck | undefined): boolean {
  if (json?.ok !== true || facts.hostText === undefined) return false;
  const have = parseJson(facts.hostText);
  return have.ok && sameJson(have.value, json.value);
}

/** Compares the wanted content and attributes with what is at dest: pure. */
export function decideFileContent(facts: FileContentFacts): Decision<FileContentChange> {
  const { target, content, json } = facts;
  const { dest, wanted } = target;
  if (json && !json.ok) return { kind: 'failed', msg: invalidJsonMessage(dest, json.problem), data: { dest } };
  const d = facts.dest;
  if (!d) throw new Error(`no state read for ${dest}`);
  const { state } = d;
  const wantSum = sha256(content);
  const data = { dest, checksum: wantSum };
  if (state.type === 'directory' || state.type === 'other') {
    return { kind: 'failed', msg: `${dest} exists and is not a regular file (${state.type})`, data };
  }
  // A new file needs its directory (Ansible: "Destination directory … does not exist"), unless the
  // caller creates it (copy to a dest ending in '/'). Decided in both modes, so check mode and the real
  // run fail alike (also under failed_when); check mode reads through the predicted state.
  if (d.parents?.problem) return { kind: 'failed', msg: d.parents.problem, data };
  const parents = d.parents?.created ?? [];
  const exists = state.type === 'file' || state.type === 'link';
  if (exists && !target.force) return { kind: 'ok', msg: `${dest} exists and force is false`, data };
  const sameBytes = state.type === 'file' && state.checksum === wantSum;
  const attrDiffs = attributeDiffs(dest, state.type === 'file' ? state : {}, wanted);
  // format: json compares values: a file that differs only in whitespace or key order is left alone.
  const sameVal = !sameBytes && sameValue(d, json);
  const sameContent = sameBytes || sameVal;
  if (sameContent && attrDiffs.length === 0) {
    return {
      kind: 'ok',
      msg: sameVal ? `${dest} holds the same JSON (only formatting or key order differ)` : `${dest} is up to date`,
      data,
    };
  }

  // As in Ansible, validate is checked (and run) only when the content changes; its missing `%s` fails in
  // check mode too, so check mode predicts the real run's failure. Check mode never runs the command.
  const validate = !sameContent && target.validate !== undefined ? validateCommand(target.validate) : undefined;
  if (validate && 'problem' in validate) return { kind: 'failed', msg: validate.problem, data };
  const diff: DiffEntry[] = [];
  if (!sameContent) {
    const before = state.type === 'file' && isText(content) ? (d.before ?? '') : '';
    diff.push({ header: dest, before, after: isText(content) ? String(content) : `(binary, sha256 ${wantSum})` });
  }
  diff.push(...attrDiffs);
  const msg = !sameContent
    ? `${state.type === 'absent' ? 'create' : 'update'} ${dest} (${byteLength(content)} bytes)`
    : `set ${attrDiffs.map((e) => e.header.split(' ')[0]).join('/')} of ${dest}`;
  const had = state.type === 'file' ? state : undefined;
  // Same JSON value: only attributes change, the host's bytes stay.
  const kept = sameVal && had ? { ...(had.checksum ? { checksum: had.checksum } : {}), size: had.size } : undefined;
  const predicted: PredictedFile = {
    type: 'file',
    ...(kept ?? { checksum: wantSum, size: byteLength(content) }),
    mode: wanted.mode ?? had?.mode ?? '0644',
    owner: wanted.owner ?? had?.owner ?? 'root',
    group: wanted.group ?? had?.group ?? 'root',
    ...(!kept && isText(content) && byteLength(content) < 1_000_000 ? { content: String(content) } : {}),
  };
  return {
    kind: 'change',
    msg,
    diff,
    data,
    summary: [{ verb: 'write', object: 'file' }],
    change: {
      dest,
      content,
      wanted,
      sameContent,
      ...(parents.length ? { mkdir: parents[parents.length - 1]! } : {}),
      ...(parents.length && target.directoryAttributes ? { directoryAttributes: target.directoryAttributes } : {}),
      ...(!sameContent && target.backup ? { backup: true } : {}),
      ...(validate ? { validate: validate.line } : {}),
      done: msg.replace(/^create/, 'created').replace(/^update/, 'updated'),
      data,
      directories: parents,
      predicted,
    },
  };
}

/** Writes the content (creating dest's directory first when planned), or sets the attributes only. */
export async function applyFileContent(change: FileContentChange, host: ModuleHost): Promise<ApplyOutcome> {
  const { dest, data } = change;
  if (!change.sameContent) {
    const problem = await makeDirectories(host, change.directories, change.directoryAttributes);
    if (problem !== undefined) return { kind: 'failed', msg: problem, data };
    if (change.backup || change.validate !== undefined) {
      const options = {
        ...(change.backup ? { backup: true } : {}),
        ...(change.validate !== undefined ? { validate: change.validate } : {}),
      };
      const done = await replaceFile(host, dest, { kind: 'upload', content: change.content }, change.wanted, options);
      if (!done.ok) return { kind: 'failed', msg: done.msg, data: { ...data, ...done.data } };
      if (done.backupFile) return { kind: 'changed', msg: change.done, data: { ...data, backup_file: done.backupFile } };
    } else await writeRemoteFile(host, dest, change.content, change.wanted);
  } else {
    const r = await host.run(attributeCommands(shellQuote(dest), change.wanted).join(' && '));
    if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim(), data };
  }
  return { kind: 'changed', msg: change.done, data };
}

/** Check mode: the directories and the file a content change leaves. */
export function predictFileContent(decision: Decision<FileContentChange>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  predictDirectories(predicted, decision.change.directories, decision.change.directoryAttributes);
  setPredictedFile(predicted, decision.change.dest, decision.change.predicted);
}

function isText(content: string | Buffer): boolean {
  return typeof content === 'string' || !content.includes(0);
}

function byteLength(content: string | Buffer): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.length;
}
