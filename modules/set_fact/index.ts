// set_fact: set host variables (they outrank play and task vars, as in Ansible). Reads nothing.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads } from '../../engine/module.ts';

const setFactSchema = { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } as const;

type SetFactArgs = FromSchema<typeof setFactSchema>;

/** set_fact: set host variables (they outrank play and task vars, as in Ansible). */
export const setFactModule = defineModule<SetFactArgs, null, never>({
  name: 'set_fact',
  runsOn: 'controller',
  schema: setFactSchema,
  probe: () => noReads(null),
  decide(args) {
    const facts = { ...args };
    delete facts.cacheable;
    return { kind: 'ok', msg: `set ${Object.keys(facts).join(', ')}`, data: { ansible_facts: facts } };
  },
});
