// What every filter module shares: the FilterSpec shape and small helpers for arguments, lists and mappings.
import { problem } from '../error.ts';
import type { BoundArgs, Signature } from '../signature.ts';
import { isBlockedKey, isMapping, type Mapping, mappingKeys, MAX_VALUE_LENGTH, ownValue, truthy, typeName } from '../values.ts';

/** One filter: its parameters and the transformation itself. */
export interface FilterSpec {
  signature: Signature;
  /** When true the input may be undefined (a missing variable or attribute) without an error. */
  acceptsUndefined?: boolean;
  apply(value: unknown, args: BoundArgs): unknown;
}

/** A filter's names (the first is the canonical one) and its spec. */
export type FilterEntry = [string[], FilterSpec];

/** The signature of a filter without arguments. */
export const NO_ARGS: Signature = { params: [], required: 0 };

/** A filter without arguments. */
export const simple = (apply: (value: unknown) => unknown): FilterSpec => ({ signature: NO_ARGS, apply });

/** A filter whose optional parameters are `params`, in order. */
export const withParams = (params: string[], apply: (value: unknown, args: BoundArgs) => unknown, required = 0): FilterSpec => ({
  signature: { params, required },
  apply,
});

/** The argument `name`, or `fallback` when it was not given or is none. */
export function arg(args: BoundArgs, name: string, fallback?: unknown): unknown {
  const value = args.values.get(name);
  return value === undefined || value === null ? fallback : value;
}

/** A boolean flag argument (Python truthiness), `fallback` when not given. */
export function flag(args: BoundArgs, name: string, fallback = false): boolean {
  const value = args.values.get(name);
  return value === undefined ? fallback : truthy(value);
}

/** A whole-number argument, `fallback` when not given; anything else is a problem naming the filter. */
export function wholeArg(args: BoundArgs, name: string, fallback: number, filter: string): number {
  const value = arg(args, name, fallback);
  if (typeof value !== 'number' || !Number.isInteger(value))
    return problem(`${filter}: ${name} must be a whole number, not ${typeName(value)}`);
  return value;
}

/** The items a value iterates over: list items, string characters, mapping keys. */
export function itemsOf(value: unknown, filter: string): unknown[] {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'string') return Array.from(value);
  if (isMapping(value)) return mappingKeys(value);
  return problem(`${filter}: '${typeName(value)}' is not iterable`);
}

/** A list input (lists only), or a problem naming the filter. */
export function listOf(value: unknown, filter: string): unknown[] {
  if (Array.isArray(value)) return value;
  return problem(`${filter}: expected a list, got ${typeName(value)}`);
}

/** A mapping input, or a problem naming the filter. */
export function mappingOf(value: unknown, filter: string): Mapping {
  if (isMapping(value)) return value;
  return problem(`${filter}: expected a mapping, got ${typeName(value)}`);
}

/** The [key, value] pairs of a mapping, safe keys only. */
export function entriesOf(mapping: Mapping): Array<[string, unknown]> {
  return mappingKeys(mapping).map((key) => [key, ownValue(mapping, key)]);
}

/** Sets `key` on a mapping being built (defineProperty, so no setter on Object.prototype is reached). */
export function setKey(mapping: Mapping, key: unknown, value: unknown, filter: string): void {
  if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean' && key !== null) {
    problem(`${filter}: a mapping key must be a string or number, not ${typeName(key)}`);
  }
  const name = key === null ? 'None' : key === true ? 'True' : key === false ? 'False' : String(key);
  if (isBlockedKey(name)) problem(`${filter}: '${name}' cannot be used as a mapping key`);
  Object.defineProperty(mapping, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A new mapping from pairs, later keys winning. */
export function mappingFrom(pairs: Iterable<readonly [unknown, unknown]>, filter: string): Mapping {
  const mapping: Mapping = {};
  for (const [key, value] of pairs) setKey(mapping, key, value, filter);
  return mapping;
}

/** Refuses a list that would grow past MAX_VALUE_LENGTH items. */
export function checkLength(length: number, filter: string): void {
  if (length > MAX_VALUE_LENGTH) problem(`${filter}: the result would be longer than ${MAX_VALUE_LENGTH} items`);
}

/** Reads a dotted attribute path ('a.b.0') from an item as Jinja's attribute= arguments do; undefined when missing. */
export function attributePath(item: unknown, path: unknown): unknown {
  if (typeof path === 'number') return readStep(item, path);
  if (typeof path !== 'string') return problem(`attribute must be a string, not ${typeName(path)}`);
  let value = item;
  for (const part of path.split('.')) {
    if (value === undefined) return undefined;
    value = readStep(value, /^\d+$/.test(part) ? Number(part) : part);
  }
  return value;
}

function readStep(container: unknown, key: string | number): unknown {
  if (Array.isArray(container) || typeof container === 'string') {
    if (typeof key !== 'number') return undefined;
    return key < container.length ? (typeof container === 'string' ? container[key] : ownValue(container, String(key))) : undefined;
  }
  return isMapping(container) ? ownValue(container, String(key)) : undefined;
}

/** Items a filter may visit when it walks a value (JSON, YAML, merges): shared sub-structures make small values huge. */
export const MAX_WALK_ITEMS = 250_000;

/** Counts the items one walk visits; `what` completes "value is too large to …". */
export class WalkBudget {
  private left: number;

  constructor(
    private readonly what: string,
    private readonly limit = MAX_WALK_ITEMS,
  ) {
    this.left = limit;
  }

  /** Counts one item; a problem once the walk is over its limit. */
  step(): void {
    if (--this.left < 0) problem(`value is too large to ${this.what} (over ${this.limit} items)`);
  }
}
