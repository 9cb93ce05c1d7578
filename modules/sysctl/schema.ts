// The sysctl module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { ONE_LINE_PATTERN } from '../lib/argumentRules.ts';
import { oneLineSchema } from '../lib/schemas.ts';

export const sysctlSchema = {
  type: 'object',
  properties: {
    // No leading '-': sysctl would read it as an option, and in a sysctl file it means "ignore errors".
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*([./][A-Za-z0-9_:@-]+)*$',
      description: "a sysctl key such as net.ipv4.ip_forward (not starting with '-')",
    },
    // `pattern` applies to a string value only: no newline, CR or NUL (one line of the file).
    value: {
      type: ['string', 'number', 'boolean'],
      pattern: ONE_LINE_PATTERN,
      description: 'a number, a boolean or one line of text (no newline, carriage return or NUL)',
    },
    state: { enum: ['present', 'absent'] },
    sysctl_file: { ...oneLineSchema, minLength: 1 },
    reload: { type: 'boolean' },
    sysctl_set: { type: 'boolean' },
  },
  required: ['name'],
  if: { properties: { state: { const: 'absent' } }, required: ['state'] },
  else: { required: ['value'] },
  additionalProperties: false,
} as const;

export type SysctlArgs = FromSchema<typeof sysctlSchema>;
