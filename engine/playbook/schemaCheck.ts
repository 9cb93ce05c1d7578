// Runs ajv and turns its errors into short messages tied to a path in the YAML.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isTemplated } from '../template/render.ts';
import { loadValidator } from './validatorCache.ts';
import { describeValue, jsonType, orList, subjectOf, typeWords, valueAt } from './wording.ts';

/** One schema violation at a path (relative to the validated value). */
export interface SchemaIssue {
  path: Array<string | number>;
  which: 'key' | 'value';
  message: string;
  /** Ansible's module argument check's words for the same problem (AnsibleModule), where they are known. */
  ansible?: string;
}

type Schema = Record<string, unknown>;

const cache = new WeakMap<object, ValidateFunction>();

/**
 * Validates `value` against `schema`. `what` names the thing in messages ("module 'copy'", "play").
 * Type errors on templated strings ("{{ x }}") are ignored here: they are checked after rendering.
 */
export function checkSchema(schema: Schema, value: unknown, what: string, argWord = 'argument'): SchemaIssue[] {
  let validate = cache.get(schema);
  if (!validate) {
    validate = loadValidator(schema).validate;
    cache.set(schema, validate);
  }
  if (validate(value)) return [];
  let errors = (validate.errors ?? []).filter((e) => !isTemplatedAt(value, e.instancePath) && !isTemplated(String(e.propertyName ?? '')));
  // Branches first: the typo rule below must not hide the anyOf that says which branch was meant.
  errors = pruneBranches(errors, value, schema);
  // A bad key name (propertyNames) is reported once, by the inner error that names the key.
  errors = errors.filter((e) => e.keyword !== 'propertyNames');
  // An `if` failure only says "must match then": the then/else error beside it says what is wrong.
  errors = errors.filter((e) => e.keyword !== 'if');
  // An unknown key is usually a typo; "missing x" or "needs one of" at the same place is its echo.
  const typoAt = new Set(errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath));
  errors = errors.filter((e) => !typoAt.has(e.instancePath) || !['required', 'oneOf', 'anyOf', 'if'].includes(e.keyword));
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const key = e.keyword === 'additionalProperties' ? `${e.instancePath}/${String(e.params.additionalProperty)}` : e.instancePath;
    byPath.set(key, [...(byPath.get(key) ?? []), e]);
  }
  const issues: SchemaIssue[] = [];
  for (const group of byPath.values()) issues.push(describe(group, { root: schema, value, what, argWord }));
  return issues;
}

/**
 * An anyOf/oneOf fails with one error per branch. Only one branch is what the author meant: the one
 * whose type fits the value (a list for `tags: [1, {}]`), so only its errors are kept; when no branch
 * fits, the anyOf itself says which types would.
 */
function pruneBranches(errors: ErrorObject[], value: unknown, root: Schema): ErrorObject[] {
  let kept = errors;
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const branches = schemaNode(root, e.schemaPath);
    if (!Array.isArray(branches)) continue;
    const inBranch = (x: ErrorObject, k: number) => x.schemaPath.startsWith(`${e.schemaPath}/${k}/`);
    const inAny = (x: ErrorObject) => x.schemaPath.startsWith(`${e.schemaPath}/`);
    const type = jsonType(valueAt(value, pointerToPath(e.instancePath)));
    const fits = branches.map((b, k) => ({ k, b: b as Schema })).filter(({ b }) => admits(b, type) && !requiredOnly(b));
    if (fits.length === 1 && !branches.every((b) => requiredOnly(b as Schema))) {
      const k = fits[0]!.k;
      kept = kept.filter((x) => x !== e && (!inAny(x) || inBranch(x, k)));
    } else {
      kept = kept.filter((x) => !inAny(x));
    }
  }
  return kept;
}

interface Context {
  root: Schema;
  value: unknown;
  what: string;
  argWord: string;
}

function describe(group: ErrorObject[], c: Context): SchemaIssue {
  const first = group.find((e) => e.keyword === 'additionalProperties') ?? group.find((e) => e.keyword === 'required') ?? group[0]!;
  const path = pointerToPath(first.instancePath);
  if (first.propertyName !== undefined) return describeKeyName(first, path, c);
  const subject = subjectOf(path, c.argWord, c.what);
  const got = describeValue(valueAt(c.value, path));
  const node = schemaNode(c.root, first.schemaPath);
  const parent = schemaNode(c.root, first.schemaPath.replace(/\/[^/]*$/, '')) as Schema | undefined;
  switch (first.keyword) {
    case 'additionalProperties': {
      const prop = String(first.params.additionalProperty);
      const allowed = Object.keys((parent?.properties as object | undefined) ?? {});
      const hint = suggest(prop, allowed);
      const head = path.length ? `unknown key '${prop}' in ${subject}` : `unknown ${c.argWord} '${prop}' for ${c.what}`;
      return {
        path: [...path, prop],
        which: 'key',
        message: `${head}${hint ? ` (did you mean '${hint}'?)` : ''}${allowed.length ? `; valid: ${allowed.join(', ')}` : ''}`,
      };
    }
    case 'required': {
      const missing = String(first.params.missingProperty);
      const when = conditionWords(c.root, first.schemaPath);
      return {
        path,
        which: 'key',
        message: path.length
          ? `${subject} is missing '${missing}'${when}`
          : `missing required ${c.argWord} '${missing}' for ${c.what}${when}`,
        ...(path.length === 0 && when === '' ? { ansible: `missing required arguments: ${missing}` } : {}),
      };
    }
    case 'enum':
      return {
        path,
        which: 'value',
        message: `${subject} must be one of: ${(first.params.allowedValues as unknown[]).join(', ')} (got ${got})`,
        ...(path.length === 1
          ? {
              ansible: `value of ${path[0]} must be one of: ${(first.params.allowedValues as unknown[]).join(', ')}, got: ${String(valueAt(c.value, path))}`,
            }
          : {}),
      };
    case 'type': {
      const expected =
        typeof parent?.description === 'string' ? parent.description : orList(String(first.params.type).split(',').map(typeWords));
      return { path, which: 'value', message: `${subject} must be ${expected}, got ${got}` };
    }
    case 'oneOf':
    case 'anyOf': {
      const branches = Array.isArray(node) ? (node as Schema[]) : [];
      if (branches.length && branches.every(requiredOnly)) {
        const names = branches.flatMap((b) => b.required as string[]);
        const many = first.keyword === 'oneOf' && Array.isArray(first.params.passingSchemas);
        const need = first.keyword === 'anyOf' ? 'needs at least one' : many ? 'takes only one' : 'needs exactly one';
        return { path, which: 'value', message: `${c.what} ${need} of: ${names.join(', ')}${conditionWords(c.root, first.schemaPath)}` };
      }
      const expected = branches.map(shapeWords).filter((w): w is string => !!w);
      const described =
        typeof parent?.description === 'string' ? parent.description : expected.length ? orList(expected) : 'of another type';
      return { path, which: 'value', message: `${subject} must be ${described}, got ${got}` };
    }
    case 'pattern': {
      const described = patternWords(parent, String(first.params.pattern));
      return { path, which: 'value', message: `${subject} must be ${described}, got ${got}` };
    }
    case 'minLength':
      return { path, which: 'value', message: `${subject} must not be empty` };
    case 'minProperties':
      return {
        path,
        which: 'value',
        message: `${subject} needs at least ${String(first.params.limit)} key${first.params.limit === 1 ? '' : 's'}`,
      };
    case 'minItems':
      return {
        path,
        which: 'value',
        message: `${subject} must have at least ${String(first.params.limit)} item${first.params.limit === 1 ? '' : 's'}`,
      };
    case 'minimum':
      return { path, which: 'value', message: `${subject} must be at least ${String(first.params.limit)}, got ${got}` };
    case 'maximum':
      return { path, which: 'value', message: `${subject} must be at most ${String(first.params.limit)}, got ${got}` };
    case 'not': {
      // `not: { anyOf: [{ required: [url] }, …] }`: name the keys that are there.
      const branches = ((node as Schema | undefined)?.anyOf ?? []) as Schema[];
      const present = branches
        .flatMap((b) => (Array.isArray(b.required) ? (b.required as string[]) : []))
        .filter((k) => valueAt(c.value, [...path, k]) !== undefined);
      const when = conditionWords(c.root, first.schemaPath);
      if (present.length) return { path, which: 'value', message: `${subject} takes no ${orList(present.map((k) => `'${k}'`))}${when}` };
      return { path, which: 'value', message: `${c.what} has arguments that cannot be used together${when}` };
    }
    default:
      return { path, which: 'value', message: `${subject} ${first.message ?? 'is invalid'}` };
  }
}

/** `when state is link` for an error under a then/else, read from the `if` beside it; else ''. */
function conditionWords(root: Schema, schemaPath: string): string {
  const m = /^(.*?)\/(then|else)\//.exec(schemaPath);
  if (!m) return '';
  let cond = (schemaNode(root, m[1]!) as Schema | undefined)?.if as Schema | undefined;
  let negate = m[2] === 'else';
  if (cond?.not) {
    cond = cond.not as Schema;
    negate = !negate;
  }
  const props = (cond?.properties ?? {}) as Record<string, Schema>;
  const parts = Object.entries(props)
    .filter(([, p]) => 'const' in p)
    .map(([k, p]) => `${k} is ${String(p.const)}`);
  return parts.length ? ` ${negate ? 'unless' : 'when'} ${parts.join(' and ')}` : '';
}

/** A key whose name breaks `propertyNames` (set_fact: `foo-bar: 1`): reported at the key. */
function describeKeyName(e: ErrorObject, path: Array<string | number>, c: Context): SchemaIssue {
  const name = String(e.propertyName);
  const expected =
    e.keyword === 'pattern'
      ? patternWords(schemaNode(c.root, e.schemaPath.replace(/\/[^/]*$/, '')) as Schema | undefined, String(e.params.pattern))
      : undefined;
  const where = path.length ? ` in ${subjectOf(path, c.argWord, c.what)}` : ` for ${c.what}`;
  return {
    path: [...path, name],
    which: 'key',
    message: `'${name}' is not a valid name${where}${expected ? `: it must be ${expected}` : ''}`,
  };
}

const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_]*$';

/** What a pattern asks for, in words: the schema's description, or the pattern itself. */
function patternWords(schema: Schema | undefined, pattern: string): string {
  if (typeof schema?.description === 'string') return schema.description;
  if (pattern === IDENTIFIER) return 'a variable name (letters, digits and _, not starting with a digit)';
  return `text matching ${pattern}`;
}

/** A branch such as `{ required: ['cmd'] }`: it names a key, not a type. */
function requiredOnly(b: Schema): boolean {
  return Array.isArray(b.required) && b.type === undefined;
}

/** True when schema `b` accepts values of JSON type `type` (an integer is also a number). */
function admits(b: Schema, type: string): boolean {
  if (b.type === undefined) return true;
  const types = Array.isArray(b.type) ? (b.type as string[]) : [String(b.type)];
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

/** Words for what a branch accepts: `a string`, `a list of strings`. */
function shapeWords(b: Schema): string | undefined {
  if (b.type === undefined) return undefined;
  const types = Array.isArray(b.type) ? (b.type as string[]) : [String(b.type)];
  if (types.length === 1 && types[0] === 'array') {
    const items = b.items as Schema | undefined;
    const inner = items?.type ? (Array.isArray(items.type) ? (items.type as string[]) : [String(items.type)]) : [];
    return inner.length
      ? `a list of ${orList(inner.map((t) => typeWords(t).replace(/^an? /, '') + (t === 'boolean' ? '' : 's')))}`
      : 'a list';
  }
  return orList(types.map(typeWords));
}

function schemaNode(root: Schema, schemaPath: string): unknown {
  let cur: unknown = root;
  for (const part of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (part === '') continue;
    cur = (cur as Record<string, unknown> | undefined)?.[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
  }
  return cur;
}

function pointerToPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function isTemplatedAt(value: unknown, pointer: string): boolean {
  const cur = valueAt(value, pointerToPath(pointer));
  return typeof cur === 'string' && isTemplated(cur);
}

/** The closest candidate by edit distance, if it is close enough to be a likely typo. */
export function suggest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  return bestDist <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
