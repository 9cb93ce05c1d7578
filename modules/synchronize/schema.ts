// synchronize's arguments (ansible.posix.synchronize), as far as push over fleetplay's connection goes.
import type { FromSchema } from 'json-schema-to-ts';

/** synchronize's arguments: Ansible's names and defaults (archive and compress on, the rest off or following archive). */
export const synchronizeSchema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    mode: { enum: ['push', 'pull'] },
    delete: { type: 'boolean' },
    recursive: { type: 'boolean' },
    archive: { type: 'boolean' },
    checksum: { type: 'boolean' },
    compress: { type: 'boolean' },
    dirs: { type: 'boolean' },
    links: { type: 'boolean' },
    copy_links: { type: 'boolean' },
    owner: { type: 'boolean' },
    group: { type: 'boolean' },
    perms: { type: 'boolean' },
    times: { type: 'boolean' },
    existing_only: { type: 'boolean' },
    partial: { type: 'boolean' },
    rsync_timeout: { type: 'integer', minimum: 0 },
    rsync_opts: {
      anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
    },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

/** synchronize's arguments as ajv checked them. */
export type SyncArgs = FromSchema<typeof synchronizeSchema>;
