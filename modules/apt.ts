// apt: install, upgrade, remove or purge Debian packages, autoremove, and update the apt cache, with
// Ansible's arguments. Only apt-get and dpkg-query run on the host; plans come from `apt-get -s`.
import type { ModuleDefinition } from '../engine/types.ts';
import { planApt } from './apt/plan.ts';
import { aptRequest, PACKAGE_PATTERN } from './apt/request.ts';

const packages = {
  anyOf: [
    { type: 'string', pattern: `^\\s*${PACKAGE_PATTERN}(\\s*,\\s*${PACKAGE_PATTERN})*\\s*$` },
    { type: 'array', items: { type: 'string', pattern: `^${PACKAGE_PATTERN}$` } },
  ],
} as const;

/** The apt module (alias `package` is not taken: that is a generic module in Ansible). */
export const aptModule: ModuleDefinition = {
  name: 'apt',
  runsOn: 'host',
  schema: {
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
  },
  plan: (args, ctx) => planApt(aptRequest(args), ctx),
};
