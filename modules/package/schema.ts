// The package module's arguments: apt's own (Ansible passes every argument but `use` through to the
// backend module), plus `use`, the old state words `installed` and `removed`, and apt's allow_downgrade
// where it changes nothing (public roles pass it through package: geerlingguy.docker).
import type { FromSchema } from 'json-schema-to-ts';
import { aptRequest } from '../apt/request.ts';
import { aptSchema, type AptArgs } from '../apt/schema.ts';

/**
 * `installed` and `removed` are the spellings yum/dnf roles use; Ansible's apt module took them as
 * synonyms of present and absent until 2.9 and refuses them since. fleetplay keeps them for package.
 */
const STATE_SYNONYMS = { installed: 'present', removed: 'absent' } as const;

/** The schema ajv checks: apt's, with `use`, `allow_downgrade` and the two extra state words. */
export const packageSchema = {
  ...aptSchema,
  properties: {
    ...aptSchema.properties,
    state: { enum: ['present', 'absent', 'latest', 'installed', 'removed'] },
    // Ansible takes any package manager module here; fleetplay has only apt.
    use: { enum: ['auto', 'apt'] },
    // apt's option (Ansible 2.12+), with apt's other spellings; see downgradeRefusal.
    allow_downgrade: { type: 'boolean', aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'] },
  },
} as const;

/** The package module's arguments, as ajv checked them. */
export type PackageArgs = FromSchema<typeof packageSchema>;

/** The arguments the apt module gets: `use` and `allow_downgrade` dropped, the old state words mapped to apt's. */
export function toAptArgs(args: PackageArgs): AptArgs {
  const { use: _use, allow_downgrade: _downgrade, state, ...rest } = args;
  if (state === undefined) return rest;
  return { ...rest, state: state === 'installed' || state === 'removed' ? STATE_SYNONYMS[state] : state };
}

/**
 * apt's allow_downgrade only matters for a package named with a version (`name=version`) lower than the
 * installed one; fleetplay's apt module cannot downgrade, so that case is refused. Without versions it
 * changes nothing (fleetplay differs only if installing a new package would need a dependency
 * downgraded: apt-get then fails where Ansible's apt would downgrade it).
 */
export function downgradeRefusal(args: PackageArgs): string | undefined {
  if (args.allow_downgrade !== true) return undefined;
  const pinned = aptRequest(toAptArgs(args)).packages.filter((p) => p.version !== undefined);
  if (pinned.length === 0) return undefined;
  return `package: allow_downgrade with a version (${pinned.map((p) => p.arg).join(', ')}) is not supported: fleetplay's apt module does not downgrade packages; name the packages without a version, or drop allow_downgrade`;
}
