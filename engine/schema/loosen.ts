// Editor schemas see YAML as written, before fleetplay converts it: `enabled: yes`, `port: "22"` and any
// `{{ template }}` are fine there because the loader turns them into the declared type, or renders them
// per host. These helpers widen a property schema to what the loader accepts as written, and no further.
type Schema = Record<string, unknown>;

/** A string the loader renders later: it holds `{{ … }}` or `{% … %}`. */
export const TEMPLATE: Schema = { type: 'string', pattern: '\\{\\{|\\{%', description: 'a template, rendered per host' };

// Ansible's boolean words, any case (JSON Schema patterns have no case-insensitive flag).
const BOOLEAN_WORD = '^([yY]|[yY][eE][sS]|[nN]|[nN][oO]|[oO][nN]|[oO][fF][fF]|[tT]|[tT][rR][uU][eE]|[fF]|[fF][aA][lL][sS][eE]|1|0)$';
const NUMBER_TEXT = '^\\s*-?\\d+(\\.\\d+)?\\s*$';

/** The types a schema declares (`type: 'x'` or `type: ['x', 'y']`). */
function typesOf(s: Schema): string[] {
  return typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
}

/**
 * `s` widened to what the loader accepts as written (with `deep`, what it contains too: a templated list item): booleans also as Ansible's boolean words, numbers
 * also as digits in a string, lists also as a comma-separated string, and every value also as a template.
 * Fleetplay's own `aliases` keyword is dropped (the caller lists aliases as properties).
 */
export function loosen(s: unknown, deep = false): Schema {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return {};
  const { aliases: _aliases, ...schema } = deep ? inner(s as Schema) : (s as Schema);
  const types = typesOf(schema);
  if (types.length === 1 && types[0] === 'string' && schema.pattern === undefined && schema.enum === undefined) return schema;
  const alternatives: Schema[] = [withoutDescription(schema)];
  if (types.includes('boolean')) alternatives.push({ type: 'string', pattern: BOOLEAN_WORD }, { enum: [0, 1] });
  if (types.includes('integer') || types.includes('number')) alternatives.push({ type: 'string', pattern: NUMBER_TEXT });
  if (types.includes('array')) alternatives.push({ type: 'string' });
  if (!types.includes('string') || schema.pattern !== undefined || schema.enum !== undefined) alternatives.push(TEMPLATE);
  return {
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.default !== undefined ? { default: schema.default } : {}),
    anyOf: alternatives,
  };
}

/** `s` with what it contains loosened too: list items, a mapping's properties, each alternative. */
function inner(s: Schema): Schema {
  const out: Schema = { ...s };
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) out.items = loosen(s.items, true);
  if (s.properties && typeof s.properties === 'object') out.properties = loosenProperties(s.properties as Record<string, unknown>, true);
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map((a) => loosen(a, true));
  return out;
}

function withoutDescription(s: Schema): Schema {
  const { description: _d, default: _default, ...rest } = s;
  return rest;
}

/**
 * An object schema's properties, each loosened, with every alias a property lists added as a property of
 * its own ("alias of path").
 */
export function loosenProperties(properties: Record<string, unknown>, deep = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(properties)) {
    const wide = loosen(prop, deep);
    out[name] = wide;
    const aliases = (prop as Schema | undefined)?.aliases;
    if (Array.isArray(aliases))
      for (const alias of aliases) if (typeof alias === 'string') out[alias] = { ...wide, description: `alias of ${name}` };
  }
  return out;
}
