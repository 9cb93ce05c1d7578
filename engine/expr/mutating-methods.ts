// The methods that change a list or mapping in place (append, extend, insert, update), allowed only on
// values the expression language built itself (see owned.ts). They return none, as in Python.
import { build } from './build-budget.ts';
import { problem } from './error.ts';
import type { MethodSpec } from './methods.ts';
import { isOwned } from './owned.ts';
import { isBlockedKey, isMapping, type Mapping, mappingKeys, MAX_VALUE_LENGTH, ownValue, typeName } from './values.ts';

function changeable<T extends object>(value: T, method: string): T {
  if (!isOwned(value)) {
    return problem(`${method}() can only change a list or mapping made by the expression or template itself, not a variable`);
  }
  return value;
}

function grow(list: unknown[], by: number, method: string): void {
  if (list.length + by > MAX_VALUE_LENGTH) problem(`${method}: the list would be longer than ${MAX_VALUE_LENGTH} items`);
  build(by, method);
}

// defineProperty, never assignment, so no key can reach a setter on Object.prototype.
function put(mapping: Mapping, key: unknown, value: unknown): void {
  if (typeof key !== 'string' && typeof key !== 'number') problem(`update: keys must be strings or numbers, not ${typeName(key)}`);
  if (isBlockedKey(String(key))) problem(`'${String(key)}' cannot be used as a mapping key`);
  Object.defineProperty(mapping, String(key), { value, enumerable: true, writable: true, configurable: true });
}

/** list.append / extend / insert. */
export const MUTATING_LIST_METHODS: ReadonlyMap<string, MethodSpec> = new Map<string, MethodSpec>([
  [
    'append',
    {
      params: ['value'],
      required: 1,
      call: (list: unknown[], a) => {
        grow(changeable(list, 'append'), 1, 'append');
        list.push(a.get('value'));
        return null;
      },
    },
  ],
  [
    'extend',
    {
      params: ['iterable'],
      required: 1,
      call: (list: unknown[], a) => {
        const more = a.get('iterable');
        const items = Array.isArray(more)
          ? [...more]
          : typeof more === 'string'
            ? [...more]
            : isMapping(more)
              ? mappingKeys(more)
              : undefined;
        if (!items) return problem(`extend: a ${typeName(more)} is not iterable`);
        grow(changeable(list, 'extend'), items.length, 'extend');
        for (const item of items) list.push(item);
        return null;
      },
    },
  ],
  [
    'insert',
    {
      params: ['index', 'value'],
      required: 2,
      call: (list: unknown[], a) => {
        const index = a.get('index');
        if (typeof index !== 'number' || !Number.isInteger(index)) return problem('insert: the index must be an integer');
        grow(changeable(list, 'insert'), 1, 'insert');
        const at = Math.min(list.length, Math.max(0, index < 0 ? index + list.length : index));
        list.splice(at, 0, a.get('value'));
        return null;
      },
    },
  ],
]);

/** dict.update(other, **kwargs). */
export const MUTATING_MAPPING_METHODS: ReadonlyMap<string, MethodSpec> = new Map<string, MethodSpec>([
  [
    'update',
    {
      params: [],
      required: 0,
      anyArgs: true,
      call: (mapping: Mapping, _a, raw) => {
        changeable(mapping, 'update');
        if (raw.positional.length > 1) return problem(`update() takes at most 1 positional argument (${raw.positional.length} given)`);
        const other = raw.positional[0];
        if (isMapping(other)) for (const key of mappingKeys(other)) put(mapping, key, ownValue(other, key));
        else if (Array.isArray(other)) {
          for (const pair of other) {
            if (!Array.isArray(pair) || pair.length !== 2) return problem('update() needs a mapping or a list of [key, value] pairs');
            put(mapping, pair[0], pair[1]);
          }
        } else if (other !== undefined) return problem(`update() cannot take a ${typeName(other)}`);
        for (const [key, value] of raw.named) put(mapping, key, value);
        return null;
      },
    },
  ],
]);
