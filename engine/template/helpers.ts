// Handlebars helpers standing in for the Ansible filters people use most. Syntax: {{default x "y"}}.
import path from 'node:path';
import type { HelperDelegate } from 'handlebars';
import { stringify as toYamlText } from 'yaml';
import { materialize } from './scope.ts';
import { compareVersions } from '../expr/version.ts';
import { templateText } from './text.ts';

/** Handlebars passes an options hash as the last argument; helpers drop it. */
function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

// Helpers print values the way mustaches do: lists and mappings as Python's repr.
const str = templateText;

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
  /** `{{#if (version v "2.0" ">=")}}`: Ansible's `version` test (loose order, or "semver" as a 4th argument). */
  version: (...a: unknown[]) => {
    const [left, right, op, type] = args(a);
    return compareVersions(str(left), str(right), typeof op === 'string' ? op : '==', type);
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
