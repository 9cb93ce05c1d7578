// Modules that run on the controller only: debug, set_fact, assert, fail.
import { evaluate, evaluateCondition, parseExpression } from '../engine/expr/index.ts';
import type { ModuleDefinition } from '../engine/types.ts';
import { stringOrList } from './lib/schemas.ts';

/** debug: print a message or a variable. */
export const debugModule: ModuleDefinition = {
  name: 'debug',
  runsOn: 'controller',
  schema: {
    type: 'object',
    properties: { msg: {}, var: { type: 'string' }, verbosity: { type: 'integer' } },
    not: { required: ['msg', 'var'] },
    additionalProperties: false,
  },
  async plan(args, ctx) {
    if (typeof args.var === 'string') {
      const value = evaluate(parseExpression(args.var), ctx.vars);
      return { kind: 'ok', msg: `${args.var} = ${show(value)}`, data: { [args.var]: value } };
    }
    const msg = args.msg === undefined ? 'Hello world!' : args.msg;
    return { kind: 'ok', msg: show(msg), data: { msg } };
  },
};

/** set_fact: set host variables (they outrank play and task vars, as in Ansible). */
export const setFactModule: ModuleDefinition = {
  name: 'set_fact',
  runsOn: 'controller',
  schema: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
  async plan(args) {
    const facts = { ...args };
    delete facts.cacheable;
    return { kind: 'ok', msg: `set ${Object.keys(facts).join(', ')}`, data: { ansible_facts: facts } };
  },
};

/** assert: every condition in `that` must hold. */
export const assertModule: ModuleDefinition = {
  name: 'assert',
  runsOn: 'controller',
  schema: {
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
  },
  async plan(args, ctx) {
    const conditions = Array.isArray(args.that) ? (args.that as string[]) : [String(args.that)];
    for (const condition of conditions) {
      if (!evaluateCondition(condition, ctx.vars)) {
        const msg = (args.fail_msg ?? args.msg ?? `Assertion failed: ${condition}`) as string;
        return { kind: 'failed', msg, data: { assertion: condition, evaluated_to: false } };
      }
    }
    return { kind: 'ok', msg: (args.success_msg as string | undefined) ?? 'All assertions passed' };
  },
};

/** fail: stop this host with a message. */
export const failModule: ModuleDefinition = {
  name: 'fail',
  runsOn: 'controller',
  schema: { type: 'object', properties: { msg: { type: 'string' } }, additionalProperties: false },
  async plan(args) {
    return { kind: 'failed', msg: (args.msg as string | undefined) ?? 'Failed as requested from task' };
  },
};

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
