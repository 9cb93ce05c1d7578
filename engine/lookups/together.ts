// lookup('together', [1, 2], ['a', 'b']) and with_together: lists zipped, the shorter ones padded with None.
import { problem } from '../expr/error.ts';
import type { LookupPlugin } from './types.ts';

/** together: [first of each, second of each, …], as Python's zip_longest. */
export const togetherLookup: LookupPlugin = {
  options: [],
  run(terms) {
    if (terms.length === 0) return problem('with_together requires at least one element in each list');
    const lists = terms.map((t) => (Array.isArray(t) ? t : [t]));
    const length = Math.max(...lists.map((l) => l.length));
    return Array.from({ length }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
  },
};
