// lookup('list', …) and with_list: the terms as they are.
import type { LookupPlugin } from './types.ts';

/** list: the terms unchanged. */
export const listLookup: LookupPlugin = { options: [], run: (terms) => [...terms] };
