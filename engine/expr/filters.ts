// The filters of `x | name(...)`, assembled from the themed modules under filters/: every filter under its
// own name, its aliases, and its `ansible.builtin.` (or `community.general.`) collection name.
import { CONVERT_FILTERS } from './filters/convert.ts';
import { DICT_FILTERS } from './filters/dicts.ts';
import { ENCODING_FILTERS } from './filters/encoding.ts';
import { higherOrderFilters, passKeywords } from './filters/higher.ts';
import { LIST_FILTERS } from './filters/lists.ts';
import { MATH_FILTERS } from './filters/math.ts';
import { PATH_FILTERS } from './filters/paths.ts';
import { REGEX_FILTERS } from './filters/regex.ts';
import { SERIALIZE_FILTERS } from './filters/serialize.ts';
import { SET_FILTERS } from './filters/sets.ts';
import type { FilterEntry, FilterSpec } from './filters/spec.ts';
import { STRING_FILTERS } from './filters/strings.ts';
import { TESTS } from './is-tests.ts';

/** One filter: its parameters and the transformation itself. */
export type { FilterSpec } from './filters/spec.ts';
/** Ansible's `bool` conversion, shared with tests that read yes/no values. */
export { toBool } from './filters/convert.ts';

// Filters Ansible content calls by their community.general name (the rest are ansible.builtin).
const COMMUNITY_GENERAL = new Set(['dict', 'dict_kv', 'version_sort']);
// Jinja's own filters, which Ansible also lists as ansible.builtin (so every filter gets that name).

const byName = new Map<string, FilterSpec>();

const entries: FilterEntry[] = [
  ...CONVERT_FILTERS,
  ...STRING_FILTERS,
  ...REGEX_FILTERS,
  ...LIST_FILTERS,
  ...SET_FILTERS,
  ...DICT_FILTERS,
  ...PATH_FILTERS,
  ...ENCODING_FILTERS,
  ...SERIALIZE_FILTERS,
  ...MATH_FILTERS,
  ...higherOrderFilters((name) => byName.get(name)),
];

for (const [names, spec] of entries) {
  for (const name of names) {
    if (byName.has(name)) throw new Error(`filter '${name}' is defined twice`);
    byName.set(name, spec);
    byName.set(`${COMMUNITY_GENERAL.has(names[0] ?? '') ? 'community.general' : 'ansible.builtin'}.${name}`, spec);
  }
}

// select/map pass keyword arguments on to their test or filter: any parameter name of a filter or test.
passKeywords([...byName.values(), ...TESTS.values()].flatMap((spec) => [...spec.signature.params, ...(spec.signature.keywordOnly ?? [])]));

/** Every filter by name (aliases and collection names included). A Map, so names like 'constructor' are simply absent. */
export const FILTERS: ReadonlyMap<string, FilterSpec> = byName;

/** The closest filter name to an unknown one (for "did you mean"), or undefined when none is close. */
export function suggestFilter(name: string): string | undefined {
  const short = name.replace(/^(ansible\.builtin|community\.general)\./, '');
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(short.length / 3)) + 1;
  for (const candidate of byName.keys()) {
    if (candidate.includes('.')) continue;
    const distance = editDistance(short, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 64) return Infinity;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? Infinity;
}
