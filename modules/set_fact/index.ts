// set_fact: set host variables (they outrank play and task vars, as in Ansible). Reads nothing.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads } from '../../engine/module.ts';

const setFactSchema = { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } as const;

type SetFactArgs = FromSchema<typeof setFactSchema>;

/** set_fact: set host variables (they outrank play and task vars, as in Ansible). */
export const setFactModule = defineModule<SetFactArgs, null, never>({
  name: 'set_fact',
  summary: 'Set host variables.',
  setsVariables: (args) => Object.keys(args).filter((k) => k !== 'cacheable'),
  runsOn: 'controller',
  templatedKeys: true,
  schema: setFactSchema,
  probe: () => noReads(null),
  decide(args) {
    const facts = { ...args };
    delete facts.cacheable;
    // cacheable (Ansible's boolean words too): the values become facts as well, for the rest of the run (engine/executor/facts.ts).
    const cacheable = [true, 'yes', 'true', 'on', '1', 1].includes(args.cacheable as never);
    const data = cacheable ? { ansible_facts: facts, _ansible_facts_cacheable: true } : { ansible_facts: facts };
    return { kind: 'ok', msg: `set ${Object.keys(facts).join(', ')}`, data };
  },
});
