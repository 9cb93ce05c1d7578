// set_fact: set host variables (they outrank play and task vars, as in Ansible). Reads nothing.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads } from '../../engine/module.ts';

const setFactSchema = { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } as const;

type SetFactArgs = FromSchema<typeof setFactSchema>;

// As Ansible's set_fact action without DEFAULT_JINJA2_NATIVE (its default): a value that is, after templating,
// the text true, false, yes or no (any case) becomes a boolean; nested values are left as they are.
function boolWords(facts: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(facts)) {
    const word = typeof value === 'string' ? value.toLowerCase() : undefined;
    if (word === 'true' || word === 'yes') facts[key] = true;
    else if (word === 'false' || word === 'no') facts[key] = false;
  }
  return facts;
}

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
    const facts = boolWords({ ...args });
    delete facts.cacheable;
    // cacheable (Ansible's boolean words too): the values become facts as well, for the rest of the run (engine/executor/facts.ts).
    const cacheable = [true, 'yes', 'true', 'on', '1', 1].includes(args.cacheable as never);
    const data = cacheable ? { ansible_facts: facts, _ansible_facts_cacheable: true } : { ansible_facts: facts };
    return { kind: 'ok', msg: `set ${Object.keys(facts).join(', ')}`, data };
  },
});
