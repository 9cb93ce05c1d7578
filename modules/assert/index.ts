// assert: every condition in `that` must hold. Evaluated on the controller: reads nothing.
import type { FromSchema } from 'json-schema-to-ts';
import { evaluateCondition } from '../../engine/expr/index.ts';
import { defineModule, noReads } from '../../engine/module.ts';
import { stringOrList } from '../lib/schemas.ts';

const assertSchema = {
  type: 'object',
  properties: {
    that: stringOrList,
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
      if (!evaluateCondition(condition, view.vars, view.lookups)) {
        const msg = args.fail_msg ?? args.msg ?? `Assertion failed: ${condition}`;
        return { kind: 'failed', msg, data: { assertion: condition, evaluated_to: false } };
      }
    }
    return { kind: 'ok', msg: args.success_msg ?? 'All assertions passed' };
  },
});
