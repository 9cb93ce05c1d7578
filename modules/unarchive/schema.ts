// unarchive's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema } from '../lib/schemas.ts';

export const unarchiveSchema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    remote_src: { type: 'boolean' },
    creates: { type: 'string', minLength: 1 },
    extra_opts: { type: 'array', items: { type: 'string' } },
    include: { type: 'array', items: { type: 'string', minLength: 1 } },
    owner: accountNameSchema,
    group: accountNameSchema,
    list_files: { type: 'boolean' },
    validate_certs: { type: 'boolean' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

export type UnarchiveArgs = FromSchema<typeof unarchiveSchema>;
