// package_facts (ansible.builtin.package_facts): the host's installed Debian packages as the fact
// `ansible_facts.packages`, from one dpkg-query read (Ansible reads the same database through python-apt).
// Only reads: it never changes anything and runs in check mode too, so later tasks see the facts.
//
// Check mode: packages an earlier task is predicted to remove are left out, as the real run would find
// them gone. An earlier install (and any task whose effects check mode cannot predict: a command, a
// package's install scripts) may add packages and dependencies check mode cannot list, so after one the
// outcome is unknown rather than a list that would be wrong.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { parseDpkgQuery, type PackageFact, PACKAGE_FACTS_COMMAND } from './parse.ts';

// Only apt here: the other managers Ansible knows (rpm, apk, pacman, ...) are refused by the schema.
const manager = { type: 'string', enum: ['auto', 'apt'] } as const;

/** package_facts' arguments as Ansible has them, with the managers fleetplay reads. */
export const packageFactsSchema = {
  type: 'object',
  properties: {
    manager: { anyOf: [manager, { type: 'array', items: manager, minItems: 1 }] },
    strategy: { type: 'string', enum: ['first', 'all'] },
  },
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof packageFactsSchema>;

/** What the read returned: the packages, or why there are none. */
type Facts = { packages: Record<string, PackageFact[]> } | { error: string };

function* probe(): Probe<Facts> {
  return yield* read<Facts>({
    command: PACKAGE_FACTS_COMMAND,
    parse: (r) => {
      if (r.exitCode === 127 || /dpkg-query: (?:not found|command not found)/.test(r.stderr))
        return { error: "Could not detect a supported package manager from the following list: ['apt']" };
      if (r.exitCode !== 0) return { error: `dpkg-query failed: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
      return { packages: parseDpkgQuery(r.stdout) };
    },
  });
}

/** The packages with the earlier tasks' predicted removals applied (check mode). */
function afterRemovals(packages: Record<string, PackageFact[]>, view: ModuleView): Record<string, PackageFact[]> {
  const out: Record<string, PackageFact[]> = {};
  for (const [name, list] of Object.entries(packages)) {
    if (view.check && view.predicted.packageState(name) === 'absent') continue;
    Object.defineProperty(out, name, { value: list, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function decide(_args: Args, facts: Facts, view: ModuleView): Decision<never> {
  if ('error' in facts) return { kind: 'failed', msg: facts.error };
  const opaque = view.check ? view.predicted.opaqueTask() : undefined;
  if (opaque)
    return {
      kind: 'unknown',
      msg: `the packages are read from the host now, but '${opaque}' runs first and check mode cannot predict its effects (it may install packages), so the result is unknown`,
    };
  const packages = afterRemovals(facts.packages, view);
  const count = Object.keys(packages).length;
  return { kind: 'ok', msg: `${count} package${count === 1 ? '' : 's'}`, data: { ansible_facts: { packages } } };
}

/** The package_facts module (`ansible.builtin.package_facts`): `ansible_facts.packages`; never changes anything. */
export const packageFactsModule = defineModule<Args, Facts, never>({
  name: 'package_facts',
  summary: "The host's installed Debian packages as ansible_facts.packages.",
  setsVariables: () => ['packages', 'ansible_facts.packages'],
  runsOn: 'host',
  schema: packageFactsSchema,
  probe,
  decide,
});
