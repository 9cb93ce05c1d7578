// meta: engine actions written as a task. `flush_handlers` runs notified handlers now; `noop` does nothing.
import type { ModuleDefinition } from '../engine/types.ts';

/** The meta module; the strategy carries out the action, the module itself only validates it. */
export const metaModule: ModuleDefinition = {
  name: 'meta',
  runsOn: 'controller',
  freeFormKey: 'action',
  schema: {
    type: 'object',
    properties: { action: { enum: ['flush_handlers', 'noop'] } },
    required: ['action'],
    additionalProperties: false,
  },
  async plan(args) {
    return { kind: 'ok', msg: String(args.action) };
  },
};
