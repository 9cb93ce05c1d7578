// lookup('sequence', 'start=1 end=5 format=web%02d') and with_sequence: numbers as formatted strings.
// A term is `key=value` words (start, end, count, stride, format) or the short form `[start-]end[/stride][:format]`;
// keyword options (start=…, end=…) are defaults under the terms, as in ansible-core 2.15+.
import { problem } from '../expr/error.ts';
import { printf } from '../expr/printf.ts';
import { parseKeyValueArgs } from '../playbook/keyValueArgs.ts';
import { typeName } from '../expr/values.ts';
import type { LookupPlugin } from './types.ts';

/** Most numbers one sequence makes (Jinja's range() has the same limit). */
export const MAX_SEQUENCE = 100_000;

const NUMBER = '(?:0x[0-9a-f]+|0o?[0-7]+|[0-9]+)';
const SHORTCUT = new RegExp(`^(?:(${NUMBER})-)?(${NUMBER})(?:/(${NUMBER}))?(?::(.+))?$`, 'is');

interface Spec {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

/** sequence: the formatted numbers of every term. */
export const sequenceLookup: LookupPlugin = {
  options: ['start', 'end', 'count', 'stride', 'format'],
  run(terms, options) {
    const list = terms.length === 0 && options.size > 0 ? [''] : terms;
    const out: string[] = [];
    for (const term of list) {
      if (typeof term !== 'string') problem(`with_sequence takes strings such as 'start=1 end=5', not ${typeName(term)}`);
      const spec = defaults(options);
      if (!shortcut(term.trim(), spec)) keyValues(term, spec);
      out.push(...generate(check(spec)));
      if (out.length > MAX_SEQUENCE) problem(`a sequence is limited to ${MAX_SEQUENCE} items`);
    }
    return out;
  },
};

function defaults(options: ReadonlyMap<string, unknown>): Spec {
  const spec: Spec = { start: 1, stride: 1, format: '%d' };
  for (const [key, value] of options) assign(spec, key, value);
  return spec;
}

function assign(spec: Spec, key: string, value: unknown): void {
  if (key === 'format') {
    if (typeof value !== 'string') problem(`format must be a string, not ${typeName(value)}`);
    spec.format = value;
  } else if (key === 'start' || key === 'end' || key === 'count' || key === 'stride') {
    spec[key] = integer(value, key);
  } else problem(`unrecognized arguments to with_sequence: ['${key}']`);
}

// Python's int(x, 0): decimal, 0x hex, 0o octal (and a plain number as it is).
function integer(value: unknown, key: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const text = typeof value === 'string' ? value.trim() : '';
  const m = /^([-+]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|0|[1-9][0-9]*)$/i.exec(text);
  if (!m) return problem(`can't parse ${key}=${String(value)} as integer`);
  const body = m[2]!.toLowerCase();
  const n = body.startsWith('0o') ? Number.parseInt(body.slice(2), 8) : Number(body);
  if (!Number.isSafeInteger(n)) return problem(`can't parse ${key}=${String(value)} as integer`);
  return m[1] === '-' ? -n : n;
}

function shortcut(term: string, spec: Spec): boolean {
  const m = SHORTCUT.exec(term);
  if (!m) return false;
  // Python's int(x, 0), as Ansible: '010' is refused, not read as octal.
  if (m[1] !== undefined) spec.start = integer(m[1], 'start');
  spec.end = integer(m[2]!, 'end');
  if (m[3] !== undefined) spec.stride = integer(m[3], 'stride');
  if (m[4] !== undefined) spec.format = m[4];
  return true;
}

function keyValues(term: string, spec: Spec): void {
  const parsed = parseKeyValueArgs(term);
  if (parsed.kind === 'problem') problem(`unknown error parsing with_sequence arguments: '${term}'. Error was: ${parsed.message}`);
  for (const [key, value] of Object.entries(parsed.args)) assign(spec, key, value);
}

// Ansible's sanity_check: count becomes end (start + count * stride - 1), a direction that cannot reach end is refused.
function check(spec: Spec): Required<Omit<Spec, 'count'>> {
  if (spec.count === undefined && spec.end === undefined) return problem('must specify count or end in with_sequence');
  if (spec.count !== undefined && spec.end !== undefined) return problem("can't specify both count and end in with_sequence");
  let { start, stride } = spec;
  let end = spec.end ?? 0;
  if (spec.count !== undefined) {
    if (spec.count !== 0) end = start + spec.count * stride - 1;
    else [start, end, stride] = [0, 0, 0];
  }
  if (stride > 0 && end < start) return problem('to count backwards make stride negative');
  if (stride < 0 && end > start) return problem("to count forward don't make stride negative");
  if ((spec.format.match(/%/g) ?? []).length !== 1) return problem(`bad formatting string: ${spec.format}`);
  return { start, end, stride, format: spec.format };
}

function generate(spec: Required<Omit<Spec, 'count'>>): string[] {
  const { start, end, stride, format } = spec;
  if (stride === 0) return [];
  const count = Math.max(0, Math.floor((end - start) / stride) + 1);
  if (count > MAX_SEQUENCE) return problem(`a sequence is limited to ${MAX_SEQUENCE} items`);
  return Array.from({ length: count }, (_, i) => printf(format, start + i * stride));
}
