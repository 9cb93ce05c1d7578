// The apt module's arguments: the schema ajv checks, and the type it describes.
import type { FromSchema } from 'json-schema-to-ts';
import { PACKAGE_PATTERN } from '../lib/aptSources.ts';

const packages = {
  anyOf: [
    { type: 'string', pattern: `^\\s*${PACKAGE_PATTERN}(\\s*,\\s*${PACKAGE_PATTERN})*\\s*$` },
    { type: 'array', items: { type: 'string', pattern: `^${PACKAGE_PATTERN}$` } },
  ],
} as const;

export const aptSchema = {
  type: 'object',
  properties: {
    name: packages,
    pkg: packages,
    package: packages,
    state: { enum: ['present', 'absent', 'latest'] },
    purge: { type: 'boolean' },
    autoremove: { type: 'boolean' },
    update_cache: { type: 'boolean' },
    cache_valid_time: { type: 'integer', minimum: 0 },
    install_recommends: { type: 'boolean' },
    allow_change_held_packages: { type: 'boolean' },
    lock_timeout: { type: 'integer', minimum: 0 },
  },
  anyOf: [
    { required: ['name'] },
    { required: ['pkg'] },
    { required: ['package'] },
    { required: ['autoremove'] },
    { required: ['update_cache'] },
    { required: ['cache_valid_time'] },
  ],
  not: { anyOf: [{ required: ['name', 'pkg'] }, { required: ['name', 'package'] }, { required: ['pkg', 'package'] }] },
  additionalProperties: false,
} as const;

export type AptArgs = FromSchema<typeof aptSchema>;
