// The variables Ansible's template module adds for every template it renders (generate_ansible_template_vars):
// ansible_managed with Ansible's default text, the template's path and dest, and the controller host and file owner.
// template_mtime and template_run_date (Python datetimes, a new value each run) are not provided.
import { lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Ansible's default `ansible_managed` text (the DEFAULT_MANAGED_STR setting). */
export const ANSIBLE_MANAGED = 'Ansible managed';

/** The template variables for the template file `file`, as Ansible sets them; they take precedence over the task's. */
export function templateVars(file: string, destPath?: string): Record<string, unknown> {
  const vars: Record<string, unknown> = {
    ansible_managed: ANSIBLE_MANAGED,
    ...(destPath !== undefined ? { template_destpath: destPath } : {}),
    template_path: file,
    template_fullpath: path.resolve(file),
    template_host: os.hostname(),
  };
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat) vars.template_uid = ownerName(stat.uid);
  return vars;
}

// The owner's user name when it is this process's user (Node has no lookup of other users), else the uid, as
// Ansible falls back to when the name is unknown.
function ownerName(uid: number): string {
  try {
    const me = os.userInfo();
    if (me.uid === uid) return me.username;
  } catch {
    // No user entry for this process: the number is all there is.
  }
  return String(uid);
}
