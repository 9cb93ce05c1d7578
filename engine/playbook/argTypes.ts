// Converts literal string arguments to the type a module declares, as Ansible's argument spec does:
// `update_cache=yes` and `port=22` are text in the key=value form, and `timeout: "5"` is text in YAML.
import { isTemplated } from '../template/render.ts';
import type { Vars } from '../types.ts';
import { booleanWord } from './keywords.ts';

/**
 * A copy of `args` where each literal string whose property is declared as exactly boolean, integer
 * or number (in `schema.properties`) holds that type when it reads as one. Anything else, templated
 * strings included, is left for the schema check (templates are checked after rendering).
 */
export function coerceArgTypes(schema: Record<string, unknown>, args: Vars): Vars {
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const out: Vars = {};
  for (const [key, value] of Object.entries(args)) {
    const type = Object.hasOwn(properties, key) ? properties[key]?.type : undefined;
    Object.defineProperty(out, key, {
      value: typeof value === 'string' && !isTemplated(value) ? convert(value, type) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function convert(value: string, type: unknown): unknown {
  if (type === 'boolean') return booleanWord(value) ?? value;
  if (type === 'integer' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  if (type === 'number' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return value;
}
