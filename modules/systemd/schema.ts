// The systemd module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';

export const systemdSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9:_.@\\\\-]+$' },
    state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'boolean' },
    masked: { type: 'boolean' },
    daemon_reload: { type: 'boolean' },
    scope: { enum: ['system'] },
    // fleetplay's own: stopping/disabling a unit that does not exist is ok instead of failing.
    missing_ok: { type: 'boolean' },
  },
  anyOf: [{ required: ['name'] }, { required: ['daemon_reload'] }],
  dependentRequired: { state: ['name'], enabled: ['name'], masked: ['name'], missing_ok: ['name'] },
  additionalProperties: false,
} as const;

export type SystemdArgs = FromSchema<typeof systemdSchema>;
