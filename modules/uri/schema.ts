// uri's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';

/** uri's argument schema (Ansible's names; `user`/`password` are aliases of url_username/url_password). */
export const uriSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', pattern: '^https?://\\S+$' },
    // Ansible takes any method name and upper-cases it.
    method: { type: 'string', pattern: '^[A-Za-z]+$' },
    body: {},
    body_format: { enum: ['raw', 'json', 'form-urlencoded'] },
    headers: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    status_code: {
      anyOf: [
        { type: 'integer' },
        { type: 'array', items: { type: 'integer' }, minItems: 1 },
        { type: 'string', pattern: '^\\s*-?\\d+(\\s*,\\s*-?\\d+)*\\s*$' },
      ],
    },
    return_content: { type: 'boolean' },
    timeout: { type: 'integer', minimum: 1 },
    validate_certs: { type: 'boolean' },
    follow_redirects: { anyOf: [{ type: 'boolean' }, { enum: ['all', 'safe', 'none', 'urllib2', 'yes', 'no'] }] },
    force_basic_auth: { type: 'boolean' },
    url_username: { type: 'string', aliases: ['user'] },
    url_password: { type: 'string', aliases: ['password'] },
    creates: { type: 'string', minLength: 1 },
    removes: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    unix_socket: { type: 'string', minLength: 1 },
    http_agent: { type: 'string' },
    ca_path: { type: 'string', minLength: 1 },
    client_cert: { type: 'string', minLength: 1 },
    client_key: { type: 'string', minLength: 1 },
  },
  required: ['url'],
  additionalProperties: false,
} as const;

/** uri's arguments as ajv checked them. */
export type UriArgs = FromSchema<typeof uriSchema>;
