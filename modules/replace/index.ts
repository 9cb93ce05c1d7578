// replace: substitute every match of a Python regex in a file (re.MULTILINE), optionally only between after/before.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { RegexError, type PythonRegex } from '../../engine/regex/index.ts';
import { wantedAttributes, type WantedAttributes } from '../lib/attributes.ts';
import {
  missingFile,
  applyTextEdit,
  checkTemplate,
  decideTextEdit,
  parseTemplate,
  predictTextEdit,
  probeTextFile,
  pythonRegex,
  type TemplatePart,
  type TextEdit,
  type TextEditChange,
  type TextFile,
} from '../lib/lineEdit.ts';
import { textCodec, type TextCodec } from '../lib/lineEditEncoding.ts';
import { modeSchema } from '../lib/schemas.ts';

/** What replace was asked to do (Python patterns, a Python replacement template). */
export interface ReplaceSpec {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

/** A failure of Python's re.subn in Ansible's replace (a bad replacement template), in Ansible's words. */
export class ReplaceFailure extends Error {
  constructor(reason: string) {
    super(`Unable to process replace due to error: ${reason}`);
    this.name = 'ReplaceFailure';
  }
}

/** re.subn of the whole section; a bad template is a ReplaceFailure, as Ansible reports re.error there. */
function substitute(re: PythonRegex, replace: string, section: string): { text: string; count: number } {
  let template: TemplatePart[];
  try {
    template = parseTemplate(replace, 'arguments');
    checkTemplate(template, re, 'arguments');
  } catch (err) {
    if (err instanceof RegexError) throw new ReplaceFailure(err.message);
    throw err;
  }
  return re.sub(section, template);
}

/** Applies a ReplaceSpec to text, exactly like Ansible's replace module; throws a RegexError on a bad pattern or template. */
export function replaceText(content: string, spec: ReplaceSpec): TextEdit & { exits?: true } {
  let start = 0;
  let end = content.length;
  if (spec.after !== undefined || spec.before !== undefined) {
    // Ansible builds one DOTALL pattern around a `subsection` group: lazy between both, greedy with only one.
    const source =
      spec.after !== undefined && spec.before !== undefined
        ? `${spec.after}(?P<subsection>.*?)${spec.before}`
        : spec.after !== undefined
          ? `${spec.after}(?P<subsection>.*)`
          : `(?P<subsection>.*)${spec.before}`;
    const sectionRe = pythonRegex(source, { dotall: true });
    const range = sectionRe.search(content)?.spans[sectionRe.groupIndex('subsection') ?? -1];
    // Ansible's words; it stops there, before it reads regexp or replace.
    if (!range)
      return { content, changed: false, msg: `Pattern for before/after params did not match the given file: ${source}`, exits: true };
    [start, end] = range;
  }
  const re = pythonRegex(spec.regexp, { multiline: true });
  const section = content.slice(start, end);
  const { text: out, count } = substitute(re, spec.replace, section);
  if (count === 0 || out === section)
    return { content, changed: false, msg: count === 0 ? 'pattern did not match' : 'replacements change nothing' };
  return {
    content: content.slice(0, start) + out + content.slice(end),
    changed: true,
    // Ansible's words, also for one ('1 replacements made').
    msg: `${count} replacements made`,
  };
}

export const replaceSchema = {
  type: 'object',
  properties: {
    // Ansible's other names for path: dest, destfile, name.
    path: { type: 'string', minLength: 1, aliases: ['dest', 'destfile', 'name'] },
    regexp: { type: 'string', minLength: 1 },
    replace: { type: 'string' },
    after: { type: 'string', minLength: 1 },
    before: { type: 'string', minLength: 1 },
    // A content change first copies the file to <path>.<pid>.<YYYY-MM-DD@HH:MM:SS~> (result `backup_file`).
    backup: { type: 'boolean' },
    // A command with %s (the new text in a temp file) that must exit 0 before the file is replaced.
    validate: { type: 'string' },
    // The file's encoding, a Python codec name (default utf-8); see lineEditEncoding.ts for those known.
    encoding: { type: 'string', minLength: 1 },
    mode: modeSchema,
    owner: { type: 'string' },
    // Accepted with no effect: writes are always atomic (Ansible falls back to unsafe writes only when a rename fails).
    unsafe_writes: { type: 'boolean' },
    group: { type: 'string' },
  },
  required: ['regexp', 'path'],
  additionalProperties: false,
} as const;

export type ReplaceArgs = FromSchema<typeof replaceSchema>;

/** What probe read: the file, and the attributes wanted. */
export interface ReplaceFacts {
  state: TextFile;
  wanted: WantedAttributes;
  codec?: TextCodec;
}

const fileOf = (args: ReplaceArgs): string => args.path;

function* probeReplace(args: ReplaceArgs, view: ModuleView): Probe<ReplaceFacts> {
  const wanted = wantedAttributes(args);
  // An encoding fleetplay does not know is refused before anything is read.
  const codec = textCodec(args.encoding);
  return { state: yield* probeTextFile(view, fileOf(args), codec), wanted, ...(codec ? { codec } : {}) };
}

function decideReplace(args: ReplaceArgs, facts: ReplaceFacts): Decision<TextEditChange> {
  const file = fileOf(args);
  const { state } = facts;
  const spec: ReplaceSpec = {
    regexp: args.regexp,
    replace: args.replace ?? '',
    ...(args.after !== undefined ? { after: args.after } : {}),
    ...(args.before !== undefined ? { before: args.before } : {}),
  };
  if (state.type === 'unknown') return { kind: 'unknown', msg: state.msg };
  // Ansible's words.
  if (state.type === 'absent') return missingFile(state, `Path ${file} does not exist !`);
  // Ansible's words for a directory.
  if (state.type === 'directory') return { kind: 'failed', msg: `Path ${file} is a directory !` };
  let edit: TextEdit & { exits?: true };
  try {
    // Ansible reads any other file (a device) as text: its pattern and template are judged as for a file,
    // but fleetplay edits regular files only.
    if (state.type !== 'file') substitute(pythonRegex(spec.regexp, { multiline: true }), spec.replace, '');
    if (state.type !== 'file') return { kind: 'failed', msg: `${file} is not a regular file (${state.type})` };
    edit = replaceText(state.content, spec);
  } catch (err) {
    if (err instanceof ReplaceFailure) return { kind: 'failed', msg: err.message };
    if (err instanceof RegexError) return { kind: 'failed', msg: `replace: ${err.message}` };
    throw err;
  }
  // Ansible exits there, with its message as it is and without setting mode, owner or group.
  if (edit.exits) return { kind: 'ok', msg: edit.msg, data: { path: file } };
  return decideTextEdit(file, state, edit, facts.wanted, [], {
    ansibleMessages: true,
    ...(args.backup === true ? { backupKey: 'backup_file' as const } : {}),
    ...(args.validate ? { validate: args.validate } : {}),
    ...(facts.codec ? { codec: facts.codec } : {}),
  });
}

/** The replace module. */
export const replaceModule = defineModule<ReplaceArgs, ReplaceFacts, TextEditChange>({
  name: 'replace',
  summary: 'Substitute every match of a regex in a file.',
  runsOn: 'host',
  schema: replaceSchema,
  probe: probeReplace,
  decide: decideReplace,
  apply: applyTextEdit,
  predict: (decision, predicted) => predictTextEdit(decision, predicted),
});
