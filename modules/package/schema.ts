// The package module's arguments: every argument of apt (Ansible passes every argument but `use` through
// to the backend module), plus `use` and the old state words `installed` and `removed`.
import type { FromSchema } from 'json-schema-to-ts';
import { aptModuleSchema, type AptArgs } from '../apt/schema.ts';

/**
 * `installed` and `removed` are the spellings yum/dnf roles use; Ansible's apt module took them as
 * synonyms of present and absent until 2.9 and refuses them since. fleetplay keeps them for package.
 */
const STATE_SYNONYMS = { installed: 'present', removed: 'absent' } as const;

/** The schema ajv checks: apt's, with `use` and the two extra state words. */
export const packageSchema = {
  ...aptModuleSchema,
  properties: {
    ...aptModuleSchema.properties,
    state: { enum: [...aptModuleSchema.properties.state.enum, 'installed', 'removed'] },
    // Ansible takes any package manager module here; fleetplay has only apt.
    use: { enum: ['auto', 'apt'] },
  },
} as const;

/** The package module's arguments, as ajv checked them. */
export type PackageArgs = FromSchema<typeof packageSchema>;

/** The arguments the apt module gets: `use` dropped, the old state words mapped to apt's. */
export function toAptArgs(args: PackageArgs): AptArgs {
  const { use: _use, state, ...rest } = args;
  if (state === undefined) return rest;
  return { ...rest, state: state === 'installed' || state === 'removed' ? STATE_SYNONYMS[state] : state };
}
