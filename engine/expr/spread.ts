// Jinja's `*list` and `**mapping` in a call's arguments: what they add to the positional and named ones.
import { problem } from './error.ts';
import { isBlockedKey, isMapping, mappingKeys, ownValue, typeName } from './values.ts';

/** The items `*value` adds to a call's positional arguments (Python iterates: a list, a text's characters, a mapping's keys). */
export function spreadItems(value: unknown): unknown[] {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return mappingKeys(value);
  return problem(`argument after * must be an iterable, not ${typeName(value)}`);
}

/** Adds the entries of `**value` to `named`; a name given twice is an error, as in Python. */
export function spreadNamed(value: unknown, named: Map<string, unknown>): void {
  if (!isMapping(value)) problem(`argument after ** must be a mapping, not ${typeName(value)}`);
  for (const key of mappingKeys(value)) {
    if (isBlockedKey(key)) problem(`'${key}' cannot be used as an argument name`);
    if (named.has(key)) problem(`got multiple values for keyword argument '${key}'`);
    named.set(key, ownValue(value, key));
  }
}
