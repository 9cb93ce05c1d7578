// The global functions an expression may call: Jinja's range() and dict(), Ansible's now(), and lookup() / query()
// / q(), which run through a hook the caller provides (the expression language itself reads no files).
import { build } from './build-budget.ts';
import { problem } from './error.ts';
import { own } from './owned.ts';
import { pythonDateTime, strftime } from './strftime.ts';
import { isBlockedKey, isMapping, mappingKeys, ownValue, typeName } from './values.ts';

/** Runs lookup plugin `name` on `terms`; `wantList` for query()/q() or `wantlist=True`. Provided by the caller. */
export type LookupHook = (name: string, terms: readonly unknown[], options: ReadonlyMap<string, unknown>, wantList: boolean) => unknown;

/** What evaluation may reach beyond the variables. */
export interface EvalContext {
  /** Lookup plugins for lookup(), query() and q(); without it those calls are an error. */
  lookup?: LookupHook;
  /**
   * Leave the lists and mappings the expression built changeable by later append / update calls (a
   * template's `{% set x = [] %}`). By default a result is released, so a value stored as a variable
   * (set_fact, vars) is never changed by a later expression.
   */
  keepOwned?: boolean;
}

/** A global function: an argument check done when parsing, and the call. */
export interface FunctionSpec {
  /** Why `positional` arguments and the `named` ones do not fit, or undefined when they do. */
  mismatch(positional: number, named: readonly string[]): string | undefined;
  call(positional: readonly unknown[], named: ReadonlyMap<string, unknown>, context: EvalContext): unknown;
}

/** Longest list range() builds (Jinja's sandbox limit). */
export const MAX_RANGE = 100_000;

function range(positional: readonly unknown[]): number[] {
  for (const arg of positional)
    if (typeof arg !== 'number' || !Number.isInteger(arg)) problem(`range() takes integers, not ${typeName(arg)}`);
  const [a = 0, b, c = 1] = positional as number[];
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  if (c === 0) return problem('range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / c));
  if (count > MAX_RANGE) return problem(`range() is limited to ${MAX_RANGE} items`);
  build(count, 'range()');
  return Array.from({ length: count }, (_, i) => start + i * c);
}

// dict(mapping_or_pairs, **kwargs): a new mapping, built with defineProperty so no key reaches a setter.
function dict(positional: readonly unknown[], named: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: unknown, value: unknown): void => {
    if (typeof key !== 'string' && typeof key !== 'number') problem(`dict() keys must be strings or numbers, not ${typeName(key)}`);
    if (isBlockedKey(String(key))) problem(`'${String(key)}' cannot be used as a mapping key`);
    Object.defineProperty(out, String(key), { value, enumerable: true, writable: true, configurable: true });
  };
  const source = positional[0];
  if (isMapping(source)) for (const key of mappingKeys(source)) put(key, ownValue(source, key));
  else if (Array.isArray(source)) {
    for (const pair of source) {
      if (!Array.isArray(pair) || pair.length !== 2) problem('dict() needs a list of [key, value] pairs');
      put(pair[0], pair[1]);
    }
  } else if (source !== undefined) problem(`dict() cannot convert a ${typeName(source)}`);
  for (const [key, value] of named) put(key, value);
  return out;
}

function lookup(wantList: boolean): FunctionSpec {
  return {
    mismatch: (positional) => (positional < 1 ? 'needs the name of a lookup plugin' : undefined),
    call(positional, named, context) {
      const [name, ...terms] = positional;
      if (typeof name !== 'string') return problem(`the lookup plugin name must be a string, not ${typeName(name)}`);
      if (!context.lookup) return problem(`lookup plugins are not available here (lookup '${name}')`);
      const options = new Map(named);
      const listed = wantList || options.get('wantlist') === true;
      options.delete('wantlist');
      return context.lookup(name, terms, options, listed);
    },
  };
}

function nowMismatch(positional: number, named: readonly string[]): string | undefined {
  if (positional > 2) return 'takes at most 2 arguments (utc, fmt)';
  const unknown = named.find((n) => n !== 'utc' && n !== 'fmt');
  return unknown ? `has no argument '${unknown}' (utc, fmt)` : undefined;
}

// Ansible's now(utc=False, fmt=None): the time on the controller, formatted with strftime when fmt is
// given. Without fmt Ansible returns a datetime object; here it is its text (`2024-01-31 12:00:00.000000`).
function now(positional: readonly unknown[], named: ReadonlyMap<string, unknown>): string {
  const utc = named.get('utc') ?? positional[0] ?? false;
  const fmt = named.get('fmt') ?? positional[1];
  if (typeof utc !== 'boolean') return problem(`now(): utc must be a boolean, not ${typeName(utc)}`);
  if (fmt !== undefined && fmt !== null && typeof fmt !== 'string') return problem(`now(): fmt must be a string, not ${typeName(fmt)}`);
  const date = new Date();
  return typeof fmt === 'string' ? strftime(date, fmt, utc) : pythonDateTime(date, utc);
}

/** Every global function by name. A Map, so names like 'constructor' are simply absent. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  [
    'range',
    {
      mismatch: (positional, named) =>
        named.length > 0 ? 'takes no keyword arguments' : positional < 1 || positional > 3 ? 'takes 1 to 3 arguments' : undefined,
      call: (positional) => own(range(positional)),
    },
  ],
  [
    'dict',
    { mismatch: (positional) => (positional > 1 ? 'takes at most 1 positional argument' : undefined), call: (p, n) => own(dict(p, n)) },
  ],
  ['now', { mismatch: nowMismatch, call: (p, n) => now(p, n) }],
  ['lookup', lookup(false)],
  ['query', lookup(true)],
  ['q', lookup(true)],
]);
