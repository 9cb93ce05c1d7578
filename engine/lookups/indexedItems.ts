// lookup('indexed_items', list) and with_indexed_items: [index, item] pairs of the items flattened one level.
import { flattenOnce, type LookupPlugin } from './types.ts';

/** indexed_items: [0, first], [1, second], … */
export const indexedItemsLookup: LookupPlugin = {
  options: [],
  run: (terms) => flattenOnce(terms).map((item, i) => [i, item]),
};
