// List filters: first, last, length, flatten, zip, product, combinations, permutations, min, max, sum, sort, reverse, batch, slice.
import { problem } from '../error.ts';
import type { BoundArgs } from '../signature.ts';
import { isMapping, mappingKeys, typeName } from '../values.ts';
import { pyCompare, sortKey } from './order.ts';
import {
  arg,
  attributePath,
  checkLength,
  type FilterEntry,
  flag,
  itemsOf,
  listOf,
  simple,
  WalkBudget,
  wholeArg,
  withParams,
} from './spec.ts';

const MAX_FLATTEN_DEPTH = 100;

function length(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isMapping(value)) return mappingKeys(value).length;
  return problem(`object of type '${typeName(value)}' has no length`);
}

// Ansible's flatten: nested lists spliced in (to `levels` deep); None, 'None' and 'null' dropped unless skip_nulls=false.
function flatten(list: readonly unknown[], levels: number, skipNulls: boolean, budget: WalkBudget, depth = 0): unknown[] {
  if (depth > MAX_FLATTEN_DEPTH) return problem('flatten: the list is nested too deeply');
  const out: unknown[] = [];
  for (const item of list) {
    budget.step();
    if (skipNulls && (item === null || item === 'None' || item === 'null')) continue;
    if (Array.isArray(item) && levels >= 1) out.push(...flatten(item, levels - 1, skipNulls, budget, depth + 1));
    else out.push(item);
    checkLength(out.length, 'flatten');
  }
  return out;
}

function flattenFilter(value: unknown, args: BoundArgs): unknown[] {
  const levels = arg(args, 'levels');
  if (levels !== undefined && (typeof levels !== 'number' || !Number.isInteger(levels)))
    return problem('flatten: levels must be a whole number');
  return flatten(listOf(value, 'flatten'), levels ?? Infinity, flag(args, 'skip_nulls', true), new WalkBudget('flatten'));
}

// Python's zip (shortest input) and itertools.zip_longest (longest, padded with fillvalue).
function zip(value: unknown, args: BoundArgs, longest: boolean): unknown[][] {
  const name = longest ? 'zip_longest' : 'zip';
  const lists = [value, ...args.rest].map((list) => itemsOf(list, name));
  const lengths = lists.map((list) => list.length);
  const size = longest ? Math.max(...lengths) : Math.min(...lengths);
  const fill = args.values.get('fillvalue') ?? null;
  return Array.from({ length: size }, (_, i) => lists.map((list) => (i < list.length ? list[i] : fill)));
}

// Jinja's min and max: case-insensitive for strings by default, optionally by attribute; the first of equals wins.
function extreme(value: unknown, args: BoundArgs, sign: 1 | -1): unknown {
  const items = itemsOf(value, sign < 0 ? 'min' : 'max');
  if (items.length === 0) return problem('No aggregated item, sequence was empty.');
  const caseSensitive = flag(args, 'case_sensitive');
  const attribute = arg(args, 'attribute');
  let best = items[0];
  let bestKey = sortKey(best, attribute, caseSensitive);
  for (const item of items.slice(1)) {
    const key = sortKey(item, attribute, caseSensitive);
    if (pyCompare(key, bestKey) * sign > 0) [best, bestKey] = [item, key];
  }
  return best;
}

// Jinja's sum(attribute=None, start=0): numbers add up; with a list start, lists concatenate.
function sum(value: unknown, args: BoundArgs): unknown {
  const attribute = arg(args, 'attribute');
  let total = arg(args, 'start', 0);
  for (const item of itemsOf(value, 'sum')) {
    const term = attribute === undefined ? item : attributePath(item, attribute);
    const x = typeof total === 'boolean' ? Number(total) : total;
    const y = typeof term === 'boolean' ? Number(term) : term;
    if (typeof x === 'number' && typeof y === 'number') total = x + y;
    else if (Array.isArray(x) && Array.isArray(y)) {
      checkLength(x.length + y.length, 'sum');
      total = [...x, ...y];
    } else return problem(`sum: unsupported operand type(s) for +: '${typeName(total)}' and '${typeName(term)}'`);
  }
  return total;
}

// Jinja's sort(reverse, case_sensitive, attribute): stable, strings compared case-insensitively by default.
function sort(value: unknown, args: BoundArgs): unknown[] {
  const caseSensitive = flag(args, 'case_sensitive');
  const attribute = arg(args, 'attribute');
  const keyed = itemsOf(value, 'sort').map((item) => ({ item, key: sortKey(item, attribute, caseSensitive) }));
  const sign = flag(args, 'reverse') ? -1 : 1;
  keyed.sort((a, b) => sign * pyCompare(a.key, b.key));
  return keyed.map((entry) => entry.item);
}

function batch(value: unknown, args: BoundArgs): unknown[][] {
  const size = wholeArg(args, 'linecount', 1, 'batch');
  if (size < 1) return problem('batch: linecount must be at least 1');
  const items = itemsOf(value, 'batch');
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  const fill = args.values.get('fill_with');
  const last = out.at(-1);
  if (fill !== undefined && fill !== null && last) while (last.length < size) last.push(fill);
  return out;
}

// Jinja's slice: `slices` columns, the first (length % slices) one item longer; fill_with pads the shorter ones.
function slice(value: unknown, args: BoundArgs): unknown[][] {
  const slices = wholeArg(args, 'slices', 1, 'slice');
  if (slices < 1) return problem('slice: slices must be at least 1');
  checkLength(slices, 'slice');
  const items = itemsOf(value, 'slice');
  const per = Math.floor(items.length / slices);
  const extra = items.length % slices;
  const fill = args.values.get('fill_with');
  const out: unknown[][] = [];
  let offset = 0;
  for (let n = 0; n < slices; n++) {
    const start = offset + n * per;
    if (n < extra) offset++;
    const part = items.slice(start, offset + (n + 1) * per);
    if (fill !== undefined && fill !== null && n >= extra) part.push(fill);
    out.push(part);
  }
  return out;
}

// Python's itertools.product of the input and the other lists.
function product(value: unknown, args: BoundArgs): unknown[][] {
  const lists = [value, ...args.rest].map((list) => itemsOf(list, 'product'));
  checkLength(
    lists.reduce((n, list) => n * list.length, 1),
    'product',
  );
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]]);
}

// itertools.combinations(items, r) and itertools.permutations(items, r): tuples in itertools' order.
function arrangements(value: unknown, args: BoundArgs, ordered: boolean): unknown[][] {
  const items = itemsOf(value, ordered ? 'permutations' : 'combinations');
  const size = wholeArg(args, 'r', items.length, ordered ? 'permutations' : 'combinations');
  const out: unknown[][] = [];
  const pick = (chosen: number[]): void => {
    if (chosen.length === size) {
      out.push(chosen.map((i) => items[i]));
      checkLength(out.length, ordered ? 'permutations' : 'combinations');
      return;
    }
    const from = ordered ? 0 : (chosen.at(-1) ?? -1) + 1;
    for (let i = from; i < items.length; i++) if (!chosen.includes(i)) pick([...chosen, i]);
  };
  if (size >= 0 && size <= items.length) pick([]);
  return out;
}

const variadic = (apply: (value: unknown, args: BoundArgs) => unknown, keywordOnly: string[] = []) => ({
  signature: { params: [], required: 0, variadic: true, keywordOnly },
  apply,
});

/** The list filters. */
export const LIST_FILTERS: FilterEntry[] = [
  [['length', 'count'], simple(length)],
  [['first'], simple((v) => itemsOf(v, 'first')[0])],
  [['last'], simple((v) => itemsOf(v, 'last').at(-1))],
  [['flatten'], withParams(['levels', 'skip_nulls'], flattenFilter)],
  [['zip'], variadic((v, a) => zip(v, a, false))],
  [['zip_longest'], variadic((v, a) => zip(v, a, true), ['fillvalue'])],
  [['product'], variadic(product)],
  [['combinations'], withParams(['r'], (v, a) => arrangements(v, a, false), 1)],
  [['permutations'], withParams(['r'], (v, a) => arrangements(v, a, true))],
  [['min'], withParams(['case_sensitive', 'attribute'], (v, a) => extreme(v, a, -1))],
  [['max'], withParams(['case_sensitive', 'attribute'], (v, a) => extreme(v, a, 1))],
  [['sum'], withParams(['attribute', 'start'], sum)],
  [['sort'], withParams(['reverse', 'case_sensitive', 'attribute'], sort)],
  [['reverse'], simple((v) => (typeof v === 'string' ? Array.from(v).reverse().join('') : itemsOf(v, 'reverse').reverse()))],
  [['batch'], withParams(['linecount', 'fill_with'], batch, 1)],
  [['slice'], withParams(['slices', 'fill_with'], slice, 1)],
];
