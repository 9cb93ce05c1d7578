// The group module's arguments (ansible.builtin.group): the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema } from '../lib/schemas.ts';

/** The JSON Schema of the group module's arguments. */
export const groupSchema = {
  type: 'object',
  properties: {
    // Never starting with '-' (an option of groupadd), no ':' or whitespace (fields of /etc/group).
    name: accountNameSchema,
    state: { enum: ['present', 'absent'] },
    gid: { type: 'integer', minimum: 0, maximum: 4294967294 },
    system: { type: 'boolean' },
    non_unique: { type: 'boolean' },
    force: { type: 'boolean' },
  },
  required: ['name'],
  // As Ansible: non_unique needs a gid.
  if: { properties: { non_unique: { const: true } }, required: ['non_unique'] },
  then: { required: ['gid'] },
  additionalProperties: false,
} as const;

/** The group module's arguments, as the schema describes them. */
export type GroupArgs = FromSchema<typeof groupSchema>;
