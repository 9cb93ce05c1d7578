// lookup('items', a, b) and with_items: the terms, lists among them flattened one level.
import { flattenOnce, type LookupPlugin } from './types.ts';

/** items: the terms flattened one level. */
export const itemsLookup: LookupPlugin = { options: [], run: (terms) => flattenOnce(terms) };
