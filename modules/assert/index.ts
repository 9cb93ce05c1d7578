// assert: every condition in `that` must hold. Evaluated on the controller: reads nothing.
import type { FromSchema } from 'json-schema-to-ts';
import { evaluateCondition } from '../../engine/expr/index.ts';
import { defineModule, noReads } from '../../engine/module.ts';

// A condition: an expression, or a YAML boolean or empty item, which Ansible's conditionals take as they are
// (an empty one holds). ansible-core's targets write `that: [False]` and leave an item empty.
const conditionItem = { type: ['string', 'boolean', 'null'] } as const;

const assertSchema = {
  type: 'object',
  properties: {
    that: { anyOf: [conditionItem, { type: 'array', items: conditionItem }] },
    fail_msg: { type: 'string' },
    msg: { type: 'string' },
    success_msg: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  required: ['that'],
  additionalProperties: false,
} as const;

type AssertArgs = FromSchema<typeof assertSchema>;

/** assert: every condition in `that` must hold. */
export const assertModule = defineModule<AssertArgs, null, never>({
  name: 'assert',
  summary: 'Fail unless every condition in `that` holds (on the controller).',
  runsOn: 'controller',
  schema: assertSchema,
  probe: () => noReads(null),
  decide(args, _facts, view) {
    const conditions = Array.isArray(args.that) ? args.that : [args.that];
    for (const condition of conditions) {
      if (condition !== null && !evaluateCondition(condition, view.vars, view.lookups)) {
        const msg = args.fail_msg ?? args.msg ?? `Assertion failed: ${condition}`;
        return { kind: 'failed', msg, data: { assertion: condition, evaluated_to: false } };
      }
    }
    return { kind: 'ok', msg: args.success_msg ?? 'All assertions passed' };
  },
});
