// debug: print a message or a variable (on the controller: it reads nothing from the host).
import type { FromSchema } from 'json-schema-to-ts';
import { evaluate, ExpressionError, parseExpression } from '../../engine/expr/index.ts';
import { defineModule, noReads } from '../../engine/module.ts';
import { withLookups } from '../../engine/lookups/ambient.ts';

const debugSchema = {
  type: 'object',
  properties: { msg: {}, var: { type: 'string' }, verbosity: { type: 'integer' } },
  not: { required: ['msg', 'var'] },
  additionalProperties: false,
} as const;

type DebugArgs = FromSchema<typeof debugSchema>;

const UNDEFINED_TEXT = 'VARIABLE IS NOT DEFINED!';

/** debug: print a message or a variable. */
export const debugModule = defineModule<DebugArgs, null, never>({
  name: 'debug',
  summary: 'Print a message or a variable (on the controller).',
  runsOn: 'controller',
  schema: debugSchema,
  probe: () => noReads(null),
  decide(args, _facts, view) {
    if (args.var !== undefined) {
      // The task's lookups, also for the lazy variables the expression reads.
      const expr = parseExpression(args.var);
      let value: unknown;
      try {
        value = withLookups(view.lookups, () => evaluate(expr, view.vars, view.lookups));
      } catch (err) {
        // Ansible's debug shows an undefined variable instead of failing.
        if (!(err instanceof ExpressionError) || !/ is undefined/.test(err.message)) throw err;
        value = UNDEFINED_TEXT;
      }
      return { kind: 'ok', msg: `${args.var} = ${show(value)}`, data: { [args.var]: value } };
    }
    const msg = args.msg === undefined ? 'Hello world!' : args.msg;
    return { kind: 'ok', msg: show(msg), data: { msg } };
  },
});

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
