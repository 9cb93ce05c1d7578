// kernel_blacklist (community.general): make sure a `blacklist <name>` line is in a modprobe file, or is not.
//
// As Ansible: the line matches `^blacklist\s+<name>$` once stripped, comment lines aside; present appends
// `blacklist <name>`, absent drops every matching line; a change rewrites the file with each line
// right-stripped and ending in a newline. A missing file is created, empty for state: absent, and that
// counts as a change (Ansible opens it for appending first); its directory must exist (Ansible fails
// otherwise, and so does this). The write is atomic (temp file beside the real path, renamed), keeps an
// existing file's mode and owner and follows a symlink; a new file gets 0644.
//
// Check mode reads the file through the predicted state (the items of a loop see each other's lines) and
// records the file with its text. Ansible creates a missing file even in check mode; this does not.
import path from 'node:path';
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { applyTextEdit, decideTextEdit, predictTextEdit, probeTextFile, type TextEditChange, type TextFile } from '../lib/lineEdit.ts';
import { editBlacklist } from './lines.ts';
import { kernelBlacklistSchema, type KernelBlacklistArgs } from './schema.ts';

export { blacklists, editBlacklist, fileLines, isBlacklisted } from './lines.ts';

/** Ansible's default file. */
export const DEFAULT_BLACKLIST_FILE = '/etc/modprobe.d/blacklist-ansible.conf';

const fileOf = (args: KernelBlacklistArgs): string => args.blacklist_file ?? DEFAULT_BLACKLIST_FILE;

/** The file, read through check mode's prediction; a directory an earlier task would create counts as there. */
function* probeKernelBlacklist(args: KernelBlacklistArgs, view: ModuleView): Probe<TextFile> {
  const state = yield* probeTextFile(view, fileOf(args));
  if (state.type !== 'absent' || state.parentExists || !view.check) return state;
  return { ...state, parentExists: view.predicted.file(path.posix.dirname(state.path))?.type === 'directory' };
}

/** Pure: ok, failed, unknown, or the file's new text. */
export function decideKernelBlacklist(args: KernelBlacklistArgs, state: TextFile): Decision<TextEditChange> {
  const file = fileOf(args);
  const name = args.name;
  const present = args.state !== 'absent';
  const data = { name, state: present ? 'present' : 'absent', path: file };
  if (state.type === 'unknown') return { kind: 'unknown', msg: state.msg };
  if (state.type === 'directory' || state.type === 'other')
    return { kind: 'failed', msg: `${file} is not a regular file (${state.type})`, data };
  if (state.type === 'absent' && !state.parentExists) {
    return { kind: 'failed', msg: `cannot create ${file}: directory ${path.posix.dirname(state.path)} does not exist`, data };
  }
  const before = state.type === 'file' ? state.content : '';
  const after = editBlacklist(before, name, present);
  const verb = present ? `add blacklist ${name}` : `remove blacklist ${name}`;
  if (after === undefined && state.type === 'file') {
    return { kind: 'ok', msg: present ? `${name} is blacklisted in ${file}` : `${name} is not blacklisted in ${file}`, data };
  }
  // A missing file is created, empty when there is nothing to remove.
  const content = after ?? '';
  const msg = after === undefined ? `create ${file} (empty, as Ansible does)` : `${verb} in ${file}`;
  const d = decideTextEdit(file, state, { content, changed: true, msg: verb }, {});
  if (d.kind !== 'change') return d;
  // The result data as Ansible's: name, state and the file's lines.
  return { ...d, msg, change: { ...d.change, msg }, data: { ...data, lines: content.split('\n').slice(0, -1) } };
}

/** The kernel_blacklist module. */
export const kernelBlacklistModule = defineModule<KernelBlacklistArgs, TextFile, TextEditChange>({
  name: 'kernel_blacklist',
  summary: 'A `blacklist <name>` line in a modprobe file, or none.',
  runsOn: 'host',
  schema: kernelBlacklistSchema,
  probe: probeKernelBlacklist,
  decide: (args, state) => decideKernelBlacklist(args, state),
  apply: applyTextEdit,
  predict: (decision, predicted) => predictTextEdit(decision, predicted),
});
