// Jinja's and Ansible's value tests: comparisons (eq, ==, lt...), membership and sets (in, contains,
// subset, superset), numbers (even, odd, divisibleby), case (lower, upper), truthy / falsy, sameas.
import { problem } from './error.ts';
import type { TestSpec } from './is-tests.ts';
import { applyBinary, contains } from './operators.ts';
import type { Signature } from './signature.ts';
import { compareBudget, deepEqual, isMapping, mappingKeys, toText, truthy, typeName } from './values.ts';

const OTHER: Signature = { params: ['other'], required: 1 };

const withOther = (check: (value: unknown, other: unknown) => boolean): TestSpec => ({
  signature: OTHER,
  check: (value, args) => check(value, args.values.get('other')),
});

// The items a value iterates over, for subset / superset: list items, string characters, mapping keys.
function members(value: unknown, test: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return mappingKeys(value);
  return problem(`the '${test}' test needs a list, not ${typeName(value)}`);
}

// Every item of `part` equals some item of `whole`; one budget bounds the whole check.
function subset(part: unknown[], whole: unknown[]): boolean {
  const budget = compareBudget();
  return part.every((item) => whole.some((other) => deepEqual(item, other, budget)));
}

function integer(value: unknown, test: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return problem(`the '${test}' test needs an integer, not ${typeName(value)}`);
}

// Python's islower / isupper: at least one cased character, and all cased characters in that case.
function caseTest(value: unknown, upper: boolean): boolean {
  const text = toText(value);
  const cased = text.toLowerCase() !== text.toUpperCase();
  return cased && text === (upper ? text.toUpperCase() : text.toLowerCase());
}

// Ansible's boolean(value, strict=False): these strings (any case) and 1 are true, everything else false.
const BOOLEAN_TRUE: ReadonlySet<string> = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const toBool = (value: string | number | boolean): boolean =>
  typeof value === 'string' ? BOOLEAN_TRUE.has(value.trim().toLowerCase()) : value === true || value === 1;

// Ansible's truthy(convert_bool=False): Python truthiness, after Ansible's boolean conversion when asked.
const truthyTest = (negate: boolean): TestSpec => ({
  signature: { params: ['convert_bool'], required: 0 },
  check(value, args) {
    const convert = truthy(args.values.get('convert_bool'));
    const converted =
      convert && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') ? toBool(value) : value;
    return truthy(converted) !== negate;
  },
});

const compare = (op: '<' | '<=' | '>' | '>='): TestSpec => withOther((value, other) => applyBinary(op, value, other) === true);

/** The value tests, each with its names (Jinja's aliases included). */
export const VALUE_TESTS: Array<[string[], TestSpec]> = [
  [['eq', 'equalto', '=='], withOther((value, other) => deepEqual(value, other))],
  [['ne', '!='], withOther((value, other) => !deepEqual(value, other))],
  [['lt', 'lessthan', '<'], compare('<')],
  [['le', '<='], compare('<=')],
  [['gt', 'greaterthan', '>'], compare('>')],
  [['ge', '>='], compare('>=')],
  // Identity: the same value for scalars, the very same list or mapping for containers.
  [['sameas'], withOther((value, other) => value === other)],
  [['in'], { signature: { params: ['seq'], required: 1 }, check: (value, args) => contains(args.values.get('seq'), value) }],
  [['contains'], { signature: { params: ['value'], required: 1 }, check: (value, args) => contains(value, args.values.get('value')) }],
  [['subset', 'issubset'], withOther((value, other) => subset(members(value, 'subset'), members(other, 'subset')))],
  [['superset', 'issuperset'], withOther((value, other) => subset(members(other, 'superset'), members(value, 'superset')))],
  [['even'], { signature: { params: [], required: 0 }, check: (value) => integer(value, 'even') % 2 === 0 }],
  [['odd'], { signature: { params: [], required: 0 }, check: (value) => Math.abs(integer(value, 'odd') % 2) === 1 }],
  [
    ['divisibleby'],
    {
      signature: { params: ['num'], required: 1 },
      check: (value, args) => {
        const num = args.values.get('num');
        if (typeof num !== 'number' || num === 0) return problem('divisibleby needs a non-zero number');
        if (typeof value !== 'number') return problem(`the 'divisibleby' test needs a number, not ${typeName(value)}`);
        return value % num === 0;
      },
    },
  ],
  [['lower'], { signature: { params: [], required: 0 }, check: (value) => caseTest(value, false) }],
  [['upper'], { signature: { params: [], required: 0 }, check: (value) => caseTest(value, true) }],
  [['truthy'], truthyTest(false)],
  [['falsy'], truthyTest(true)],
  // Data has no functions, so nothing is callable.
  [['callable'], { signature: { params: [], required: 0 }, check: () => false }],
  // Ansible's any / all tests on a list of values.
  [['any'], { signature: { params: [], required: 0 }, check: (value) => members(value, 'any').some(truthy) }],
  [['all'], { signature: { params: [], required: 0 }, check: (value) => members(value, 'all').every(truthy) }],
];
