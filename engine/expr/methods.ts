// The methods an expression may call on a value (`s.split(',')`, `d.items()`): a fixed allowlist per type,
// with Python's semantics. Nothing else is callable; values found in variables are never called.
import { problem } from './error.ts';
import { formatString } from './str-format.ts';
import { bounds } from './method-args.ts';
import { MUTATING_LIST_METHODS, MUTATING_MAPPING_METHODS } from './mutating-methods.ts';
import { own } from './owned.ts';
import { compareBudget, deepEqual, isMapping, type Mapping, mappingKeys, ownValue, typeName } from './values.ts';
import { stringMethod, STRING_METHOD_NAMES } from './string-methods.ts';

/** Arguments of a method call: positional values, then named ones. */
export interface MethodArgs {
  positional: readonly unknown[];
  named: ReadonlyMap<string, unknown>;
}

/** A method body: receives the receiver and its arguments, already checked against `params`. */
export interface MethodSpec {
  /** Parameter names, positional or named, in order; `required` of them must be given. */
  params: readonly string[];
  required: number;
  /** Accepts any positional and named arguments (str.format). */
  anyArgs?: boolean;
  call(receiver: never, args: ReadonlyMap<string, unknown>, raw: MethodArgs): unknown;
}

const MAPPING_METHODS: ReadonlyMap<string, MethodSpec> = new Map<string, MethodSpec>([
  ['keys', { params: [], required: 0, call: (m: Mapping) => mappingKeys(m) }],
  ['values', { params: [], required: 0, call: (m: Mapping) => mappingKeys(m).map((k) => ownValue(m, k)) }],
  ['items', { params: [], required: 0, call: (m: Mapping) => mappingKeys(m).map((k) => [k, ownValue(m, k)]) }],
  [
    'get',
    {
      params: ['key', 'default'],
      required: 1,
      call: (m: Mapping, a) => {
        const key = a.get('key');
        const found = typeof key === 'string' || typeof key === 'number' ? ownValue(m, String(key)) : undefined;
        return found !== undefined ? found : (a.get('default') ?? null);
      },
    },
  ],
  ...MUTATING_MAPPING_METHODS,
]);

const LIST_METHODS: ReadonlyMap<string, MethodSpec> = new Map<string, MethodSpec>([
  [
    'index',
    {
      params: ['value', 'start', 'end'],
      required: 1,
      call: (list: unknown[], a) => {
        const budget = compareBudget();
        const [from, to] = bounds(list.length, a.get('start'), a.get('end'));
        for (let i = from; i < to; i++) if (deepEqual(list[i], a.get('value'), budget)) return i;
        return problem('list.index(x): x not in list');
      },
    },
  ],
  [
    'count',
    {
      params: ['value'],
      required: 1,
      call: (list: unknown[], a) => {
        const budget = compareBudget();
        return list.filter((item) => deepEqual(item, a.get('value'), budget)).length;
      },
    },
  ],
  ...MUTATING_LIST_METHODS,
]);

const FORMAT: MethodSpec = {
  params: [],
  required: 0,
  anyArgs: true,
  call: (s: string, _a, raw) => formatString(s, raw.positional, raw.named),
};

// Methods whose result is a new list, which the expression may then change (get() returns data: never owned).
const FRESH_RESULTS: ReadonlySet<string> = new Set(['split', 'rsplit', 'splitlines', 'keys', 'values', 'items']);

/** Whether `name` is a method of some type, so `x.name(...)` may be written at all (checked when parsing). */
export function isMethodName(name: string): boolean {
  return name === 'format' || STRING_METHOD_NAMES.has(name) || MAPPING_METHODS.has(name) || LIST_METHODS.has(name);
}

/** Calls the allowlisted method `name` of `receiver`; an unknown method for that type is a ValueProblem. */
export function callMethod(receiver: unknown, name: string, args: MethodArgs): unknown {
  let spec: MethodSpec | undefined;
  if (typeof receiver === 'string') spec = name === 'format' ? FORMAT : stringMethod(name);
  else if (isMapping(receiver)) spec = MAPPING_METHODS.get(name);
  else if (Array.isArray(receiver)) spec = LIST_METHODS.get(name);
  if (!spec) return problem(`a ${typeName(receiver)} has no method '${name}'`);
  const result = spec.call(receiver as never, spec.anyArgs ? new Map() : bind(name, spec, args), args);
  return FRESH_RESULTS.has(name) ? own(result) : result;
}

// Matches the arguments to the parameter names, refusing extra, unknown, repeated or missing ones.
function bind(name: string, spec: MethodSpec, args: MethodArgs): Map<string, unknown> {
  const { params, required } = spec;
  if (args.positional.length > params.length)
    problem(`${name}() takes at most ${params.length} arguments (${args.positional.length} given)`);
  const values = new Map<string, unknown>();
  args.positional.forEach((value, i) => {
    values.set(params[i] ?? '', value);
  });
  for (const [key, value] of args.named) {
    if (!params.includes(key)) problem(`${name}() got an unexpected keyword argument '${key}'`);
    if (values.has(key)) problem(`${name}() got multiple values for argument '${key}'`);
    values.set(key, value);
  }
  for (const param of params.slice(0, required)) if (!values.has(param)) problem(`${name}() is missing required argument '${param}'`);
  return values;
}
