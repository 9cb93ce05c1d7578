// ini_file's arguments (community.general.ini_file): the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { ONE_LINE_PATTERN } from '../lib/argumentRules.ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';

/** A value written into one line of the file: text (no newline, CR or NUL), a number or a boolean (Ansible's str conversion). */
const lineValue = {
  type: ['string', 'number', 'boolean'],
  pattern: ONE_LINE_PATTERN,
  description: 'one line of text (no newline, carriage return or NUL), a number or a boolean',
} as const;

export const iniFileSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, aliases: ['dest'] },
    // null, '' or omitted: the option goes before the first section.
    section: { type: ['string', 'null'], pattern: ONE_LINE_PATTERN },
    section_has_values: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          option: { type: 'string', pattern: ONE_LINE_PATTERN },
          value: { anyOf: [lineValue, { type: 'null' }] },
          values: { type: 'array', items: lineValue },
        },
        required: ['option'],
        not: { required: ['value', 'values'] },
        additionalProperties: false,
      },
    },
    option: { type: ['string', 'null'], pattern: ONE_LINE_PATTERN },
    value: { anyOf: [lineValue, { type: 'null' }] },
    values: { type: 'array', items: lineValue },
    state: { enum: ['present', 'absent'] },
    exclusive: { type: 'boolean' },
    no_extra_spaces: { type: 'boolean' },
    ignore_spaces: { type: 'boolean' },
    allow_no_value: { type: 'boolean' },
    modify_inactive_option: { type: 'boolean' },
    create: { type: 'boolean' },
    backup: { type: 'boolean' },
    follow: { type: 'boolean' },
    mode: modeSchema,
    owner: accountNameSchema,
    group: accountNameSchema,
  },
  required: ['path'],
  // Ansible: "parameters are mutually exclusive: value|values".
  not: { required: ['value', 'values'] },
  additionalProperties: false,
} as const;

/** The arguments, as ajv checked them. */
export type IniFileArgs = FromSchema<typeof iniFileSchema>;
