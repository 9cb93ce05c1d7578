// The apt module's arguments: the schema ajv checks, and the type it describes. Every argument and alias
// Ansible documents for ansible.builtin.apt (request.ts reads them with Ansible's defaults).
import type { FromSchema } from 'json-schema-to-ts';
import { PACKAGE_PATTERN } from '../lib/aptSources.ts';

// A name may be an fnmatch glob (`hel?o`, `python3-*`), expanded against apt's package names (glob.ts).
const GLOB_PATTERN = '[a-z0-9*?\\[][a-z0-9+.*?\\[\\]!-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+:~*-]+)?';
const NAME = `(${PACKAGE_PATTERN}|${GLOB_PATTERN})`;

// `*` (with state: latest) upgrades every installed package, as in Ansible.
const packages = {
  anyOf: [
    { type: 'string', pattern: `^\\s*(\\*|${NAME}(\\s*,\\s*${NAME})*)\\s*$` },
    { type: 'array', items: { type: 'string', pattern: `^(\\*|${NAME})$` } },
  ],
} as const;

const oneLine = { type: 'string', minLength: 1, pattern: '^[^\\n\\r\\x00]*$' } as const;

export const aptModuleSchema = {
  type: 'object',
  properties: {
    name: packages,
    pkg: packages,
    package: packages,
    deb: {
      ...oneLine,
      description: 'an absolute path to a .deb on the host, or a URL (with ://) the host downloads',
    },
    state: { enum: ['present', 'absent', 'latest', 'fixed', 'build-dep'] },
    purge: { type: 'boolean' },
    autoremove: { type: 'boolean' },
    autoclean: { type: 'boolean' },
    clean: { type: 'boolean' },
    fail_on_autoremove: { type: 'boolean' },
    only_upgrade: { type: 'boolean' },
    // YAML 1.1 reads `upgrade: yes` / `no` as booleans; Ansible maps them onto its choices.
    upgrade: { anyOf: [{ enum: ['dist', 'full', 'no', 'safe', 'yes'] }, { type: 'boolean' }] },
    update_cache: { type: 'boolean', aliases: ['update-cache'] },
    update_cache_retries: { type: 'integer', minimum: 0, maximum: 100 },
    update_cache_retry_max_delay: { type: 'integer', minimum: 0, maximum: 3600 },
    cache_valid_time: { type: 'integer', minimum: 0 },
    default_release: { ...oneLine, aliases: ['default-release'] },
    install_recommends: { type: 'boolean', aliases: ['install-recommends'] },
    allow_unauthenticated: { type: 'boolean', aliases: ['allow-unauthenticated'] },
    allow_downgrade: { type: 'boolean', aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'] },
    allow_change_held_packages: { type: 'boolean' },
    force: { type: 'boolean' },
    force_apt_get: { type: 'boolean' },
    // Comma-separated dpkg options without their leading `--`, e.g. force-confdef,force-confold.
    dpkg_options: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9=_./*-]*(,[A-Za-z0-9][A-Za-z0-9=_./*-]*)*$' },
    policy_rc_d: { type: 'integer', minimum: 0, maximum: 255 },
    lock_timeout: { type: 'integer', minimum: 0 },
  },
  anyOf: [
    { required: ['name'] },
    { required: ['pkg'] },
    { required: ['package'] },
    { required: ['deb'] },
    { required: ['upgrade'] },
    { required: ['autoremove'] },
    { required: ['autoclean'] },
    { required: ['clean'] },
    { required: ['update_cache'] },
    { required: ['cache_valid_time'] },
  ],
  not: {
    anyOf: [
      { required: ['name', 'pkg'] },
      { required: ['name', 'package'] },
      { required: ['pkg', 'package'] },
      // Ansible: deb, package and upgrade are mutually exclusive.
      { required: ['deb', 'name'] },
      { required: ['deb', 'pkg'] },
      { required: ['deb', 'package'] },
    ],
  },
  additionalProperties: false,
} as const;

export type AptArgs = FromSchema<typeof aptModuleSchema>;
