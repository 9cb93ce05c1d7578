// Ansible's other names for a module's arguments (`dest` and `name` for file's `path`), declared in the
// module's schema as `aliases` on the property: they are renamed to the property's own name before the
// arguments are checked, so a module only ever sees one name.

/** Arguments with aliases renamed; `written` maps a renamed argument back to the key the task used. */
export interface CanonicalArgs {
  args: Record<string, unknown>;
  written: Map<string, string>;
  /** An argument given under two of its names. */
  problems: Array<{ key: string; message: string }>;
}

const cache = new WeakMap<object, Map<string, string>>();

/** alias -> property name, for one module schema. */
function aliasTable(schema: Record<string, unknown>): Map<string, string> {
  let table = cache.get(schema);
  if (table) return table;
  table = new Map();
  const props = (schema.properties ?? {}) as Record<string, { aliases?: unknown }>;
  for (const [name, prop] of Object.entries(props)) {
    if (!Array.isArray(prop?.aliases)) continue;
    for (const alias of prop.aliases) if (typeof alias === 'string') table.set(alias, name);
  }
  cache.set(schema, table);
  return table;
}

/** Renames the aliases in `args` (a fresh object when any is found; `args` itself otherwise). */
export function canonicalArgs(schema: Record<string, unknown>, args: Record<string, unknown>): CanonicalArgs {
  const table = aliasTable(schema);
  const written = new Map<string, string>();
  const problems: CanonicalArgs['problems'] = [];
  if (table.size === 0 || !Object.keys(args).some((k) => table.has(k))) return { args, written, problems };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    const name = table.get(k) ?? k;
    const earlier = name in out ? (written.get(name) ?? name) : undefined;
    if (earlier !== undefined) {
      problems.push({ key: k, message: `'${k}' and '${earlier}' are the same argument (${name}): give it once` });
      continue;
    }
    // Defined, not assigned: an `__proto__` key must stay a key.
    Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
    if (name !== k) written.set(name, k);
  }
  return { args: out, written, problems };
}
