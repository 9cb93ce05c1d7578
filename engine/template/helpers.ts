// Handlebars helpers standing in for the Ansible filters people use most. Syntax: {{default x "y"}}.
import path from 'node:path';
import type { HelperDelegate } from 'handlebars';
import { stringify as toYamlText } from 'yaml';
import { materialize } from './scope.ts';
import { templateText } from './text.ts';

/** Handlebars passes an options hash as the last argument; helpers drop it. */
function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

// Helpers print values the way mustaches do: lists and mappings as Python's repr.
const str = templateText;

/** Compares dotted versions ("1.7.24" vs "2.0"): numeric parts numerically; a leading "v" is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.+~-]/);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? '0', y[i] ?? '0'];
    const [n, m] = [Number(p), Number(q)];
    const c = Number.isNaN(n) || Number.isNaN(m) ? p.localeCompare(q) : n - m;
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

/** Sorts object keys recursively so that key order alone never changes rendered JSON/YAML. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The helper table registered on fleetplay's private Handlebars instance. */
export const templateHelpers: Record<string, HelperDelegate> = {
  default: (...a: unknown[]) => {
    const [value, fallback] = args(a);
    return value === undefined || value === null ? fallback : value;
  },
  join: (...a: unknown[]) => {
    const [list, sep] = args(a);
    return Array.isArray(list) ? list.map(str).join(typeof sep === 'string' ? sep : ',') : str(list);
  },
  lower: (...a: unknown[]) => str(args(a)[0]).toLowerCase(),
  upper: (...a: unknown[]) => str(args(a)[0]).toUpperCase(),
  trim: (...a: unknown[]) => str(args(a)[0]).trim(),
  basename: (...a: unknown[]) => path.posix.basename(str(args(a)[0])),
  dirname: (...a: unknown[]) => path.posix.dirname(str(args(a)[0])),
  replace: (...a: unknown[]) => {
    const [s, from, to] = args(a);
    return str(s).split(str(from)).join(str(to));
  },
  // Serializers work on a bounded plain copy: a value whose parts are shared would otherwise print exponentially.
  to_json: (...a: unknown[]) => JSON.stringify(materialize(args(a)[0] ?? null)),
  to_nice_json: (...a: unknown[]) => {
    const [v, indent] = args(a);
    return JSON.stringify(sortKeys(materialize(v ?? null)), null, typeof indent === 'number' ? indent : 4);
  },
  to_yaml: (...a: unknown[]) => toYamlText(materialize(args(a)[0] ?? null)).trimEnd(),
  /** `{{#if (version v "2.0" ">=")}}`: compares dotted version numbers like Ansible's `version` test. */
  version: (...a: unknown[]) => {
    const [left, right, op] = args(a);
    const cmp = compareVersions(str(left), str(right));
    switch (typeof op === 'string' ? op : '==') {
      case '<': case 'lt': return cmp < 0;
      case '<=': case 'le': return cmp <= 0;
      case '>': case 'gt': return cmp > 0;
      case '>=': case 'ge': return cmp >= 0;
      case '!=': case 'ne': return cmp !== 0;
      default: return cmp === 0;
    }
  },
  eq: (...a: unknown[]) => {
    const [x, y] = args(a);
    return x === y;
  },
  ne: (...a: unknown[]) => {
    const [x, y] = args(a);
    return x !== y;
  },
  not: (...a: unknown[]) => !args(a)[0],
  and: (...a: unknown[]) => args(a).every(Boolean),
  or: (...a: unknown[]) => args(a).some(Boolean),
};
