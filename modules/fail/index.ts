// fail: stop this host with a message. Reads nothing.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads } from '../../engine/module.ts';

const failSchema = { type: 'object', properties: { msg: { type: 'string' } }, additionalProperties: false } as const;

type FailArgs = FromSchema<typeof failSchema>;

/** fail: stop this host with a message. */
export const failModule = defineModule<FailArgs, null, never>({
  name: 'fail',
  summary: 'Stop this host with a message.',
  runsOn: 'controller',
  schema: failSchema,
  probe: () => noReads(null),
  decide: (args) => ({ kind: 'failed', msg: args.msg ?? 'Failed as requested from task' }),
});
