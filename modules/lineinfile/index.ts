// lineinfile: make sure one line is in a file (or is not), with Ansible's regexp/insertafter/backrefs rules.
import path from 'node:path';
import { defineModule, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import type { ApplyOutcome, ResultData } from '../../engine/types.ts';
import { RegexError } from '../../engine/regex/index.ts';
import { wantedAttributes, type WantedAttributes } from '../lib/attributes.ts';
import {
  missingFile,
  applyTextEdit,
  decideTextEdit,
  predictTextEdit,
  probeTextFile,
  type TextEdit,
  type TextEditChange,
  type TextEditOptions,
  type TextFile,
} from '../lib/lineEdit.ts';
import { probeMkdir } from '../lib/parentDir.ts';
import { ensureAbsent, ensurePresent, lineSpec, splitLines, type LineSpec } from './lines.ts';
import { lineinfileSchema, type LineinfileArgs } from './schema.ts';

/** What probe found: an argument problem (nothing read), or the file and, for a create, its directories. */
export type LineinfileFacts =
  | { problem: string }
  | {
      spec: LineSpec;
      wanted: WantedAttributes;
      state: TextFile;
      /** create: true in a directory that is missing (or that check mode predicts): what `mkdir -p` would do. */
      mkdir?: { created: string[]; problem?: string };
    };

const fileOf = (args: LineinfileArgs): string => args.path;

/** The edit of the file's lines; a RegexError when a pattern is too costly for it or a backrefs group is missing. */
function edit(args: LineinfileArgs, spec: LineSpec, content: string): TextEdit {
  const lines = splitLines(content);
  return args.state !== 'absent' ? ensurePresent(lines, spec) : ensureAbsent(lines, spec);
}

function* probeLineinfile(args: LineinfileArgs, view: ModuleView): Probe<LineinfileFacts> {
  const present = args.state !== 'absent';
  if (args.backrefs === true && args.regexp === undefined) return { problem: 'backrefs needs regexp' };
  if (!present && args.regexp === undefined && args.search_string === undefined && args.line === undefined) {
    return { problem: 'state: absent needs one of line, regexp or search_string' };
  }
  let spec: LineSpec;
  try {
    spec = lineSpec(args);
  } catch (err) {
    if (err instanceof RegexError) return { problem: `lineinfile: ${err.message}` };
    throw err;
  }
  const wanted = wantedAttributes(args);
  const state = yield* probeTextFile(view, fileOf(args));
  if (state.type !== 'absent' || !present || args.create !== true) return { spec, wanted, state };
  // As in Ansible, a missing file is only created when the edit adds something; create: true makes the
  // missing directories too (mkdir -p), which fails under a file: read here in both modes, so check mode
  // (which predicts the directories) and the real run agree.
  let adds: boolean;
  try {
    adds = edit(args, spec, '').changed;
  } catch {
    return { spec, wanted, state };
  }
  if (!adds || (state.parentExists && !(view.check && view.predicted.file(path.posix.dirname(state.path))))) return { spec, wanted, state };
  return { spec, wanted, state, mkdir: yield* probeMkdir(view, path.posix.dirname(state.path)) };
}

/** backup (reported as `backup`, as Ansible's lineinfile) and validate. */
function options(args: LineinfileArgs): TextEditOptions {
  return {
    ansibleMessages: true,
    ...(args.backup === true ? { backupKey: 'backup' as const } : {}),
    ...(args.validate ? { validate: args.validate } : {}),
  };
}

/** A text edit, with the fields Ansible's lineinfile adds to its result (warnings, diff). */
type LineChange = TextEditChange & { extra?: ResultData };

/** Ansible's warnings for an empty regexp or search_string, which match every line. */
function warningsOf(args: LineinfileArgs): string[] {
  const every =
    'which will match every line in the file. This may have unintended consequences, ' +
    'such as replacing the last line in the file rather than appending.';
  return [
    ...(args.regexp === ''
      ? [
          `The regular expression is an empty string, ${every} If this is desired, use '^' to match every line in the file and avoid this warning.`,
        ]
      : []),
    ...(args.search_string === '' ? [`The search string is an empty string, ${every}`] : []),
  ];
}

/**
 * Ansible's `diff` result field, which lineinfile returns whether or not diff mode is on: the content's and the
 * attributes' headers (the texts themselves only in diff mode, which fleetplay shows in its own diff instead).
 */
function diffField(file: string): ResultData[] {
  const header = (what: string) => ({ before_header: `${file} (${what})`, after_header: `${file} (${what})` });
  return [{ before: '', after: '', ...header('content') }, header('file attributes')];
}

/** The decision with Ansible's extra result fields (and them in the change, for apply's result). */
function decideWithExtras(args: LineinfileArgs, facts: LineinfileFacts): Decision<LineChange> {
  const decision = decideLineinfile(args, facts);
  const warnings = warningsOf(args);
  const extra: ResultData = {
    ...(warnings.length ? { warnings } : {}),
    ...(decision.kind === 'failed' || decision.kind === 'unknown' ? {} : { diff: diffField(args.path) }),
  };
  if (Object.keys(extra).length === 0) return decision;
  const data = { ...decision.data, ...extra };
  return decision.kind === 'change' ? { ...decision, data, change: { ...decision.change, extra } } : { ...decision, data };
}

/** Writes the change; its result carries Ansible's extra fields. */
async function applyLineinfile(change: LineChange, host: ModuleHost): Promise<ApplyOutcome> {
  const outcome = await applyTextEdit(change, host);
  return change.extra ? { ...outcome, data: { ...outcome.data, ...change.extra } } : outcome;
}

function decideLineinfile(args: LineinfileArgs, facts: LineinfileFacts): Decision<TextEditChange> {
  if ('problem' in facts) return { kind: 'failed', msg: facts.problem };
  const file = fileOf(args);
  const { state, spec, wanted } = facts;
  if (state.type === 'unknown') return { kind: 'unknown', msg: state.msg };
  // Ansible's words for a directory.
  if (state.type === 'directory') return { kind: 'failed', msg: `Path ${file} is a directory !` };
  if (state.type === 'other') return { kind: 'failed', msg: `${file} is not a regular file (${state.type})` };
  if (state.type === 'absent') {
    if (args.state === 'absent') return { kind: 'ok', msg: `${file} does not exist; nothing to remove`, data: { path: file } };
    // Ansible's words (create: true would make it).
    if (args.create !== true) return missingFile(state, `Destination ${file} does not exist !`);
  }
  let change: TextEdit;
  try {
    change = edit(args, spec, state.type === 'file' ? state.content : '');
  } catch (err) {
    // Too costly a pattern for this host's file, or a backrefs template naming a missing group.
    if (err instanceof RegexError) return { kind: 'failed', msg: `lineinfile: ${err.message}` };
    throw err;
  }
  if (state.type === 'absent' && !change.changed)
    return { kind: 'ok', msg: `${file} does not exist and ${change.msg}`, data: { path: file } };
  if (state.type === 'absent' && facts.mkdir) {
    if (facts.mkdir.problem) return { kind: 'failed', msg: facts.mkdir.problem, data: { path: file } };
    return decideTextEdit(
      file,
      { ...state, parentExists: facts.mkdir.created.length === 0 },
      change,
      wanted,
      facts.mkdir.created,
      options(args),
    );
  }
  return decideTextEdit(file, state, change, wanted, [], options(args));
}

/** The lineinfile module. */
export const lineinfileModule = defineModule<LineinfileArgs, LineinfileFacts, LineChange>({
  name: 'lineinfile',
  summary: 'Make sure one line is in a file (or is not).',
  runsOn: 'host',
  schema: lineinfileSchema,
  probe: probeLineinfile,
  decide: decideWithExtras,
  apply: applyLineinfile,
  predict: (decision, predicted) => predictTextEdit(decision, predicted),
});
