// Serialization filters: to_json, to_nice_json, from_json, to_yaml, to_nice_yaml, from_yaml and from_yaml_all.
import { parseAllDocuments } from 'yaml';
import { excessiveNesting, MAX_NESTING } from '../../yaml/depth.ts';
import { pyTags } from '../../yaml/scalars.ts';
import { problem } from '../error.ts';
import type { BoundArgs } from '../signature.ts';
import { isBlockedKey, isMapping, toText, truthy, typeName } from '../values.ts';
import { pyJsonDumps } from './json.ts';
import { pyYamlDump } from './py-yaml.ts';
import { arg, type FilterEntry, flag, mappingFrom, WalkBudget } from './spec.ts';

const MAX_DEPTH = 100;
// Parsed text holds no shared parts (the YAML parser bounds aliases), so only its own size limits a copy.
const PARSED = new WalkBudget('copy', Number.POSITIVE_INFINITY);

function jsonIndent(value: unknown, filter: string): number | string | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  return problem(`${filter}: indent must be a whole number or a string`);
}

function fromJson(value: unknown): unknown {
  try {
    return plainData(JSON.parse(toText(value)), 'from_json', 0, PARSED);
  } catch (err) {
    if (err instanceof SyntaxError) return problem(`from_json: ${err.message}`);
    throw err;
  }
}

/**
 * Python's yaml.dump as Ansible calls it: keys sorted; to_yaml puts collections of scalars in flow style
 * (PyYAML's default_flow_style=None), to_nice_yaml writes block style with `indent` (default 4).
 */
function toYaml(value: unknown, args: BoundArgs, nice: boolean): string {
  const indent = arg(args, 'indent', nice ? 4 : 2);
  // PyYAML ignores an indent outside 2..9 and uses 2.
  const best = typeof indent === 'number' && Number.isInteger(indent) && indent > 1 && indent < 10 ? indent : 2;
  const width = arg(args, 'width', 80);
  if (typeof width !== 'number' || !Number.isInteger(width)) return problem('to_yaml: width must be a whole number');
  const flow = args.values.has('default_flow_style') ? args.values.get('default_flow_style') : nice ? false : null;
  return pyYamlDump(plainData(value, nice ? 'to_nice_yaml' : 'to_yaml'), {
    indent: best,
    // PyYAML: a width not above twice the indent means 80.
    width: width > best * 2 ? width : 80,
    sortKeys: flag(args, 'sort_keys', true),
    flowStyle: flow === null || flow === undefined ? null : truthy(flow),
  });
}

// Ansible's from_yaml / from_yaml_all: text parsed as YAML 1.1 with PyYAML's scalar types; no custom tags.
function fromYaml(value: unknown, all: boolean): unknown {
  if (typeof value !== 'string') return value;
  const filter = all ? 'from_yaml_all' : 'from_yaml';
  if (excessiveNesting(value) !== undefined) return problem(`${filter}: the text is nested too deeply (more than ${MAX_NESTING} levels)`);
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(value, { version: '1.1', customTags: pyTags, merge: true, uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    if (err instanceof RangeError) return problem(`${filter}: the text is nested too deeply to parse`);
    throw err;
  }
  if (!Array.isArray(docs)) return all ? [] : null;
  if (!all && docs.length > 1) return problem('from_yaml: expected a single document in the stream; use from_yaml_all');
  const values = docs.map((doc) => {
    const issue = doc.errors[0] ?? doc.warnings[0];
    if (issue) return problem(`${filter}: ${issue.message.split('\n')[0]}`);
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // The yaml package throws a ReferenceError for alias bombs (more than maxAliasCount expansions).
      if (err instanceof Error && !(err instanceof RangeError)) return problem(`${filter}: ${err.message}`);
      throw err;
    }
    return plainData(data, filter, 0, PARSED);
  });
  return all ? values : (values[0] ?? null);
}

/** A copy of parsed data made only of plain mappings, lists and scalars; anything else is refused. */
function plainData(value: unknown, filter: string, depth = 0, budget = new WalkBudget('convert to a string')): unknown {
  if (depth > MAX_DEPTH) return problem(`${filter}: the value is nested too deeply`);
  budget.step();
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => plainData(item, filter, depth + 1, budget));
  if (isMapping(value)) {
    // Keys no expression may read (__proto__, constructor...) are left out: they could only ever read as missing.
    return mappingFrom(
      Object.keys(value)
        .filter((key) => !isBlockedKey(key))
        .map((key) => [key, plainData(Object.getOwnPropertyDescriptor(value, key)?.value, filter, depth + 1, budget)] as const),
      filter,
    );
  }
  return problem(`${filter}: values of type ${typeName(value)} are not supported`);
}

/** The serialization filters. */
export const SERIALIZE_FILTERS: FilterEntry[] = [
  [
    ['to_json'],
    {
      signature: { params: [], required: 0, keywordOnly: ['indent', 'sort_keys', 'ensure_ascii'] },
      apply: (v, a) =>
        pyJsonDumps(v, {
          indent: jsonIndent(a.values.get('indent'), 'to_json'),
          sortKeys: flag(a, 'sort_keys'),
          ensureAscii: flag(a, 'ensure_ascii', true),
        }),
    },
  ],
  [
    ['to_nice_json'],
    {
      signature: { params: ['indent', 'sort_keys'], required: 0, keywordOnly: ['ensure_ascii'] },
      apply: (v, a) =>
        pyJsonDumps(v, {
          indent: jsonIndent(arg(a, 'indent', 4), 'to_nice_json'),
          sortKeys: flag(a, 'sort_keys', true),
          ensureAscii: flag(a, 'ensure_ascii', true),
        }),
    },
  ],
  [['from_json'], { signature: { params: [], required: 0 }, apply: fromJson }],
  [
    ['to_yaml'],
    {
      signature: { params: [], required: 0, keywordOnly: ['indent', 'width', 'sort_keys', 'default_flow_style'] },
      apply: (v, a) => toYaml(v, a, false),
    },
  ],
  [
    ['to_nice_yaml'],
    {
      signature: { params: ['indent'], required: 0, keywordOnly: ['width', 'sort_keys', 'default_flow_style'] },
      apply: (v, a) => toYaml(v, a, true),
    },
  ],
  [['from_yaml'], { signature: { params: [], required: 0 }, apply: (v) => fromYaml(v, false) }],
  [['from_yaml_all'], { signature: { params: [], required: 0 }, apply: (v) => fromYaml(v, true) }],
];
