// unique and the set filters (union, intersect, difference, symmetric_difference), keeping first occurrences in order.
import type { BoundArgs } from '../signature.ts';
import { compareBudget, deepEqual } from '../values.ts';
import { arg, attributePath, type FilterEntry, flag, itemsOf, listOf, withParams } from './spec.ts';

/** Python's == for membership: 1, 1.0 and True are one value; lists and mappings compare deeply. */
class PySet {
  private readonly scalars = new Set<string>();
  private readonly others: unknown[] = [];
  private readonly budget = compareBudget();

  /** Adds `value`; false when an equal value was there already. */
  add(value: unknown): boolean {
    if (this.has(value)) return false;
    const key = scalarKey(value);
    if (key === undefined) this.others.push(value);
    else this.scalars.add(key);
    return true;
  }

  /** Whether an equal value is in the set. */
  has(value: unknown): boolean {
    const key = scalarKey(value);
    if (key !== undefined) return this.scalars.has(key);
    return this.others.some((other) => deepEqual(other, value, this.budget));
  }
}

function scalarKey(value: unknown): string | undefined {
  if (typeof value === 'boolean') return `n:${Number(value)}`;
  if (typeof value === 'number') return `n:${value}`;
  if (typeof value === 'string') return `s:${value}`;
  if (value === null) return 'null';
  return undefined;
}

function dedupe(items: readonly unknown[], key: (item: unknown) => unknown = (item) => item): unknown[] {
  const seen = new PySet();
  return items.filter((item) => seen.add(key(item)));
}

/** Values of `items` also (or, with `keep` false, not) in `other`, by Python equality. */
function members(items: readonly unknown[], other: readonly unknown[], keep: boolean): unknown[] {
  const set = new PySet();
  for (const item of other) set.add(item);
  return items.filter((item) => set.has(item) === keep);
}

// Jinja's unique, as Ansible calls it: case-insensitive unless case_sensitive=true; attribute= picks the key.
function unique(value: unknown, args: BoundArgs): unknown[] {
  const caseSensitive = flag(args, 'case_sensitive');
  const attribute = arg(args, 'attribute');
  return dedupe(itemsOf(value, 'unique'), (item) => {
    const key = attribute === undefined ? item : attributePath(item, attribute);
    return !caseSensitive && typeof key === 'string' ? key.toLowerCase() : key;
  });
}

const union = (a: unknown[], b: unknown[]): unknown[] => dedupe([...a, ...b]);
const intersect = (a: unknown[], b: unknown[]): unknown[] => dedupe(members(a, b, true));

const binary = (name: string, op: (a: unknown[], b: unknown[]) => unknown[]) =>
  withParams(['other'], (value, args) => op(listOf(value, name), listOf(args.values.get('other'), name)), 1);

/** The set filters. Unlike unique, they compare strings case-sensitively (as Ansible 2.14 does). */
export const SET_FILTERS: FilterEntry[] = [
  [['unique'], withParams(['case_sensitive', 'attribute'], unique)],
  [['union'], binary('union', union)],
  [['intersect'], binary('intersect', intersect)],
  [['difference'], binary('difference', (a, b) => dedupe(members(a, b, false)))],
  [['symmetric_difference'], binary('symmetric_difference', (a, b) => members(union(a, b), intersect(a, b), false))],
];
