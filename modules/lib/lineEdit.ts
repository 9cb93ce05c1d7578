// Editing text files in place (lineinfile, replace): read content and attributes in one command, compute
// the new text on the controller, write it back atomically; plus Python-style regexes and replacement templates.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { compilePythonRegex, type PythonRegex } from '../../engine/regex/index.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, ModuleContext, Plan } from '../../engine/types.ts';
import { attributeCommands, attributeDiffs, type WantedAttributes } from './attributes.ts';
import { writeRemoteFile } from './writeFile.ts';

const CONTENT_MARK = '@@fleetplay-content@@';

/** A text file as read from the host; `path` is the real path (symlinks followed, as Ansible does). */
export type TextFile =
  | { type: 'file'; path: string; mode: string; owner: string; group: string; content: string }
  | { type: 'absent'; path: string; parentExists: boolean }
  | { type: 'directory' | 'other'; path: string }
  /** Check mode: an earlier task would write this file with content check mode does not know. */
  | { type: 'unknown'; path: string; msg: string };

/** One shell command printing the real path, the type and attributes, and then the content of `file`. */
export function textFileCommand(file: string): string {
  return [
    `p=${shellQuote(file)}`,
    'if [ -L "$p" ]; then r=$(readlink -f -- "$p") || r=$p; else r=$p; fi',
    `printf 'real=%s\\n' "$r"`,
    'if [ -d "$r" ]; then echo type=directory',
    `elif [ -f "$r" ]; then stat --printf='type=file\\nmode=%a\\nowner=%U\\ngroup=%G\\n' -- "$r" && echo ${CONTENT_MARK} && cat -- "$r"`,
    'elif [ -e "$r" ]; then echo type=other',
    `else echo type=absent; if [ -d "$(dirname -- "$r")" ]; then echo parent=yes; else echo parent=no; fi; fi`,
  ].join('\n');
}

/** Parses the output of textFileCommand; `given` is the path as the task wrote it. */
export function parseTextFile(output: string, given: string): TextFile {
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
        content: output.slice(mark + CONTENT_MARK.length + 2),
      };
    case 'directory':
      return { type: 'directory', path: real };
    case 'other':
      return { type: 'other', path: real };
    default:
      return { type: 'absent', path: real, parentExists: kv.get('parent') === 'yes' };
  }
}

/** Reads a text file with one round trip; throws when the probe fails (e.g. permission denied). */
export async function readTextFile(ctx: ModuleContext, file: string): Promise<TextFile> {
  // In check mode a text an earlier task would have written (copy, template, lineinfile) wins.
  const predicted = ctx.check ? ctx.predicted.file(file) : undefined;
  if (predicted?.type === 'absent') return { type: 'absent', path: file, parentExists: true };
  if (predicted?.type === 'directory') return { type: 'directory', path: file };
  if (predicted?.type === 'file' && predicted.content !== undefined) {
    return { type: 'file', path: file, mode: predicted.mode ?? '0644', owner: predicted.owner ?? 'root', group: predicted.group ?? 'root', content: predicted.content };
  }
  const r = await ctx.run(textFileCommand(file), { readOnly: true });
  if (r.exitCode !== 0) throw new Error(`cannot read ${file}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  const state = parseTextFile(r.stdout, file);
  if (predicted?.type === 'file') {
    // Predicted without its text: the host's text is it only when the predicted checksum says so
    // (an earlier chmod keeps the content); otherwise (a download, a command's `creates`) it is unknown.
    const same = state.type === 'file' && predicted.checksum !== undefined && createHash('sha256').update(state.content).digest('hex') === predicted.checksum;
    if (!same) return { type: 'unknown', path: file, msg: `an earlier task would write ${file} with content check mode does not know` };
    return { ...state, mode: predicted.mode ?? state.mode, owner: predicted.owner ?? state.owner, group: predicted.group ?? state.group };
  }
  // The transport decodes UTF-8; a replacement character means the bytes were not UTF-8 and a write-back would corrupt them.
  if (state.type === 'file' && state.content.includes('\uFFFD')) throw new Error(`${file} is not valid UTF-8 text; refusing to edit it`);
  return state;
}

/** What an edit computed: the new content and a message, or nothing to do. */
export interface TextEdit {
  content: string;
  changed: boolean;
  msg: string;
}

/**
 * Plans writing `edit.content` (when changed) and the wanted attributes to an existing or new file.
 * The diff shows the content change as a unified diff under the task's path.
 */
export function planTextEdit(ctx: ModuleContext, file: string, state: TextFile, edit: TextEdit, wanted: WantedAttributes): Plan {
  const before = state.type === 'file' ? state.content : '';
  const attrDiffs = attributeDiffs(file, state.type === 'file' ? state : {}, wanted);
  const data = { path: file };
  if (!edit.changed && attrDiffs.length === 0) return { kind: 'ok', msg: edit.msg ? `${edit.msg} in ${file}` : `${file} is as wanted`, data };
  const diff: DiffEntry[] = edit.changed ? [{ header: file, before, after: edit.content }, ...attrDiffs] : attrDiffs;
  const attrsMsg = attrDiffs.length ? `set ${attrDiffs.map((d) => d.header.split(' ')[0]).join('/')} of ${file}` : '';
  const msg = [edit.changed ? `${edit.msg} in ${file}` : '', attrsMsg].filter(Boolean).join('; ');
  if (ctx.check) {
    const had = state.type === 'file' ? state : undefined;
    ctx.predicted.setFile(state.path, {
      type: 'file',
      content: edit.content,
      size: Buffer.byteLength(edit.content),
      checksum: createHash('sha256').update(edit.content).digest('hex'),
      mode: wanted.mode ?? had?.mode ?? '0644',
      owner: wanted.owner ?? had?.owner ?? 'root',
      group: wanted.group ?? had?.group ?? 'root',
    });
  }
  return {
    kind: 'change',
    msg,
    diff,
    data,
    apply: async () => {
      if (edit.changed) {
        if (state.type === 'absent' && !state.parentExists) {
          const r = await ctx.run(`mkdir -p -- ${shellQuote(path.posix.dirname(state.path))}`);
          if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot create the directory of ${file}: ${r.stderr.trim()}`, data };
        }
        await writeRemoteFile(ctx, state.path, edit.content, wanted);
      } else {
        const r = await ctx.run(attributeCommands(shellQuote(state.path), wanted).join(' && '));
        if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}`, data };
      }
      return { kind: 'changed', msg, data };
    },
  };
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
