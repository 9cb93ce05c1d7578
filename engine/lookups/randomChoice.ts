// lookup('random_choice', 'a', 'b') and with_random_choice: one of the terms, picked at random (unseeded, as Ansible).
import { randomInt } from 'node:crypto';
import type { LookupPlugin } from './types.ts';

/** random_choice: a list of one term picked at random (none for no terms). */
export const randomChoiceLookup: LookupPlugin = {
  options: [],
  run: (terms) => (terms.length === 0 ? [] : [terms[randomInt(terms.length)]]),
};
