// Editing text files in place (lineinfile, replace): read content and attributes in one command, compute
// the new text on the controller, write it back atomically; plus Python-style regexes and replacement templates.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { compilePythonRegex, type PythonRegex } from '../../engine/regex/index.ts';
import { shellQuote } from '../../engine/quote.ts';
import { read, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import type { ApplyOutcome, DiffEntry, PredictedFile, PredictedState } from '../../engine/types.ts';
import { attributeDiffs, type WantedAttributes } from './attributes.ts';
import { setPredictedFile } from './fileState.ts';
import { setPredictedDirectories } from './parentDir.ts';
import type { TextCodec } from './lineEditEncoding.ts';
import { validateCommand } from './validateCommand.ts';
import { writeEditedText } from './lineEditWrite.ts';

const CONTENT_MARK = '@@fleetplay-content@@';

/** A text file as read from the host; `path` is the real path (symlinks followed, as Ansible does). */
export type TextFile =
  | { type: 'file'; path: string; mode: string; owner: string; group: string; content: string }
  /** `opaque`, in check mode: missing on the host now, but an earlier task check mode cannot predict may create it. */
  | { type: 'absent'; path: string; parentExists: boolean; opaque?: string }
  | { type: 'directory' | 'other'; path: string }
  /** Check mode: an earlier task would write this file with content check mode does not know. */
  | { type: 'unknown'; path: string; msg: string };

/** One shell command printing the real path, the type and attributes, and then the content of `file` (as base64 with `base64`). */
export function textFileCommand(file: string, base64 = false): string {
  return [
    `p=${shellQuote(file)}`,
    'if [ -L "$p" ]; then r=$(readlink -f -- "$p") || r=$p; else r=$p; fi',
    `printf 'real=%s\\n' "$r"`,
    'if [ -d "$r" ]; then echo type=directory',
    `elif [ -f "$r" ]; then stat --printf='type=file\\nmode=%a\\nowner=%U\\ngroup=%G\\n' -- "$r" && echo ${CONTENT_MARK} && ${base64 ? 'base64 -w0 --' : 'cat --'} "$r"`,
    'elif [ -e "$r" ]; then echo type=other',
    `else echo type=absent; if [ -d "$(dirname -- "$r")" ]; then echo parent=yes; else echo parent=no; fi; fi`,
  ].join('\n');
}

/** Parses the output of textFileCommand; `given` is the path as the task wrote it; `codec` decodes base64 content. */
export function parseTextFile(output: string, given: string, codec?: TextCodec): TextFile {
  const mark = output.indexOf(`\n${CONTENT_MARK}\n`);
  const head = mark >= 0 ? output.slice(0, mark) : output;
  const kv = new Map<string, string>();
  for (const line of head.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !kv.has(line.slice(0, eq))) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const real = kv.get('real') || given;
  switch (kv.get('type')) {
    case 'file':
      if (mark < 0) throw new Error(`cannot read ${given}: no content in the probe's output`);
      return {
        type: 'file',
        path: real,
        mode: (kv.get('mode') ?? '0').padStart(4, '0'),
        owner: kv.get('owner') ?? '',
        group: kv.get('group') ?? '',
        content: decode(output.slice(mark + CONTENT_MARK.length + 2), given, codec),
      };
    case 'directory':
      return { type: 'directory', path: real };
    case 'other':
      return { type: 'other', path: real };
    default:
      return { type: 'absent', path: real, parentExists: kv.get('parent') === 'yes' };
  }
}

/**
 * Reads a text file with one round trip; throws when the read fails (e.g. permission denied). In check
 * mode a text an earlier task would have written (copy, template, lineinfile) wins.
 */
export function* probeTextFile(view: Pick<ModuleView, 'check' | 'predicted'>, file: string, codec?: TextCodec): Probe<TextFile> {
  let predicted = view.check ? view.predicted.file(file) : undefined;
  // A text predicted by another task is UTF-8 text; in another encoding only its checksum can be compared.
  if (codec && predicted?.type === 'file' && predicted.content !== undefined) {
    const { content: _text, ...rest } = predicted;
    predicted = rest;
  }
  if (predicted?.type === 'absent') return { type: 'absent', path: file, parentExists: true };
  if (predicted?.type === 'directory') return { type: 'directory', path: file };
  if (predicted?.type === 'file' && predicted.content !== undefined) {
    return {
      type: 'file',
      path: file,
      mode: predicted.mode ?? '0644',
      owner: predicted.owner ?? 'root',
      group: predicted.group ?? 'root',
      content: predicted.content,
    };
  }
  const state = yield* read({
    command: textFileCommand(file, codec !== undefined),
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`cannot read ${file}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return parseTextFile(r.stdout, file, codec);
    },
  });
  if (predicted?.type === 'file') {
    // Predicted without its text: the host's text is it only when the predicted checksum says so
    // (an earlier chmod keeps the content); otherwise (a download, a command's `creates`) it is unknown.
    const same =
      state.type === 'file' &&
      predicted.checksum !== undefined &&
      createHash('sha256')
        .update(codec ? codec.encode(state.content) : state.content)
        .digest('hex') === predicted.checksum;
    if (!same) return { type: 'unknown', path: file, msg: `an earlier task would write ${file} with content check mode does not know` };
    return { ...state, mode: predicted.mode ?? state.mode, owner: predicted.owner ?? state.owner, group: predicted.group ?? state.group };
  }
  // Missing now, with no prediction for it, after a task whose effects check mode cannot predict (a command
  // it did not run, a task left unknown): that task may create it.
  const opaque = view.check && state.type === 'absent' ? view.predicted.opaqueTask() : undefined;
  if (state.type === 'absent' && opaque) return { ...state, opaque };
  // The transport decodes UTF-8; a replacement character means the bytes were not UTF-8 and a write-back would corrupt them.
  if (state.type === 'file' && state.content.includes('\uFFFD')) throw new Error(`${file} is not valid UTF-8 text; refusing to edit it`);
  return state;
}

/**
 * The decision for a file a task needs and the host lacks: failed, or in check mode unknown when an earlier
 * task whose effects check mode cannot predict may create it (the real run would then find it).
 */
export function missingFile(state: Extract<TextFile, { type: 'absent' }>, msg: string): { kind: 'failed' | 'unknown'; msg: string } {
  if (!state.opaque) return { kind: 'failed', msg };
  return {
    kind: 'unknown',
    msg: `${state.path} does not exist now, but '${state.opaque}', whose effects check mode cannot predict, runs first and may create it, so the outcome is unknown`,
  };
}

/** What an edit computed: the new content and a message, or nothing to do. */
export interface TextEdit {
  content: string;
  changed: boolean;
  msg: string;
}

/** A text edit to make: what apply writes or sets, and the file check mode predicts. */
export interface TextEditChange {
  /** The path as the task wrote it (messages, result data). */
  file: string;
  /** The real path written (symlinks followed). */
  path: string;
  /** The new content, when it changes (else only attributes are set): bytes in another encoding than UTF-8. */
  content?: string | Buffer;
  wanted: WantedAttributes;
  /** The directory to create first (a missing file with create: true in a missing directory). */
  mkdir?: string;
  msg: string;
  /** Check mode: the file after the change, and directories `mkdir -p` would create. */
  predicted: PredictedFile;
  directories: string[];
  /** backup: the result key naming the copy made before a content change (lineinfile `backup`, replace `backup_file`). */
  backupKey?: 'backup' | 'backup_file';
  /** validate: the command line (validateCommand's) the new content must pass before it replaces the file. */
  validate?: string;
}

/** Ansible's `backup` and `validate` of lineinfile and replace. */
export interface TextEditOptions {
  /** Copy the file aside before a content change, naming the copy under this result key. */
  backupKey?: 'backup' | 'backup_file';
  /** The task's `validate` (with `%s`), checked here and run by apply on the new content. */
  validate?: string;
  /** replace's `encoding`, when not UTF-8. */
  codec?: TextCodec;
  /** A change says what Ansible's module says ('line added', not 'line added in <path>'). */
  ansibleMessages?: boolean;
}

/** Text decoded from the probe's base64 (or as read, in UTF-8); a file the encoding cannot decode is refused. */
function decode(content: string, file: string, codec?: TextCodec): string {
  if (!codec) return content;
  try {
    return codec.decode(Buffer.from(content.trim(), 'base64'));
  } catch (err) {
    throw new Error(`${file} is not ${codec.name} text (${(err as Error).message}); refusing to edit it`);
  }
}

/** The new text in the task's encoding, or why it cannot be written in it (Python's UnicodeEncodeError). */
function encode(codec: TextCodec, text: string, file: string): { bytes: Buffer } | { problem: string } {
  try {
    return { bytes: codec.encode(text) };
  } catch (err) {
    return { problem: `cannot write ${file} as ${codec.name}: ${(err as Error).message}` };
  }
}

/** Ansible's words when only mode, owner or group change (module_utils check_file_attrs). */
export const ATTRIBUTES_CHANGED = 'ownership, perms or SE linux context changed';

/**
 * Decides writing `edit.content` (when changed) and the wanted attributes to an existing or new file:
 * pure. The diff shows the content change under the task's path. `directories` are those a create would
 * make (for check mode's prediction).
 */
export function decideTextEdit(
  file: string,
  state: TextFile,
  edit: TextEdit,
  wanted: WantedAttributes,
  directories: string[] = [],
  options: TextEditOptions = {},
): Decision<TextEditChange> {
  const before = state.type === 'file' ? state.content : '';
  const attrDiffs = attributeDiffs(file, state.type === 'file' ? state : {}, wanted);
  const data = { path: file };
  if (!edit.changed && attrDiffs.length === 0)
    return { kind: 'ok', msg: edit.msg ? `${edit.msg} in ${file}` : `${file} is as wanted`, data };
  // As in Ansible, validate is judged only when the content changes; a missing `%s` fails in check mode
  // too (Ansible fails at the write), so check mode predicts the real run. Check mode never runs it.
  const validate = edit.changed && options.validate ? validateCommand(options.validate) : undefined;
  if (validate && 'problem' in validate) return { kind: 'failed', msg: validate.problem, data };
  const encoded = options.codec ? encode(options.codec, edit.content, file) : undefined;
  if (edit.changed && encoded && 'problem' in encoded) return { kind: 'failed', msg: encoded.problem, data };
  const bytes = encoded && 'bytes' in encoded ? encoded.bytes : undefined;
  const diff: DiffEntry[] = edit.changed ? [{ header: file, before, after: edit.content }, ...attrDiffs] : attrDiffs;
  // Ansible's messages (lineinfile, replace): the edit's ('line added'), then its words for attributes.
  const attrsMsg = attrDiffs.length ? `set ${attrDiffs.map((d) => d.header.split(' ')[0]).join('/')} of ${file}` : '';
  const msg = options.ansibleMessages
    ? [edit.changed ? edit.msg : '', attrDiffs.length ? ATTRIBUTES_CHANGED : ''].filter(Boolean).join(' and ')
    : [edit.changed ? `${edit.msg} in ${file}` : '', attrsMsg].filter(Boolean).join('; ');
  const had = state.type === 'file' ? state : undefined;
  const written = bytes ?? edit.content;
  const predicted: PredictedFile = {
    type: 'file',
    // Another encoding's bytes are not the UTF-8 text later tasks read: only their checksum is predicted.
    ...(options.codec ? {} : { content: edit.content }),
    ...(options.codec && !bytes ? {} : { size: Buffer.byteLength(written), checksum: createHash('sha256').update(written).digest('hex') }),
    mode: wanted.mode ?? had?.mode ?? '0644',
    owner: wanted.owner ?? had?.owner ?? 'root',
    group: wanted.group ?? had?.group ?? 'root',
  };
  const mkdir = edit.changed && state.type === 'absent' && !state.parentExists ? path.posix.dirname(state.path) : undefined;
  return {
    kind: 'change',
    msg,
    diff,
    data,
    summary: [{ verb: 'write', object: 'file' }],
    change: {
      file,
      path: state.path,
      ...(edit.changed ? { content: bytes ?? edit.content } : {}),
      wanted,
      ...(mkdir !== undefined ? { mkdir } : {}),
      msg,
      predicted,
      directories,
      ...(edit.changed && options.backupKey ? { backupKey: options.backupKey } : {}),
      ...(validate ? { validate: validate.line } : {}),
    },
  };
}

/** Writes the edit (lineEditWrite.ts: backup, validate, attributes only). */
export function applyTextEdit(change: TextEditChange, host: ModuleHost): Promise<ApplyOutcome> {
  return writeEditedText(change, host);
}

/** Check mode: the file an edit leaves (at its real path), then the directories a create makes. */
export function predictTextEdit(decision: Decision<TextEditChange>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  setPredictedFile(predicted, decision.change.path, decision.change.predicted);
  setPredictedDirectories(predicted, decision.change.directories);
}

// ------------------------------------------------------------------ Python regexes and templates

/** Python replacement templates, shared with the regex filters (kept here for the modules' imports). */
export { parseTemplate, expandTemplate, checkTemplate, type TemplatePart } from '../../engine/regex/index.ts';

/**
 * Compiles a module's Python `re` pattern onto the linear-time engine (engine/regex); `what` names the
 * argument in errors. A bad or refused pattern throws a RegexError (a FleetError of kind 'arguments').
 */
export function pythonRegex(pattern: string, options: { multiline?: boolean; dotall?: boolean } = {}): PythonRegex {
  return compilePythonRegex(pattern, { ...options, kind: 'arguments' });
}
