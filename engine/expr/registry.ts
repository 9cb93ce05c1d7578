// Finds filters and tests by the name written in an expression, plain (`lower`) or qualified (`ansible.builtin.lower`).
import { FILTERS, type FilterSpec } from './filters.ts';
import { TESTS, type TestSpec } from './is-tests.ts';

// Collections whose filters and tests are the built-in ones under a qualified name.
const BUILTIN_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** The name without a built-in collection prefix: `ansible.builtin.match` → `match`; other names unchanged. */
export function shortName(name: string): string {
  const prefix = BUILTIN_PREFIXES.find((p) => name.startsWith(p));
  return prefix ? name.slice(prefix.length) : name;
}

/** The filter called `name` (as written, or without its `ansible.builtin.` prefix), or undefined. */
export function findFilter(name: string): FilterSpec | undefined {
  return FILTERS.get(name) ?? FILTERS.get(shortName(name));
}

/** The test called `name` (as written, or without its `ansible.builtin.` prefix), or undefined. */
export function findTest(name: string): TestSpec | undefined {
  return TESTS.get(name) ?? TESTS.get(shortName(name));
}
