// The user module's arguments (ansible.builtin.user): the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { accountNameSchema } from '../lib/schemas.ts';

/** A passwd field: one line without ':' (it separates the fields of /etc/passwd). */
const FIELD = '^[^:\\n\\r\\x00]*$';

/** The JSON Schema of the user module's arguments. */
export const userSchema = {
  type: 'object',
  properties: {
    // Never starting with '-' (an option of useradd), no ':' or whitespace (fields of /etc/passwd).
    name: accountNameSchema,
    state: { enum: ['present', 'absent'] },
    uid: { type: 'integer', minimum: 0, maximum: 4294967294 },
    non_unique: { type: 'boolean' },
    group: accountNameSchema,
    // A list, or one string of names separated by commas (Ansible takes both); '' or [] means none.
    groups: {
      type: ['string', 'array'],
      pattern: FIELD,
      items: { type: 'string', pattern: FIELD },
      description: 'group names: a list, or one string separated by commas',
    },
    append: { type: 'boolean' },
    shell: { type: 'string', pattern: FIELD },
    home: { type: 'string', pattern: '^/[^:\\n\\r\\x00]*$', description: 'an absolute path (useradd takes no other)' },
    create_home: { type: 'boolean', aliases: ['createhome'] },
    move_home: { type: 'boolean' },
    system: { type: 'boolean' },
    comment: { type: 'string', pattern: FIELD },
    // A hash, checked in the probe (no ':' or newline) so that no message ever shows it.
    password: { type: 'string' },
    update_password: { enum: ['always', 'on_create'] },
    password_lock: { type: 'boolean' },
    remove: { type: 'boolean' },
    force: { type: 'boolean' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

/** The user module's arguments, as the schema describes them. */
export type UserArgs = FromSchema<typeof userSchema>;
