// unarchive's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema } from '../lib/schemas.ts';
import { anyModeSchema } from '../lib/symbolicMode.ts';

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
    // Octal, or symbolic (`u+rwX,go-w`): resolved against each member's mode, as Ansible does. A bad
    // symbolic mode fails the task with Ansible's message and `details` (probe.ts), templated or not.
    mode: {
      anyOf: [anyModeSchema.anyOf[0], { type: 'string', minLength: 1 }],
      description: "octal ('0644') or symbolic ('u+rwX,go-w'), applied to every member but symlinks",
    },
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
