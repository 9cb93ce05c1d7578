// apply for lineinfile and replace: writes the edited text atomically, with Ansible's `backup` (a copy of
// the file as the task names it, `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS~>`, made before the write) and
// `validate` (the new text in a temp file beside the file, replaced only if the command exits 0).
import type { ModuleHost } from '../../engine/module.ts';
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, ResultData } from '../../engine/types.ts';
import { attributeCommands, type WantedAttributes } from './attributes.ts';
import { replaceFile } from './replaceFile.ts';
import { writeRemoteFile } from './writeFile.ts';

/**
 * The command that copies `file` aside (mode, owner and times kept, as Ansible's backup_local) when it
 * exists, printing the suffix `<pid>.<local time>~` it used; nothing when the file is missing.
 */
export function backupCommand(file: string): string {
  const p = shellQuote(operandPath(file));
  return `if [ -e ${p} ]; then s=$$.$(date '+%Y-%m-%d@%H:%M:%S~') && cp -p -- ${p} ${p}."$s" && printf '%s' "$s"; fi`;
}

/** What writeEditedText needs of a text edit (lineEdit.ts's TextEditChange). */
export interface EditedText {
  /** The path as the task wrote it, and the real path written. */
  file: string;
  path: string;
  content?: string | Buffer;
  wanted: WantedAttributes;
  mkdir?: string;
  msg: string;
  backupKey?: 'backup' | 'backup_file';
  validate?: string;
}

/** Writes the new content (after the backup, through validate when asked), or sets the attributes only. */
export async function writeEditedText(change: EditedText, host: ModuleHost): Promise<ApplyOutcome> {
  const data: ResultData = { path: change.file };
  if (change.content === undefined) {
    const r = await host.run(attributeCommands(shellQuote(change.path), change.wanted).join(' && '));
    if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}`, data };
    return { kind: 'changed', msg: change.msg, data };
  }
  if (change.mkdir !== undefined) {
    const r = await host.run(`mkdir -p -- ${shellQuote(change.mkdir)}`);
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot create the directory of ${change.file}: ${r.stderr.trim()}`, data };
  }
  if (change.backupKey) {
    const r = await host.run(backupCommand(change.file));
    if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot back up ${change.file}: ${r.stderr.trim() || `exit ${r.exitCode}`}`, data };
    const suffix = r.stdout.trim();
    // lineinfile always reports `backup` ('' when there was nothing to copy); replace `backup_file` only when made.
    if (suffix || change.backupKey === 'backup') data[change.backupKey] = suffix ? `${change.file}.${suffix}` : '';
  }
  if (change.validate === undefined) {
    await writeRemoteFile(host, change.path, change.content, change.wanted);
    return { kind: 'changed', msg: change.msg, data };
  }
  const done = await replaceFile(host, change.path, { kind: 'upload', content: change.content }, change.wanted, {
    validate: change.validate,
  });
  if (done.ok) return { kind: 'changed', msg: change.msg, data };
  // Ansible's lineinfile and replace: "failed to validate: rc:<status> error:<stderr>"; the file is untouched.
  if (done.data?.exit_status === undefined) return { kind: 'failed', msg: done.msg, data };
  const stderr = String(done.data.stderr ?? '');
  return {
    kind: 'failed',
    msg: `failed to validate: rc:${String(done.data.exit_status)} error:${stderr}`,
    data: { ...data, ...done.data },
  };
}
