// The systemd module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';

export const systemdSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9:_.@\\\\-]+$', aliases: ['service', 'unit'] },
    state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'boolean' },
    masked: { type: 'boolean' },
    daemon_reload: { type: 'boolean', aliases: ['daemon-reload'] },
    daemon_reexec: { type: 'boolean', aliases: ['daemon-reexec'] },
    scope: { enum: ['system', 'user', 'global'] },
    no_block: { type: 'boolean' },
    force: { type: 'boolean' },
    // The service module's own arguments (service is this module): Ansible's service action drops
    // these for its systemd backend with a warning, so they are accepted and have no effect.
    sleep: { type: 'integer', minimum: 0 },
    pattern: { type: 'string' },
    runlevel: { type: 'string' },
    arguments: { type: 'string', aliases: ['args'] },
    // service's backend: a module name in Ansible (sysvinit, openwrt_init, …), known only when the task
    // runs; systemd is the only backend here, so another name fails that task (probe.ts), not the playbook.
    use: { type: 'string', minLength: 1 },
    // fleetplay's own: stopping/disabling a unit that does not exist is ok instead of failing.
    missing_ok: { type: 'boolean' },
  },
  anyOf: [{ required: ['name'] }, { required: ['daemon_reload'] }, { required: ['daemon_reexec'] }],
  dependentRequired: { state: ['name'], enabled: ['name'], masked: ['name'], missing_ok: ['name'] },
  additionalProperties: false,
} as const;

export type SystemdArgs = FromSchema<typeof systemdSchema>;
