// The modprobe module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { oneLineSchema } from '../lib/schemas.ts';

export const modprobeSchema = {
  type: 'object',
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*$',
      description: "a kernel module name (letters, digits, _ and -, not starting with '-')",
    },
    state: { enum: ['present', 'absent'] },
    // Written into /etc/modprobe.d/<name>.conf as one `options` line: a newline would start a line of its own (`install … /bin/sh -c …`).
    params: oneLineSchema,
    persistent: { enum: ['present', 'absent', 'disabled'] },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

export type ModprobeArgs = FromSchema<typeof modprobeSchema>;
