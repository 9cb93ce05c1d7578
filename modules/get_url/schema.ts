// get_url's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';

export const getUrlSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', pattern: '^(https?|ftp)://\\S+$' },
    dest: { type: 'string', minLength: 1 },
    checksum: { type: 'string', pattern: '^sha256:\\S+$' },
    mode: modeSchema,
    owner: accountNameSchema,
    group: accountNameSchema,
    timeout: { type: 'integer', minimum: 1 },
    force: { type: 'boolean' },
    validate_certs: { type: 'boolean' },
  },
  required: ['url', 'dest'],
  additionalProperties: false,
} as const;

export type GetUrlArgs = FromSchema<typeof getUrlSchema>;
