// lookup('vars', 'name_' + suffix): a variable whose name is computed; `default` when it is not defined.
import { problem } from '../expr/error.ts';
import { isBlockedKey, isMapping, ownValue } from '../expr/values.ts';
import { stringTerm, type LookupPlugin } from './types.ts';

/** vars: the value of each variable named (rendered, as every variable is when read). */
export const varsLookup: LookupPlugin = {
  options: ['default'],
  run(terms, options, place) {
    return terms.map((term) => {
      const name = stringTerm(term, 'vars');
      const value = isBlockedKey(name) ? undefined : readVar(place.vars, name);
      if (value !== undefined) return value;
      // As Ansible: a default of None counts as no default.
      const fallback = options.get('default');
      if (fallback !== undefined && fallback !== null) return fallback;
      return problem(`No variable found with this name: ${name}`);
    });
  },
};

// The task's variable, else hostvars[inventory_hostname][name] as Ansible falls back to.
function readVar(vars: object, name: string): unknown {
  const direct = ownValue(vars, name);
  if (direct !== undefined) return direct;
  const hostvars = ownValue(vars, 'hostvars');
  const host = ownValue(vars, 'inventory_hostname');
  if (!hostvars || typeof hostvars !== 'object' || typeof host !== 'string') return undefined;
  const mine = ownValue(hostvars, host);
  return mine && typeof mine === 'object' && (isMapping(mine) || !Array.isArray(mine)) ? ownValue(mine, name) : undefined;
}
