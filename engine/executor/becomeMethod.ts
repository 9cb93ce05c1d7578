// The ansible_become_method variable at run time: fleetplay becomes another user through sudo or su. A
// task that would become another user with the variable naming another method fails, located, rather
// than running through sudo unnoticed (the keyword is checked at validate: playbook/scopeExtras.ts).
import { FleetError } from '../errors.ts';
import type { SourceLocation, Vars } from '../types.ts';

/** Throws when become is on and `ansible_become_method` names a method other than sudo or su. */
export function refuseBecomeMethod(becomes: boolean, vars: Vars, where: SourceLocation): void {
  const method = vars.ansible_become_method;
  if (!becomes || method === undefined || method === null || method === 'sudo' || method === 'su') return;
  throw new FleetError(
    'playbook',
    `ansible_become_method '${String(method)}' is not supported: fleetplay becomes another user through sudo or su`,
    { location: where },
  );
}
