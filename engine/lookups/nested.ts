// lookup('nested', ['a', 'b'], [1, 2]) and with_nested / with_cartesian: every combination of the lists'
// items, in order, each a list; an item that is itself a list is spliced into the combination (Ansible's _flatten).
import { problem } from '../expr/error.ts';
import { build } from '../expr/build-budget.ts';
import type { LookupPlugin } from './types.ts';

/** Most combinations one nested loop makes. */
export const MAX_COMBINATIONS = 100_000;

function splice(parts: readonly unknown[]): unknown[] {
  return parts.flatMap((p) => (Array.isArray(p) ? p : [p]));
}

function product(terms: readonly unknown[], name: string): unknown[] {
  if (terms.length === 0) return problem(`with_${name} requires at least one element in each list`);
  const lists = terms.map((t) => (Array.isArray(t) ? t : [t]));
  const total = lists.reduce((n, l) => n * l.length, 1);
  if (total > MAX_COMBINATIONS) return problem(`with_${name} would make ${total} items (at most ${MAX_COMBINATIONS})`);
  build(total, `with_${name}`);
  let out: unknown[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((x) => splice([...prefix, x])));
  return out;
}

/** nested: the combinations of the lists (a single list gives one-item lists). */
export const nestedLookup: LookupPlugin = { options: [], run: (terms) => product(terms, 'nested') };

/** cartesian (community.general): the same combinations as nested. */
export const cartesianLookup: LookupPlugin = { options: [], run: (terms) => product(terms, 'cartesian') };
