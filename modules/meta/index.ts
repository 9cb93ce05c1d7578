// meta: engine actions written as a task. `flush_handlers` runs notified handlers now; end_host, end_batch,
// end_play and clear_host_errors change which hosts go on, reset_connection logs in again
// (engine/executor/metaActions.ts); `noop` and
// `refresh_inventory` do nothing.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads } from '../../engine/module.ts';

const metaSchema = {
  type: 'object',
  properties: {
    action: {
      enum: ['flush_handlers', 'noop', 'end_host', 'end_batch', 'end_play', 'clear_host_errors', 'refresh_inventory', 'reset_connection'],
    },
  },
  required: ['action'],
  additionalProperties: false,
} as const;

type MetaArgs = FromSchema<typeof metaSchema>;

/** The meta module; the strategy carries out the action, the module itself only validates it. */
export const metaModule = defineModule<MetaArgs, null, never>({
  name: 'meta',
  summary: 'Engine actions as a task: flush_handlers, end_host, end_play, reset_connection, …',
  runsOn: 'controller',
  freeFormKey: 'action',
  schema: metaSchema,
  probe: () => noReads(null),
  decide: (args) => ({ kind: 'ok', msg: args.action }),
});
