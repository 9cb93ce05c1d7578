// The user module's apply: one remote script (the account command, the password through chpasswd's stdin,
// a missing home made from /etc/skel), then the user's passwd entry for Ansible's result fields.
import type { ModuleHost } from '../../engine/module.ts';
import { shellCommand, shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, ResultData } from '../../engine/types.ts';
import { parseAccounts } from '../group/accounts.ts';
import type { UserChange } from './types.ts';

/** The script; its stdin is `name:password` when the change sets a password. */
export function userApplyScript(c: UserChange): string {
  const lines = ['set -e'];
  if (c.parent) lines.push(`mkdir -p -- ${shellQuote(c.parent)}`);
  if (c.argv) lines.push(shellCommand(...c.argv));
  // -e: the field is taken as it is (a hash, '!' first when locked); stdin keeps it off every command line.
  if (c.password !== undefined) lines.push('chpasswd -e');
  if (c.makeHome) {
    const h = shellQuote(c.makeHome.path);
    const n = shellQuote(c.name);
    lines.push(
      `if [ ! -e ${h} ]; then`,
      `  mkdir -p -- "$(dirname -- ${h})"`,
      `  if [ -d /etc/skel ]; then cp -a -- /etc/skel ${h}; else mkdir -- ${h}; fi`,
      `  chmod ${c.makeHome.mode} -- ${h}`,
      // -h: a link from /etc/skel is chowned itself, never what it points to.
      `  chown -R -h -- "$(id -u -- ${n}):$(id -g -- ${n})" ${h}`,
      'fi',
    );
  }
  lines.push('echo @@passwd', `getent passwd -- ${shellQuote(c.name)} || true`);
  return lines.join('\n');
}

/** Runs the change; the result carries the user's fields as the host has them after it. */
export async function applyUser(c: UserChange, host: ModuleHost): Promise<ApplyOutcome> {
  const r = await host.run(userApplyScript(c), c.password !== undefined ? { stdin: `${c.name}:${c.password}\n` } : undefined);
  if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}`, data: { name: c.name, rc: r.exitCode } };
  const user = parseAccounts(r.stdout).users.get(c.name);
  const data: ResultData = user ? { uid: user.uid, group: user.gid, comment: user.comment, home: user.home, shell: user.shell } : {};
  return { kind: 'changed', msg: c.done, data };
}
