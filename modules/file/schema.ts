// The file module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';

export const fileSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, aliases: ['dest', 'name'] },
    state: { enum: ['file', 'directory', 'absent', 'touch', 'link'] },
    src: { type: 'string' },
    mode: modeSchema,
    owner: accountNameSchema,
    group: accountNameSchema,
    force: { type: 'boolean' },
  },
  required: ['path'],
  additionalProperties: false,
  if: { properties: { state: { const: 'link' } }, required: ['state'] },
  then: { required: ['src'] },
} as const;

export type FileArgs = FromSchema<typeof fileSchema>;
