// JSON Schema fragments shared by module argument schemas.
import { ACCOUNT_NAME_PATTERN, LIST_WORD_PATTERN, ONE_LINE_PATTERN } from './argumentRules.ts';

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

/** An owner or group for chown: never starting with '-', no ':', no whitespace (see argumentRules.ts). */
export const accountNameSchema = {
  type: 'string',
  minLength: 1,
  pattern: ACCOUNT_NAME_PATTERN,
  description: "a user or group name (not starting with '-', without ':', whitespace or control characters)",
} as const;

/** A string written as one line of a config file: no newline, carriage return or NUL. */
export const oneLineSchema = {
  type: 'string',
  pattern: ONE_LINE_PATTERN,
  description: 'one line of text (no newline, carriage return or NUL: it is written into a line-oriented file)',
} as const;

/**
 * A space-separated list field of one config line: a string of words, or a list of single words. Not an
 * anyOf: `pattern` only applies to strings and `items` only to lists, so a bad item is the only error reported.
 */
export const wordListSchema = {
  type: ['string', 'array'],
  pattern: ONE_LINE_PATTERN,
  description: 'one line of space-separated words, or a list of words (no newline, carriage return or NUL)',
  items: {
    type: 'string',
    pattern: LIST_WORD_PATTERN,
    description: 'one word (no whitespace or control characters: it is one word of a line of the file)',
  },
} as const;
