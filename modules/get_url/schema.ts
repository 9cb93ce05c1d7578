// get_url's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { ONE_LINE_PATTERN } from '../lib/argumentRules.ts';
import { accountNameSchema, modeSchema, oneLineSchema } from '../lib/schemas.ts';

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
    url_username: { ...oneLineSchema, aliases: ['username'] },
    // Secret (secretArgs): masked in output, sent to the host on stdin only.
    url_password: { ...oneLineSchema, aliases: ['password'] },
    force_basic_auth: { type: 'boolean' },
    headers: {
      type: 'object',
      propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
      additionalProperties: {
        anyOf: [{ type: 'string', pattern: ONE_LINE_PATTERN }, { type: 'number' }, { type: 'boolean' }],
      },
    },
    http_agent: oneLineSchema,
    use_proxy: { type: 'boolean' },
    tmp_dest: { type: 'string', minLength: 1 },
    backup: { type: 'boolean' },
  },
  required: ['url', 'dest'],
  additionalProperties: false,
} as const;

export type GetUrlArgs = FromSchema<typeof getUrlSchema>;
