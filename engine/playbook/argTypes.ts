// Converts literal arguments to the type a module declares, as Ansible's argument spec does
// (module_utils/common/validation.py, check_type_*): `update_cache=yes` and `port=22` are text in the
// key=value form, `timeout: "5"` is text in YAML, `creates: yes` is a boolean where a path is expected
// (Ansible makes it the text 'True'), and `names: a,b` is one string where a list is expected.
import { isTemplated } from '../template/render.ts';
import type { Vars } from '../types.ts';
import { booleanWord } from './keywords.ts';

type Property = { type?: unknown; items?: unknown };

/**
 * A copy of `args` where each literal value whose property declares exactly one type (in
 * `schema.properties`) is converted to that type when Ansible would convert it:
 * - boolean from the words yes/no/true/false/on/off/1/0 (and the numbers 1 and 0);
 * - integer from integral text or an integral float; number from numeric text;
 * - string from a boolean ('True'/'False', Python's spelling) or a number;
 * - array from a comma-separated string (split on ',' and nothing else, as Ansible does) or a number,
 *   and each item to the items' declared type.
 * Anything else, templated strings included, is left for the schema check (templates are checked after
 * rendering). Properties that admit several types are left alone: the value already fits one of them.
 */
export function coerceArgTypes(schema: Record<string, unknown>, args: Vars): Vars {
  const properties = (schema.properties ?? {}) as Record<string, Property>;
  const out: Vars = {};
  for (const [key, value] of Object.entries(args)) {
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    Object.defineProperty(out, key, {
      value: property ? convert(value, property) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** `value` as the property's type when Ansible converts it, else unchanged. */
function convert(value: unknown, property: Property): unknown {
  if (typeof value === 'string' && isTemplated(value)) return value;
  switch (property.type) {
    case 'boolean':
      if (typeof value === 'string') return booleanWord(value) ?? value;
      if (value === 1 || value === 0) return value === 1;
      return value;
    case 'integer':
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
      return value;
    case 'number':
      if (typeof value === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
      return value;
    case 'string':
      return typeof value === 'boolean' || typeof value === 'number' ? pythonText(value) : value;
    case 'array': {
      const items = (property.items ?? {}) as Property;
      const list = typeof value === 'string' ? value.split(',') : typeof value === 'number' ? [pythonText(value)] : value;
      return Array.isArray(list) ? list.map((item) => convert(item, items)) : list;
    }
    default:
      return value;
  }
}

/**
 * How Python's str() writes a boolean or a number: True, False, 5, 1.5. A YAML float with no fraction
 * (`2.0`) reaches here as the number 2 and becomes '2', where Python writes '2.0'.
 */
export function pythonText(value: boolean | number): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}
