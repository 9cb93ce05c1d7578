// The user a task logs in as. Ansible's order, lowest to highest: the command line (-u), the
// `remote_user` keyword (task over block over role entry over play), then a variable: `ansible_user`
// (or `ansible_ssh_user`) wins over the keyword wherever it is set (inventory, play vars, set_fact,
// -e), as Ansible's precedence rules put variables above playbook keywords. The connection keeps one
// login per (host, user) (engine/connection/userPool.ts); a user equal to the connection's own uses it.
import { FleetError } from '../errors.ts';
import type { EvalContext } from '../expr/index.ts';
import { renderString } from '../template/render.ts';
import type { KeywordText, Vars } from '../types.ts';

/**
 * The login user for a task with `vars` and its effective remote_user keyword, or undefined when
 * neither a variable nor the keyword names one (the connection's own user then stands).
 */
export function remoteUserFor(keyword: KeywordText | undefined, vars: Vars, context?: EvalContext): string | undefined {
  const byVar = text(vars.ansible_user) ?? text(vars.ansible_ssh_user);
  if (byVar !== undefined) return byVar;
  if (!keyword) return undefined;
  const user = String(renderString(keyword.value, vars, keyword.location, context) ?? '').trim();
  if (user === '') throw new FleetError('expression', 'remote_user rendered to an empty user name', { location: keyword.location });
  return user;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
