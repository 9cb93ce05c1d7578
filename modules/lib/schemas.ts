// JSON Schema fragments shared by module argument schemas.

/** A file mode: a YAML octal number (0644 → 420) or an octal string ("0644"). */
export const modeSchema = {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 0o7777 },
    { type: 'string', pattern: '^0?[0-7]{3,4}$' },
  ],
} as const;

/** A string or a list of strings (Ansible accepts both for names and conditions). */
export const stringOrList = {
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
} as const;
