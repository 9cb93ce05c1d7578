// Python's printf-style `'%s-%d' % (a, b)` and `'%(name)s' % mapping`, built on str.format's spec formatting.
import { problem } from './error.ts';
import { build } from './build-budget.ts';
import { checkLength } from './method-args.ts';
import { applySpec, type FormatSpec } from './str-format.ts';
import { isMapping, ownValue, reprText, toText, typeName } from './values.ts';

const CONVERSION = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?[hlL]?([diouxXeEfFgGcrsa%])?/g;

/**
 * `template % args`. Python takes a tuple as the argument list and any other value as one argument; lists
 * and tuples are both lists here, so a list is the argument list unless the template has one conversion
 * and the list is not one item long (then it is the one argument, as `'%s' % [1, 2]` is in Python).
 */
export function printf(template: string, args: unknown): string {
  const conversions = [...template.matchAll(CONVERSION)];
  const used = conversions.filter((m) => m[5] !== '%');
  const byName = used.some((m) => m[1] !== undefined);
  if (byName && !isMapping(args)) return problem('format requires a mapping');
  let values: readonly unknown[] = [args];
  if (Array.isArray(args) && !(used.length === 1 && args.length !== 1)) values = args;
  let next = 0;
  let out = '';
  let last = 0;
  for (const m of conversions) {
    out += template.slice(last, m.index);
    last = m.index + m[0].length;
    const [, name, flags = '', width, precision, type] = m;
    if (type === undefined) return problem(`incomplete format at '${m[0]}'`);
    if (type === '%') {
      out += '%';
      continue;
    }
    let value: unknown;
    if (name !== undefined && isMapping(args)) {
      value = ownValue(args, name);
      if (value === undefined) return problem(`format: no key '${name}' in the mapping`);
    } else {
      if (next >= values.length) return problem('not enough arguments for format string');
      value = values[next++];
    }
    out += convert(value, flags, width, precision, type);
    checkLength(out.length, 'the formatted string');
  }
  if (!byName && next < values.length && !(isMapping(args) && used.length === 0)) {
    return problem('not all arguments converted during string formatting');
  }
  build(out.length + template.length - last, 'the formatted string');
  return out + template.slice(last);
}

function convert(value: unknown, flags: string, width: string | undefined, precision: string | undefined, type: string): string {
  const spec: FormatSpec = {
    fill: flags.includes('0') && !flags.includes('-') && !'sra'.includes(type) ? '0' : ' ',
    align: flags.includes('-') ? '<' : flags.includes('0') && !'sra'.includes(type) ? '=' : '>',
    sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '',
    alternate: flags.includes('#'),
    width: Math.min(Number(width ?? 0), 1_000_000),
    grouping: '',
    precision: precision === undefined ? null : Math.min(Number(precision), 100),
    type,
  };
  if (type === 's' || type === 'r' || type === 'a') {
    const text = type === 's' ? toText(value) : reprText(value);
    return applySpec(text, { ...spec, type: 's' });
  }
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    return problem(`%${type} format: a number is required, not ${typeName(value)}`);
  }
  const number = Number(value);
  if ('diu'.includes(type)) return applySpec(Math.trunc(number), { ...spec, type: 'd', precision: null });
  return applySpec(number, spec);
}
