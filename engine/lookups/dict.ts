// lookup('dict', mapping) and with_dict: a mapping as a list of {key, value} items, in the mapping's order.
import { problem } from '../expr/error.ts';
import { isMapping, mappingKeys, ownValue } from '../expr/values.ts';
import type { LookupPlugin } from './types.ts';

/** dict: one {key, value} per entry of each mapping term. */
export const dictLookup: LookupPlugin = {
  options: [],
  run(terms) {
    const out: unknown[] = [];
    for (const term of terms) {
      if (!isMapping(term)) return problem('with_dict expects a dict');
      for (const key of mappingKeys(term)) out.push({ key, value: ownValue(term, key) });
    }
    return out;
  },
};
