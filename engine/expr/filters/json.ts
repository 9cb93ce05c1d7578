// Python's json.dumps, as Ansible's to_json and to_nice_json call it: ', ' and ': ' separators without indent,
// ',' with it; non-ASCII escaped unless ensure_ascii=false; NaN and Infinity as Python writes them.
import { problem } from '../error.ts';
import { pyFloatRepr } from './py-yaml-scalar.ts';
import { WalkBudget } from './spec.ts';
import { isMapping, mappingKeys, MAX_VALUE_LENGTH, ownValue, typeName } from '../values.ts';

const MAX_DEPTH = 100;

/** The options of json.dumps that fleetplay supports. */
export interface JsonOptions {
  /** Spaces, or the indentation text itself; undefined for one line. */
  indent?: number | string;
  sortKeys?: boolean;
  ensureAscii?: boolean;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function quote(text: string, ensureAscii: boolean): string {
  const pattern = ensureAscii ? /["\\\u0000-\u001f\u007f-\uffff]/g : /["\\\u0000-\u001f]/g;
  return `"${text.replace(pattern, (ch) => ESCAPES[ch] ?? (ch === '\u007f' && !ensureAscii ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

// Whole numbers are ints (all their digits); others are floats, written as Python's repr writes them.
function numberText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(x) ? String(BigInt(x)) : pyFloatRepr(x);
}

/** json.dumps(value, ...) for plain data; a problem for undefined values or output over MAX_VALUE_LENGTH. */
export function pyJsonDumps(value: unknown, options: JsonOptions = {}): string {
  const indent = typeof options.indent === 'number' ? ' '.repeat(Math.max(0, Math.min(options.indent, 100))) : options.indent;
  const ensureAscii = options.ensureAscii ?? true;
  let room = MAX_VALUE_LENGTH;
  const budget = new WalkBudget('convert to a string');
  const emit = (text: string): string => {
    room -= text.length;
    if (room < 0) problem(`the JSON text would be longer than ${MAX_VALUE_LENGTH} characters`);
    return text;
  };
  const write = (item: unknown, depth: number): string => {
    if (depth > MAX_DEPTH) return problem('value is nested too deeply to convert to JSON');
    budget.step();
    if (item === null) return emit('null');
    if (item === true) return emit('true');
    if (item === false) return emit('false');
    if (typeof item === 'number') return emit(numberText(item));
    if (typeof item === 'string') return emit(quote(item, ensureAscii));
    const inner = indent === undefined ? '' : `\n${indent.repeat(depth + 1)}`;
    const outer = indent === undefined ? '' : `\n${indent.repeat(depth)}`;
    const separator = indent === undefined ? ', ' : ',';
    if (Array.isArray(item)) {
      if (item.length === 0) return emit('[]');
      return `[${item.map((x) => inner + write(x, depth + 1)).join(separator)}${outer}]`;
    }
    if (isMapping(item)) {
      const keys = mappingKeys(item);
      if (keys.length === 0) return emit('{}');
      if (options.sortKeys) keys.sort();
      return `{${keys.map((key) => `${inner}${emit(quote(key, ensureAscii))}: ${write(ownValue(item, key), depth + 1)}`).join(separator)}${outer}}`;
    }
    return problem(`Object of type ${typeName(item)} is not JSON serializable`);
  };
  return write(value, 0);
}
