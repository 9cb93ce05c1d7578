// unarchive's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';

export const unarchiveSchema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    remote_src: { type: 'boolean' },
    creates: { type: 'string', minLength: 1 },
    extra_opts: { type: 'array', items: { type: 'string' } },
    include: { type: 'array', items: { type: 'string', minLength: 1 } },
    exclude: { type: 'array', items: { type: 'string', minLength: 1 } },
    keep_newer: { type: 'boolean' },
    owner: accountNameSchema,
    group: accountNameSchema,
    mode: modeSchema,
    list_files: { type: 'boolean' },
    validate_certs: { type: 'boolean' },
    // Ansible's legacy inverse of remote_src (copy: false is remote_src: true); not both.
    copy: { type: 'boolean' },
    // Accepted: Ansible's read buffer size for its own zip reader; tar and unzip need none.
    io_buffer_size: { type: 'integer', minimum: 1 },
    // Accepted: Ansible decrypts a vault-encrypted controller src; fleetplay reads the archive as it is.
    decrypt: { type: 'boolean' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

export type UnarchiveArgs = FromSchema<typeof unarchiveSchema>;
