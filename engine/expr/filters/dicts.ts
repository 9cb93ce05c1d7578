// Mapping filters: combine, dict2items, items2dict, dict, dict_kv, dictsort, items, groupby, subelements, extract.
import { problem } from '../error.ts';
import type { BoundArgs } from '../signature.ts';
import { deepEqual, isMapping, type Mapping, ownValue, readMember, toText, typeName } from '../values.ts';
import { pyCompare, sortKey } from './order.ts';
import {
  arg,
  attributePath,
  entriesOf,
  type FilterEntry,
  flag,
  itemsOf,
  listOf,
  mappingFrom,
  mappingOf,
  setKey,
  simple,
  WalkBudget,
  withParams,
} from './spec.ts';

const LIST_MERGE = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];
const MAX_MERGE_DEPTH = 100;

// Ansible's merge_hash: `high` wins; nested mappings merge when recursive; lists follow list_merge.
function mergeHash(low: Mapping, high: Mapping, recursive: boolean, listMerge: string, budget: WalkBudget, depth = 0): Mapping {
  if (depth > MAX_MERGE_DEPTH) return problem('combine: the mappings are nested too deeply');
  budget.step();
  const out = mappingFrom(entriesOf(low), 'combine');
  for (const [key, highValue] of entriesOf(high)) {
    const lowValue = ownValue(out, key);
    let merged = highValue;
    if (Object.hasOwn(out, key)) {
      if (isMapping(lowValue) && isMapping(highValue)) {
        merged = recursive ? mergeHash(lowValue, highValue, recursive, listMerge, budget, depth + 1) : highValue;
      } else if (Array.isArray(lowValue) && Array.isArray(highValue)) {
        merged = mergeLists(lowValue, highValue, listMerge);
      }
    }
    setKey(out, key, merged, 'combine');
  }
  return out;
}

function mergeLists(low: unknown[], high: unknown[], listMerge: string): unknown[] {
  const notInHigh = (): unknown[] => low.filter((item) => !high.some((other) => deepEqual(item, other)));
  switch (listMerge) {
    case 'keep':
      return low;
    case 'append':
      return [...low, ...high];
    case 'prepend':
      return [...high, ...low];
    case 'append_rp':
      return [...notInHigh(), ...high];
    case 'prepend_rp':
      return [...high, ...notInHigh()];
    default:
      return high;
  }
}

// Ansible's combine: the input and the arguments (lists of mappings are spliced in), later ones winning.
function combine(value: unknown, args: BoundArgs): Mapping {
  const recursive = flag(args, 'recursive');
  const listMerge = arg(args, 'list_merge', 'replace');
  if (typeof listMerge !== 'string' || !LIST_MERGE.includes(listMerge)) {
    return problem(`combine: 'list_merge' argument can only be equal to ${LIST_MERGE.map((m) => `'${m}'`).join(', ')}`);
  }
  const terms = [value, ...args.rest].flatMap((term) => (Array.isArray(term) ? term : [term]));
  const mappings = terms.map((term) =>
    isMapping(term) ? term : problem(`combine: failed to combine variables, expected dicts but got a '${typeName(term)}'`),
  );
  if (mappings.length === 0) return {};
  const budget = new WalkBudget('combine');
  return mappings.slice(1).reduce((low, high) => mergeHash(low, high, recursive, listMerge, budget), mappings[0] as Mapping);
}

function dict2items(value: unknown, args: BoundArgs): Mapping[] {
  if (!isMapping(value)) return problem(`dict2items requires a dictionary, got ${typeName(value)} instead.`);
  const keyName = arg(args, 'key_name', 'key');
  const valueName = arg(args, 'value_name', 'value');
  return entriesOf(value).map(([key, item]) =>
    mappingFrom(
      [
        [keyName, key],
        [valueName, item],
      ],
      'dict2items',
    ),
  );
}

function items2dict(value: unknown, args: BoundArgs): Mapping {
  const keyName = toText(arg(args, 'key_name', 'key'));
  const valueName = toText(arg(args, 'value_name', 'value'));
  const list = listOf(value, 'items2dict');
  return mappingFrom(
    list.map((item) => {
      if (!isMapping(item)) return problem(`items2dict requires a list of dictionaries, got ${typeName(item)} in the list`);
      for (const name of [keyName, valueName]) {
        if (!Object.hasOwn(item, name))
          problem(`items2dict: an item has no '${name}' key (key_name='${keyName}', value_name='${valueName}')`);
      }
      return [ownValue(item, keyName), ownValue(item, valueName)] as const;
    }),
    'items2dict',
  );
}

// community.general.dict (Python's dict()): a mapping from [key, value] pairs, or a copy of a mapping.
function toDict(value: unknown): Mapping {
  if (isMapping(value)) return mappingFrom(entriesOf(value), 'dict');
  return mappingFrom(
    listOf(value, 'dict').map((pair) => {
      const parts = Array.isArray(pair) ? pair : typeof pair === 'string' ? Array.from(pair) : [];
      if (parts.length !== 2)
        return problem(`dict: each item must be a [key, value] pair, got ${typeName(pair)} of length ${parts.length}`);
      return [parts[0], parts[1]] as const;
    }),
    'dict',
  );
}

// Jinja's dictsort(case_sensitive=False, by='key', reverse=False): [key, value] pairs in order.
function dictsort(value: unknown, args: BoundArgs): unknown[][] {
  const by = arg(args, 'by', 'key');
  if (by !== 'key' && by !== 'value') return problem("dictsort: you can only sort by either 'key' or 'value'");
  const caseSensitive = flag(args, 'case_sensitive');
  const fold = (x: unknown): unknown => (!caseSensitive && typeof x === 'string' ? x.toLowerCase() : x);
  const sign = flag(args, 'reverse') ? -1 : 1;
  const pairs = entriesOf(mappingOf(value, 'dictsort'));
  pairs.sort((a, b) => sign * pyCompare(fold(by === 'key' ? a[0] : a[1]), fold(by === 'key' ? b[0] : b[1])));
  return pairs.map(([k, v]) => [k, v]);
}

// Ansible's extract: container[item], then each of morekeys in turn; undefined when a key is missing.
function extract(value: unknown, args: BoundArgs): unknown {
  const more = args.values.get('morekeys');
  const keys = more === undefined || more === null ? [value] : Array.isArray(more) ? [value, ...more] : [value, more];
  let current = args.values.get('container');
  for (const key of keys) {
    if (current === undefined) return undefined;
    current = readMember(current, key);
  }
  return current;
}

// Ansible's subelements: [item, sub] pairs for every sub in each item's list at `path` (dotted or a list of keys).
function subelements(value: unknown, args: BoundArgs): unknown[][] {
  const items = isMapping(value) ? entriesOf(value).map(([, item]) => item) : Array.isArray(value) ? value : undefined;
  if (!items) return problem('subelements: obj must be a list of dicts or a nested dict');
  const path = args.values.get('subelements');
  const keys = Array.isArray(path)
    ? path
    : typeof path === 'string'
      ? path.split('.')
      : problem('subelements: subelements must be a list or a string');
  const skipMissing = flag(args, 'skip_missing');
  const out: unknown[][] = [];
  for (const item of items) {
    let values: unknown = item;
    for (const key of keys) {
      if (!isMapping(values)) return problem(`subelements: the key ${toText(key)} should point to a dictionary, got ${typeName(values)}`);
      if (!Object.hasOwn(values, toText(key)) || ownValue(values, toText(key)) === undefined) {
        if (skipMissing) {
          values = [];
          break;
        }
        return problem(`subelements: could not find '${toText(key)}' key in iterated item`);
      }
      values = ownValue(values, toText(key));
    }
    if (!Array.isArray(values))
      return problem(`subelements: the key '${keys.map(toText).join('.')}' should point to a list, got ${typeName(values)}`);
    for (const sub of values) out.push([item, sub]);
  }
  return out;
}

// Jinja's groupby(attribute, default=None, case_sensitive=False): [key, items] pairs sorted by key; the key
// shown is the first item's own (not lower-cased) value.
function groupby(value: unknown, args: BoundArgs): unknown[][] {
  const attribute = args.values.get('attribute');
  const caseSensitive = flag(args, 'case_sensitive');
  const read = (item: unknown): unknown => {
    const found = attributePath(item, attribute);
    if (found !== undefined) return found;
    if (args.values.has('default')) return args.values.get('default');
    return problem(`groupby: an item has no attribute '${toText(attribute)}'`);
  };
  const keyed = itemsOf(value, 'groupby').map((item) => ({ item, key: sortKey(read(item), undefined, caseSensitive) }));
  keyed.sort((a, b) => pyCompare(a.key, b.key));
  const groups: Array<{ key: unknown; items: unknown[] }> = [];
  for (const { item, key } of keyed) {
    const last = groups.at(-1);
    if (last && pyCompare(last.key, key) === 0) last.items.push(item);
    else groups.push({ key, items: [item] });
  }
  return groups.map(({ items }) => [read(items[0]), items]);
}

/** The mapping filters. */
export const DICT_FILTERS: FilterEntry[] = [
  [['combine'], { signature: { params: [], required: 0, variadic: true, keywordOnly: ['recursive', 'list_merge'] }, apply: combine }],
  [['dict2items'], withParams(['key_name', 'value_name'], dict2items)],
  [['items2dict'], withParams(['key_name', 'value_name'], items2dict)],
  [['dict'], simple(toDict)],
  [['dictsort'], withParams(['case_sensitive', 'by', 'reverse'], dictsort)],
  [['items'], simple((v) => entriesOf(mappingOf(v, 'items')).map(([k, x]) => [k, x]))],
  [['subelements'], withParams(['subelements', 'skip_missing'], subelements, 1)],
  [['groupby'], { signature: { params: ['attribute'], required: 1, keywordOnly: ['default', 'case_sensitive'] }, apply: groupby }],
  // community.general.dict_kv: `value | dict_kv('key')` is {key: value}.
  [['dict_kv'], withParams(['key'], (v, a) => mappingFrom([[a.values.get('key'), v]], 'dict_kv'), 1)],
  [['extract'], withParams(['container', 'morekeys'], extract, 1)],
];
