// lookup('env', 'HOME'): the controller's environment variables, `default` when one is not set ('' unless told).
import type { LookupPlugin } from './types.ts';
import { stringTerm } from './types.ts';

/** env: one value per variable name (the first word of each term, as Ansible). */
export const envLookup: LookupPlugin = {
  options: ['default'],
  run(terms, options) {
    const fallback = options.has('default') ? options.get('default') : '';
    return terms.map((term) => {
      const name = stringTerm(term, 'env').trim().split(/\s+/)[0] ?? '';
      return Object.hasOwn(process.env, name) ? process.env[name] : fallback;
    });
  },
};
