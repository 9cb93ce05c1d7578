// Number filters: abs, round, random, pow, log, root, human_readable, and version comparison.
import { randomInt } from 'node:crypto';
import { problem } from '../error.ts';
import type { BoundArgs } from '../signature.ts';
import { toText, typeName } from '../values.ts';
import { compareLoose, compareVersions } from '../version.ts';
import { PyRandom } from './py-random.ts';
import { arg, type FilterEntry, itemsOf, listOf, simple, withParams } from './spec.ts';

function number(value: unknown, filter: string): number {
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number') return value;
  return problem(`${filter}: expected a number, got ${typeName(value)}`);
}

/** Python's round(x, digits): exact halves go to the even neighbour, judged on the exact binary value. */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21 || digits > 100) return x;
  if (digits < 0) return pyRound(x / 10 ** -digits, 0) * 10 ** -digits;
  const [whole = '0', fraction = ''] = Math.abs(x).toFixed(100).split('.');
  const kept = fraction.slice(0, digits);
  const rest = fraction.slice(digits);
  const digitsText = whole + kept;
  const last = Number(digitsText.at(-1) ?? '0');
  const up = rest > '5'.padEnd(rest.length, '0') || (rest === '5'.padEnd(rest.length, '0') && last % 2 === 1);
  let scaled = BigInt(digitsText) + (up ? 1n : 0n);
  if (x < 0) scaled = -scaled;
  return Number(scaled) / 10 ** digits;
}

/** Python's '%.Nf' % x (the same rounding of exact halves as pyRound). */
export function pyFixed(x: number, digits: number): string {
  return pyRound(x, digits).toFixed(digits);
}

// Jinja's round(precision=0, method='common'|'ceil'|'floor').
function round(value: unknown, args: BoundArgs): number {
  const x = number(value, 'round');
  const precision = arg(args, 'precision', 0);
  if (typeof precision !== 'number' || !Number.isInteger(precision)) return problem('round: precision must be a whole number');
  const method = arg(args, 'method', 'common');
  if (method === 'common') return pyRound(x, precision);
  if (method !== 'ceil' && method !== 'floor') return problem("round: method must be 'common', 'ceil' or 'floor'");
  const scale = 10 ** precision;
  return Math[method](x * scale) / scale;
}

// Ansible's random: a number in range(start, end, step) or an item of a list; with `seed`, Python's seeded
// generator (the same pick as Ansible), without it a cryptographically random one.
function random(value: unknown, args: BoundArgs): unknown {
  const seed = arg(args, 'seed');
  if (seed !== undefined && typeof seed !== 'string' && !(typeof seed === 'number' && Number.isInteger(seed))) {
    return problem(`random: the seed must be a string or a whole number, not ${typeName(seed)}`);
  }
  const rng = seed === undefined ? undefined : new PyRandom(seed);
  const below = (n: number): number => (rng ? rng.below(n) : randomInt(n));
  if (typeof value === 'number' && Number.isInteger(value)) {
    const start = arg(args, 'start', 0) || 0;
    const step = arg(args, 'step', 1) || 1;
    if (typeof start !== 'number' || typeof step !== 'number' || !Number.isInteger(start) || !Number.isInteger(step)) {
      return problem('random: start and step must be whole numbers');
    }
    const width = value - start;
    const count = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (count <= 0) return problem(`random: empty range for randrange() (${start}, ${value}, ${step})`);
    if (rng) return rng.randrange(start, value, step);
    return start + step * below(count);
  }
  if (Array.isArray(value) || typeof value === 'string' || (typeof value === 'object' && value !== null)) {
    if (arg(args, 'start') || arg(args, 'step')) return problem('random: start and step can only be used with integer values');
    const items = itemsOf(value, 'random');
    if (items.length === 0) return problem('random: cannot choose from an empty sequence');
    return items[below(items.length)];
  }
  return problem('random: can only be used on sequences and integers');
}

// Ansible's shuffle (randomize_list): Python's random.shuffle, seeded as random.Random(seed) when a seed is given.
function shuffle(value: unknown, args: BoundArgs): unknown[] {
  const items = itemsOf(value, 'shuffle');
  const seed = arg(args, 'seed');
  if (seed !== undefined && typeof seed !== 'string' && !(typeof seed === 'number' && Number.isInteger(seed))) {
    return problem(`shuffle: the seed must be a string or a whole number, not ${typeName(seed)}`);
  }
  // Ansible tests `if seed:`, so an empty or zero seed shuffles at random.
  const rng = seed ? new PyRandom(seed) : undefined;
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng ? rng.below(i + 1) : randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const SIZES: ReadonlyArray<[string, number]> = ['Y', 'Z', 'E', 'P', 'T', 'G', 'M', 'K', 'B'].map((s, i) => [s, 2 ** (10 * (8 - i))]);

// Ansible's human_readable (bytes_to_human): '1.00 KB', '10.00 Bytes', or bits with isbits=true.
function humanReadable(value: unknown, args: BoundArgs): string {
  const size = number(value, 'human_readable');
  const base = arg(args, 'isbits') ? 'bits' : 'Bytes';
  const unit = arg(args, 'unit');
  let chosen: [string, number] = ['B', 1];
  for (const entry of SIZES) {
    chosen = entry;
    if (unit === undefined ? size >= entry[1] : toText(unit).toUpperCase() === entry[0]) break;
  }
  const [suffix, limit] = chosen;
  return `${pyFixed(size / limit, 2)} ${limit === 1 ? base : suffix + base[0]}`;
}

function mathOp(name: string, op: (x: number, y: number) => number, defaultY?: number) {
  return withParams(
    [name === 'pow' ? 'y' : 'base'],
    (v, a) => {
      const y = arg(a, name === 'pow' ? 'y' : 'base', defaultY);
      if (y === undefined) return problem(`${name}: missing argument`);
      return op(number(v, name), number(y, name));
    },
    defaultY === undefined ? 1 : 0,
  );
}

/** The number filters. */
export const MATH_FILTERS: FilterEntry[] = [
  [['abs'], simple((v) => Math.abs(number(v, 'abs')))],
  [['round'], withParams(['precision', 'method'], round)],
  [['random'], { signature: { params: ['start', 'step', 'seed'], required: 0 }, apply: random }],
  [['shuffle'], withParams(['seed'], shuffle)],
  [['pow'], mathOp('pow', (x, y) => x ** y)],
  [['log'], mathOp('log', (x, base) => Math.log(x) / Math.log(base), Math.E)],
  [['root'], mathOp('root', (x, base) => (base === 2 ? Math.sqrt(x) : x ** (1 / base)), 2)],
  [['human_readable'], withParams(['isbits', 'unit'], humanReadable)],
  // The `version` test as a filter: `ver | version('1.20', '>=')` is true or false.
  [
    ['version', 'version_compare'],
    {
      signature: { params: ['version', 'operator'], required: 1, keywordOnly: ['version_type', 'strict'] },
      apply: (v, a) => compareVersions(v, a.values.get('version'), a.values.get('operator') ?? 'eq', a.values.get('version_type')),
    },
  ],
  // community.general.version_sort: versions in Ansible's loose order.
  [['version_sort'], simple((v) => [...listOf(v, 'version_sort')].sort((a, b) => compareLoose(toText(a), toText(b))))],
];
