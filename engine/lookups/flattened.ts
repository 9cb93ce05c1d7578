// lookup('flattened', …) and with_flattened (community.general): nested lists flattened completely.
import { problem } from '../expr/error.ts';
import type { LookupPlugin } from './types.ts';

const MAX_DEPTH = 100;

function flatten(value: unknown, out: unknown[], depth: number): void {
  if (depth > MAX_DEPTH) problem(`with_flattened: lists nest more than ${MAX_DEPTH} deep`);
  if (Array.isArray(value)) for (const v of value) flatten(v, out, depth + 1);
  else out.push(value);
}

/** flattened: every non-list value of the terms, in order. */
export const flattenedLookup: LookupPlugin = {
  options: [],
  run(terms) {
    const out: unknown[] = [];
    flatten(terms, out, 0);
    return out;
  },
};
