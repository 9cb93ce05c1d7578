// Evaluates a tag's compiled expression in a frame: first the calls cut out of it (macros, loop.cycle,
// namespace), bound to their placeholders, then the expression itself with engine/expr.
import { ExpressionError, evaluate, type EvalContext } from '../expr/index.ts';
import type { MacroParam, Node } from './ast.ts';
import { JinjaError } from './errors.ts';
import { templateOffset, withoutColumn, type CompiledExpression, type TemplateCall } from './expression.ts';
import type { Template } from './render.ts';
import type { Frame } from './scope.ts';
import { ValueError, isBlockedName, isMapping, mappingKeys, ownData, pyText } from './values.ts';

/** A macro defined by `{% macro %}`: its body renders in a frame over the scope of its template. */
export class Macro {
  constructor(
    readonly name: string,
    readonly params: readonly MacroParam[],
    readonly body: readonly Node[],
    /** The scope of the template that defined it (macros see its top-level variables, not the caller's). */
    readonly scope: Frame,
    /** The template that defined it: its body's offsets are in that template's text. */
    readonly home: Template,
  ) {}
}

/** What evaluation needs from the renderer: how to run a macro's body, and what expressions may reach (lookups). */
export interface Evaluator {
  readonly context: EvalContext;
  callMacro(macro: Macro, frame: Frame, at: number): string;
}

// Marks the loop objects of running loops (for loop.cycle and loop.changed) with the state one loop's
// iterations share, under a symbol key no expression can read or print. The mappings namespace() made are
// remembered (for `set ns.x`).
const LOOP: unique symbol = Symbol('loop');
const namespaces = new WeakSet<object>();

/** What the iterations of one running loop share: the values loop.changed() saw last. */
export interface LoopState {
  lastChanged?: string;
}

/** Marks `loop` as the object of an iteration of the running loop whose shared state is `state`. */
export function registerLoop(loop: object, state: LoopState): void {
  Object.defineProperty(loop, LOOP, { value: state });
}

function loopState(loop: unknown): LoopState | undefined {
  if (!loop || typeof loop !== 'object' || !Object.hasOwn(loop, LOOP)) return undefined;
  return (loop as { [LOOP]: LoopState })[LOOP];
}

/** Whether `value` was made by namespace() (its attributes may be set). */
export function isNamespace(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && namespaces.has(value);
}

/** Evaluates `compiled` in `frame`; a missing attribute gives undefined. Errors are located in the template. */
export function evalValue(compiled: CompiledExpression, frame: Frame, evaluator: Evaluator): unknown {
  let scope = frame;
  if (compiled.calls.length > 0) {
    scope = frame.child();
    for (const call of compiled.calls) scope.set(call.placeholder, runCall(call, frame, evaluator));
  }
  try {
    return evaluate(compiled.expr, scope.view(), evaluator.context);
  } catch (err) {
    if (err instanceof ExpressionError) throw new JinjaError(withoutColumn(err.message), templateOffset(compiled, err.offset));
    if (err instanceof ValueError) throw new JinjaError(err.message, compiled.at);
    throw err;
  }
}

/** Evaluates and insists on a defined value: "'a.b' is undefined" otherwise (Ansible's StrictUndefined). */
export function evalDefined(compiled: CompiledExpression, frame: Frame, evaluator: Evaluator): unknown {
  const value = evalValue(compiled, frame, evaluator);
  if (value === undefined) throw new JinjaError(`'${compiled.text}' is undefined`, compiled.at);
  return value;
}

function runCall(call: TemplateCall, frame: Frame, evaluator: Evaluator): unknown {
  const positional = call.positional.map((arg) => evalDefined(arg, frame, evaluator));
  const named = new Map(call.named.map((arg) => [arg.name, evalDefined(arg.value, frame, evaluator)] as const));
  const fail = (message: string): never => {
    throw new JinjaError(message, call.at);
  };
  switch (call.kind) {
    case 'cycle': {
      const loop = frame.get('loop');
      if (!loop || typeof loop !== 'object' || !loopState(loop)) return fail('loop.cycle() is only available inside a for loop');
      if (positional.length === 0 || named.size > 0) return fail('loop.cycle() takes one or more values to cycle through');
      const index = ownData(loop, 'index0') as number;
      return positional[index % positional.length];
    }
    case 'changed': {
      // True when the values differ from those of the loop's last changed() call (compared as Python prints them).
      const state = loopState(frame.get('loop'));
      if (!state) return fail('loop.changed() is only available inside a for loop');
      if (named.size > 0) return fail('loop.changed() takes positional values');
      const now = pyTextOf(positional, call.at);
      const changed = state.lastChanged !== now;
      state.lastChanged = now;
      return changed;
    }
    case 'namespace':
      return namespace(positional, named, fail);
    case 'macro': {
      // `m(…)`, or `lib.m(…)` for a macro of a template imported as lib.
      const [first = '', member] = call.name.split('.');
      const found = frame.get(first);
      const macro = member === undefined ? found : isMapping(found) ? ownData(found, member) : undefined;
      if (!(macro instanceof Macro))
        return fail(`'${call.name}' is not a macro here (macros are defined by the template before they are called)`);
      return evaluator.callMacro(macro, bindArguments(macro, positional, named, evaluator, fail), call.at);
    }
  }
}

// The frame a macro's body renders in: its parameters bound from the call, or their defaults.
function bindArguments(
  macro: Macro,
  positional: unknown[],
  named: Map<string, unknown>,
  evaluator: Evaluator,
  fail: (m: string) => never,
): Frame {
  if (positional.length > macro.params.length)
    fail(`macro '${macro.name}' takes at most ${macro.params.length} argument(s), ${positional.length} given`);
  for (const name of named.keys()) {
    const index = macro.params.findIndex((p) => p.name === name);
    if (index < 0) fail(`macro '${macro.name}' has no parameter '${name}'`);
    if (index < positional.length) fail(`macro '${macro.name}' got parameter '${name}' twice`);
  }
  const frame = macro.scope.child();
  macro.params.forEach((param, i) => {
    if (i < positional.length) frame.set(param.name, positional[i]);
    else if (named.has(param.name)) frame.set(param.name, named.get(param.name));
    else if (param.fallback) frame.set(param.name, evalValue(param.fallback, frame, evaluator));
    else frame.set(param.name, undefined);
  });
  return frame;
}

// namespace(mapping?, key=value, …): a mapping whose attributes `{% set ns.key = … %}` may change.
function namespace(args: unknown[], named: Map<string, unknown>, fail: (m: string) => never): Record<string, unknown> {
  if (args.length > 1 || (args.length === 1 && !isMapping(args[0]))) fail('namespace() takes an optional mapping and named values');
  const ns: Record<string, unknown> = {};
  const from = args[0] as Record<string, unknown> | undefined;
  const entries: Array<[string, unknown]> = [
    ...(from ? mappingKeys(from).map((k) => [k, ownData(from, k)] as [string, unknown]) : []),
    ...named,
  ];
  for (const [key, value] of entries) {
    if (isBlockedName(key)) fail(`'${key}' cannot be a namespace attribute`);
    setAttribute(ns, key, value);
  }
  namespaces.add(ns);
  return ns;
}

/** Sets an attribute of a namespace (defineProperty: no setter on any prototype can run). */
export function setAttribute(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function pyTextOf(values: unknown[], at: number): string {
  try {
    return pyText(values);
  } catch (err) {
    if (err instanceof ValueError) throw new JinjaError(err.message, at);
    throw err;
  }
}
