// Filters that apply a test or another filter to every item: select, reject, selectattr, rejectattr and map.
import { problem } from '../error.ts';
import { TESTS } from '../is-tests.ts';
import { bindArgs, callMismatch, type BoundArgs } from '../signature.ts';
import { truthy, typeName } from '../values.ts';
import { pythonType } from './convert.ts';
import { attributePath, type FilterEntry, type FilterSpec, itemsOf } from './spec.ts';

/** Finds a filter by name; given by the module that assembles the map, so this one does not import it. */
export type FilterLookup = (name: string) => FilterSpec | undefined;

// Keyword arguments select/map pass on to their test or filter (`select('match', 'x', ignorecase=true)`):
// every parameter name of any filter or test, registered by the module that assembles the filters, so a
// name no filter or test has is still refused when the expression is parsed.
const SELECT_KEYWORDS: string[] = [];
const MAP_KEYWORDS: string[] = ['attribute', 'default'];

/** Lets select, reject, selectattr, rejectattr and map take `names` as keyword arguments for their test or filter. */
export function passKeywords(names: Iterable<string>): void {
  for (const name of names) {
    for (const list of [SELECT_KEYWORDS, MAP_KEYWORDS]) if (!list.includes(name)) list.push(name);
  }
}

// The keyword arguments given to select/map for its test or filter: every bound value but its own parameters.
function passedOn(args: BoundArgs, own: readonly string[]): Map<string, unknown> {
  return new Map([...args.values].filter(([name]) => !own.includes(name)));
}

// Binds arguments to a test's or filter's signature, with the same checks as a written call.
function bind(
  spec: { signature: FilterSpec['signature'] },
  positional: readonly unknown[],
  named: ReadonlyMap<string, unknown>,
  what: string,
): BoundArgs {
  const mismatch = callMismatch(spec.signature, positional.length, [...named.keys()]);
  if (mismatch) problem(`${what} ${mismatch}`);
  return bindArgs(spec.signature, positional, named);
}

/** `value is name(args...)`; without a name, the value's truthiness (Jinja's select() with no test). */
function passes(
  value: unknown,
  test: unknown,
  extra: readonly unknown[],
  named: ReadonlyMap<string, unknown>,
  missing: string | undefined,
): boolean {
  if (test === undefined || test === null) {
    if (value === undefined) return problem(missing ?? 'value is undefined');
    return truthy(value);
  }
  if (typeof test !== 'string') return problem(`a test name must be a string, not ${typeName(test)}`);
  const spec = TESTS.get(test) ?? TESTS.get(test.replace(/^ansible\.(builtin|legacy)\./, ''));
  if (!spec) return problem(`no test named '${test}'`);
  if (value === undefined && !spec.acceptsUndefined) return problem(missing ?? 'value is undefined');
  return spec.check(value, bind(spec, extra, named, `test '${test}'`));
}

// Jinja's select/reject: items for which the test (args.rest are its arguments) passes, or fails.
function select(keep: boolean) {
  return (value: unknown, args: BoundArgs): unknown[] =>
    itemsOf(value, keep ? 'select' : 'reject').filter(
      (item) => passes(item, args.values.get('test'), args.rest, passedOn(args, ['test']), undefined) === keep,
    );
}

// Jinja's selectattr/rejectattr: the same, on an attribute (dotted path) of each item.
function selectAttr(keep: boolean) {
  return (value: unknown, args: BoundArgs): unknown[] => {
    const attribute = args.values.get('attribute');
    return itemsOf(value, keep ? 'selectattr' : 'rejectattr').filter((item) => {
      const missing = `'${pythonType(item)} object' has no attribute '${String(attribute)}'`;
      return (
        passes(attributePath(item, attribute), args.values.get('test'), args.rest, passedOn(args, ['attribute', 'test']), missing) === keep
      );
    });
  };
}

// Jinja's map: each item through a filter (args.rest are its arguments), or each item's attribute (default= when missing).
function map(lookup: FilterLookup) {
  return (value: unknown, args: BoundArgs): unknown[] => {
    const items = itemsOf(value, 'map');
    const attribute = args.values.get('attribute');
    const name = args.values.get('filter');
    if (attribute !== undefined) {
      if (name !== undefined) return problem('map: give either a filter name or attribute=, not both');
      const unexpected = [...passedOn(args, ['attribute', 'default']).keys()][0];
      if (unexpected !== undefined) return problem(`map: unexpected keyword argument '${unexpected}'`);
      return items.map((item) => {
        const found = attributePath(item, attribute);
        if (found !== undefined) return found;
        if (args.values.has('default')) return args.values.get('default');
        return problem(`'${pythonType(item)} object' has no attribute '${String(attribute)}'`);
      });
    }
    if (typeof name !== 'string') return problem('map: expected a filter name or attribute=');
    const spec = lookup(name);
    if (!spec) return problem(`map: no filter named '${name}'`);
    const bound = bind(spec, args.rest, passedOn(args, ['filter']), `filter '${name}'`);
    return items.map((item) => {
      const result = spec.apply(item, bound);
      return result === undefined ? problem(`map: filter '${name}' gave an undefined value`) : result;
    });
  };
}

/** The select/reject/map family; `lookup` finds the filters map() applies. */
export function higherOrderFilters(lookup: FilterLookup): FilterEntry[] {
  const variadic = (params: string[], required: number, apply: FilterSpec['apply'], keywordOnly: string[]): FilterSpec => ({
    signature: { params, required, variadic: true, keywordOnly },
    apply,
  });
  return [
    [['select'], variadic(['test'], 0, select(true), SELECT_KEYWORDS)],
    [['reject'], variadic(['test'], 0, select(false), SELECT_KEYWORDS)],
    [['selectattr'], variadic(['attribute', 'test'], 1, selectAttr(true), SELECT_KEYWORDS)],
    [['rejectattr'], variadic(['attribute', 'test'], 1, selectAttr(false), SELECT_KEYWORDS)],
    [['map'], variadic(['filter'], 0, map(lookup), MAP_KEYWORDS)],
  ];
}
