// setup: gathers the host's facts, as gather_facts does (one read-only command), and returns them as
// `ansible_facts`; the engine keeps them as the host's facts for the rest of the run.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read } from '../../engine/module.ts';
import { factsRead, filterFacts } from '../../engine/executor/facts.ts';
import { subsetList } from '../../engine/executor/factSubsets.ts';
import type { Vars } from '../../engine/types.ts';

const stringOrList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

const setupSchema = {
  type: 'object',
  properties: {
    filter: stringOrList,
    gather_subset: stringOrList,
    gather_timeout: { type: 'integer', minimum: 1 },
  },
  additionalProperties: false,
} as const;

type SetupArgs = FromSchema<typeof setupSchema>;

type SetupFacts = { facts: Vars } | { error: string };

/** setup: Ansible's facts of the host (`filter`, `gather_subset`, `gather_timeout`). */
export const setupModule = defineModule<SetupArgs, SetupFacts, never>({
  name: 'setup',
  summary: "Gather the host's facts.",
  // ansible.builtin.gather_facts runs the setup module on Linux hosts; ansible-core's setup_test_user uses it.
  aliases: ['gather_facts'],
  runsOn: 'host',
  schema: setupSchema,
  *probe(args) {
    const timeout = args.gather_timeout ?? 10;
    const r = factsRead({ subset: args.gather_subset, timeout }); // a bad subset throws before anything is sent
    return yield* read<SetupFacts>({
      command: r.command,
      timeoutMs: r.timeoutMs,
      parse: (x) =>
        x.timedOut
          ? { error: `fact gathering timed out after ${timeout} s (gather_timeout)` }
          : x.exitCode !== 0
            ? { error: `fact gathering failed: ${x.stderr.trim() || `exit ${x.exitCode}`}` }
            : { facts: r.parse(x.stdout) },
    });
  },
  decide(args, facts) {
    if ('error' in facts) return { kind: 'failed', msg: facts.error };
    // Ansible's filter is of type list: a string is split at its commas.
    const filter = args.filter === undefined ? [] : subsetList(args.filter);
    const kept = filterFacts(facts.facts, filter);
    return { kind: 'ok', msg: `${Object.keys(kept).length} facts`, data: { ansible_facts: kept } };
  },
});
