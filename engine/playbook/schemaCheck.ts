// Runs ajv and turns its errors into short messages tied to a path in the YAML.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isTemplated } from '../template/render.ts';
import { loadValidator } from './validatorCache.ts';

/** One schema violation at a path (relative to the validated value). */
export interface SchemaIssue {
  path: Array<string | number>;
  which: 'key' | 'value';
  message: string;
}

const cache = new WeakMap<object, ValidateFunction>();

/**
 * Validates `value` against `schema`. `what` names the thing in messages ("module 'copy'", "play").
 * Type errors on templated strings ("{{ x }}") are ignored here: they are checked after rendering.
 */
export function checkSchema(schema: Record<string, unknown>, value: unknown, what: string, argWord = 'argument'): SchemaIssue[] {
  let validate = cache.get(schema);
  if (!validate) {
    validate = loadValidator(schema).validate;
    cache.set(schema, validate);
  }
  if (validate(value)) return [];
  let errors = (validate.errors ?? []).filter((e) => !isTemplatedAt(value, e.instancePath));
  // An unknown key is usually a typo; "missing x" or "needs one of" at the same place is its echo.
  const typoAt = new Set(errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath));
  errors = errors.filter((e) => !typoAt.has(e.instancePath) || !['required', 'oneOf', 'anyOf', 'if'].includes(e.keyword));
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const key = e.keyword === 'additionalProperties' ? `${e.instancePath}/${String(e.params.additionalProperty)}` : e.instancePath;
    byPath.set(key, [...(byPath.get(key) ?? []), e]);
  }
  const issues: SchemaIssue[] = [];
  for (const group of byPath.values()) issues.push(describe(group, schema, what, argWord));
  return issues;
}

function describe(group: ErrorObject[], rootSchema: Record<string, unknown>, what: string, argWord: string): SchemaIssue {
  const first = group.find((e) => e.keyword === 'additionalProperties') ?? group.find((e) => e.keyword === 'required') ?? group[0]!;
  const path = pointerToPath(first.instancePath);
  const name = path.length ? String(path[path.length - 1]) : '';
  switch (first.keyword) {
    case 'additionalProperties': {
      const prop = String(first.params.additionalProperty);
      const allowed = Object.keys((schemaAt(rootSchema, first.schemaPath)?.properties as object | undefined) ?? {});
      const hint = suggest(prop, allowed);
      return {
        path: [...path, prop],
        which: 'key',
        message: `unknown ${argWord} '${prop}' for ${what}${hint ? ` (did you mean '${hint}'?)` : ''}${allowed.length ? `; valid: ${allowed.join(', ')}` : ''}`,
      };
    }
    case 'required':
      return { path, which: 'key', message: `missing required ${argWord} '${String(first.params.missingProperty)}' for ${what}` };
    case 'enum':
      return { path, which: 'value', message: `${argWord} '${name}' must be one of: ${(first.params.allowedValues as unknown[]).join(', ')}` };
    case 'oneOf':
    case 'anyOf': {
      const alts = alternatives(schemaAt(rootSchema, first.schemaPath));
      if (alts) return { path, which: 'value', message: `${what} needs exactly one of: ${alts.join(', ')}` };
      const types = group.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
      return { path, which: 'value', message: `${argWord} '${name}' has the wrong type${types.length ? ` (expected ${[...new Set(types)].join(' or ')})` : ''}` };
    }
    case 'not':
      return { path, which: 'value', message: `${what} has arguments that cannot be used together` };
    default:
      return { path, which: 'value', message: `${name ? `${argWord} '${name}' ` : `${what} `}${first.message ?? 'is invalid'}` };
  }
}

function alternatives(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const names = branches.flatMap((b) => ((b as { required?: string[] }).required ?? []));
  return names.length === branches.length ? names : undefined;
}

function schemaAt(root: Record<string, unknown>, schemaPath: string): Record<string, unknown> | undefined {
  let cur: unknown = root;
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').slice(0, -1)) {
    if (part === '') continue;
    cur = (cur as Record<string, unknown> | undefined)?.[decodeURIComponent(part)];
  }
  return cur as Record<string, unknown> | undefined;
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
  let cur = value;
  for (const p of pointerToPath(pointer)) cur = (cur as Record<string | number, unknown> | undefined)?.[p];
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
