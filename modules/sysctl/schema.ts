// The sysctl module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { ONE_LINE_PATTERN } from '../lib/argumentRules.ts';
import { oneLineSchema } from '../lib/schemas.ts';

/**
 * A boolean switch as Ansible's argument spec takes it: a boolean, or (what a template such as
 * `reload: "{{ kernel_reload_effective }}"` may render to) a boolean word or 0/1. See `flag` in text.ts.
 */
const switchSchema = {
  anyOf: [
    { type: 'boolean' },
    { enum: [0, 1] },
    {
      type: 'string',
      pattern: '^\\s*([yY]([eE][sS])?|[nN][oO]?|[oO][nN]|[oO][fF][fF]|[tT]([rR][uU][eE])?|[fF]([aA][lL][sS][eE])?|[01])\\s*$',
    },
  ],
  description: 'a boolean (true/false, yes/no, on/off, 1/0)',
} as const;

export const sysctlSchema = {
  type: 'object',
  properties: {
    // No leading '-': sysctl would read it as an option, and in a sysctl file it means "ignore errors".
    name: {
      type: 'string',
      aliases: ['key'],
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*([./][A-Za-z0-9_:@-]+)*$',
      description: "a sysctl key such as net.ipv4.ip_forward (not starting with '-')",
    },
    // `pattern` applies to a string value only: no newline, CR or NUL (one line of the file).
    value: {
      type: ['string', 'number', 'boolean'],
      aliases: ['val'],
      pattern: ONE_LINE_PATTERN,
      description: 'a number, a boolean or one line of text (no newline, carriage return or NUL)',
    },
    state: { enum: ['present', 'absent'] },
    sysctl_file: { ...oneLineSchema, minLength: 1 },
    reload: switchSchema,
    sysctl_set: switchSchema,
    // Ansible passes -e to sysctl -w and sysctl -p: an unknown key is not an error.
    ignoreerrors: switchSchema,
  },
  required: ['name'],
  if: { properties: { state: { const: 'absent' } }, required: ['state'] },
  else: { required: ['value'] },
  additionalProperties: false,
} as const;

export type SysctlArgs = FromSchema<typeof sysctlSchema>;
