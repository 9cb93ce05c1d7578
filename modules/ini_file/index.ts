// ini_file (community.general.ini_file): set, add or remove options and sections of an INI-style file.
// The probe reads the file in one command, decide computes the new text with Ansible's rules (ini.ts),
// apply writes it atomically (with an optional backup), predict records it for check mode.
import path from 'node:path';
import { defineModule, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { RegexError } from '../../engine/regex/index.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import { wantedAttributes, type WantedAttributes } from '../lib/attributes.ts';
import {
  applyTextEdit,
  decideTextEdit,
  missingFile,
  predictTextEdit,
  probeTextFile,
  type TextEditChange,
  type TextFile,
} from '../lib/lineEdit.ts';
import { probeMkdir } from '../lib/parentDir.ts';
import { editIni, normalizeIniText, type IniSpec } from './ini.ts';
import { iniFileSchema, type IniFileArgs } from './schema.ts';

/** What probe found: an argument problem (nothing read), or the file and, for a new one, its directories. */
export type IniFileFacts =
  | { problem: string }
  | { spec: IniSpec; wanted: WantedAttributes; state: TextFile; mkdir?: { created: string[]; problem?: string } };

/** A change: the text edit, and whether to back the old file up first. */
export interface IniFileChange extends TextEditChange {
  backup: boolean;
}

/** Python's str() of a scalar argument (Ansible converts numbers and booleans given for a str option). */
function pyStr(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** The arguments after Ansible's defaults and checks; a string is the failure message. */
export function iniSpec(args: IniFileArgs): IniSpec | string {
  const state = args.state ?? 'present';
  const allowNoValue = args.allow_no_value === true;
  const given = args.value !== undefined && args.value !== null ? [args.value] : (args.values ?? []);
  const values = [...new Set(given.map(pyStr))];
  if (state === 'present' && !allowNoValue && (args.value === undefined || args.value === null) && values.length === 0) {
    return "Parameter 'value(s)' must be defined if state=present and allow_no_value=False.";
  }
  const option = args.option ?? undefined;
  const section = args.section ? args.section : undefined;
  // Ansible here drops the lines before the first section and the first section's header too (its
  // made-up section's end marker is removed in their place): refused rather than reproduced.
  if (state === 'absent' && !option && section === undefined) {
    return 'state=absent needs an option or a section (without both, Ansible would also remove the first section header)';
  }
  const sectionHas = args.section_has_values?.map((c) => ({
    option: c.option,
    values: c.value !== undefined && c.value !== null ? [pyStr(c.value)] : (c.values ?? []).map(pyStr),
  }));
  return {
    ...(section !== undefined ? { section } : {}),
    ...(sectionHas ? { sectionHas } : {}),
    ...(option ? { option } : {}),
    values,
    state,
    exclusive: args.exclusive !== false,
    noExtraSpaces: args.no_extra_spaces === true,
    ignoreSpaces: args.ignore_spaces === true,
    allowNoValue,
    modifyInactiveOption: args.modify_inactive_option !== false,
  };
}

function* probeIniFile(args: IniFileArgs, view: ModuleView): Probe<IniFileFacts> {
  const spec = iniSpec(args);
  if (typeof spec === 'string') return { problem: spec };
  const wanted = wantedAttributes(args);
  const state = yield* probeTextFile(view, args.path);
  if (state.type !== 'absent' || args.create === false) return { spec, wanted, state };
  // A new file's missing directories are made (os.makedirs): which ones, read in both modes so check
  // mode (through earlier tasks' predictions) and the real run agree.
  const dir = path.posix.dirname(target(args, state));
  if (state.parentExists && !(view.check && view.predicted.file(dir))) return { spec, wanted, state };
  return { spec, wanted, state, mkdir: yield* probeMkdir(view, dir) };
}

/** The path written: the link itself unless follow (Ansible replaces a link by a file), else the real path. */
function target(args: IniFileArgs, state: TextFile): string {
  return args.follow === true ? state.path : args.path;
}

function decideIniFile(args: IniFileArgs, facts: IniFileFacts): Decision<IniFileChange> {
  if ('problem' in facts) return { kind: 'failed', msg: facts.problem };
  const file = args.path;
  const data = { path: file };
  const { spec, wanted, state } = facts;
  if (state.type === 'unknown') return { kind: 'unknown', msg: state.msg };
  if (state.type === 'directory' || state.type === 'other')
    return { kind: 'failed', msg: `${file} is not a regular file (${state.type})`, data };
  if (state.type === 'absent' && args.create === false) return { ...missingFile(state, `Destination ${file} does not exist!`), data };
  const before = state.type === 'file' ? normalizeIniText(state.content) : '';
  let edit: ReturnType<typeof editIni>;
  try {
    edit = editIni(before, spec);
  } catch (err) {
    if (err instanceof RegexError) return { kind: 'failed', msg: `ini_file: ${err.message}`, data };
    throw err;
  }
  // Nothing to write into a missing file: nothing is created, and there are no attributes to set.
  if (state.type === 'absent' && !edit.changed) return { kind: 'ok', msg: edit.msg, data };
  const at: TextFile = { ...state, path: target(args, state) };
  let decision: Decision<TextEditChange>;
  if (state.type === 'absent' && facts.mkdir) {
    if (facts.mkdir.problem) return { kind: 'failed', msg: facts.mkdir.problem, data };
    decision = decideTextEdit(
      file,
      { ...state, path: at.path, parentExists: facts.mkdir.created.length === 0 },
      edit,
      wanted,
      facts.mkdir.created,
    );
  } else {
    // The diff's before is the text as Ansible read it (BOM dropped, newlines normalized).
    decision = decideTextEdit(file, at.type === 'file' ? { ...at, content: before } : at, edit, wanted);
  }
  // The result's msg is Ansible's ('OK', 'option added', 'option changed', 'section removed', ...): playbooks test it.
  if (decision.kind === 'ok') return { ...decision, msg: edit.msg };
  if (decision.kind !== 'change') return decision;
  return {
    ...decision,
    msg: edit.msg,
    change: { ...decision.change, msg: edit.msg, backup: args.backup === true && state.type === 'file' },
  };
}

/** Ansible's backup name: `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~`, copied with its attributes. */
export function backupCommand(file: string): string {
  const p = shellQuote(file);
  return `b=${p}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${p} "$b" && printf '%s' "$b"`;
}

async function applyIniFile(change: IniFileChange, host: ModuleHost): Promise<ApplyOutcome> {
  let backupFile: string | undefined;
  if (change.backup && change.content !== undefined) {
    const r = await host.run(backupCommand(change.path));
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot back up ${change.file}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
    backupFile = r.stdout;
  }
  const out = await applyTextEdit(change, host);
  return backupFile !== undefined ? { ...out, data: { ...out.data, backup_file: backupFile } } : out;
}

/** The ini_file module. */
export const iniFileModule = defineModule<IniFileArgs, IniFileFacts, IniFileChange>({
  name: 'ini_file',
  summary: 'Set, add or remove options and sections of an INI-style file.',
  runsOn: 'host',
  schema: iniFileSchema,
  probe: probeIniFile,
  decide: decideIniFile,
  apply: applyIniFile,
  predict: (decision, predicted) => predictTextEdit(decision, predicted),
});
