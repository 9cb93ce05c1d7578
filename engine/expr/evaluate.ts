// Tree-walking evaluator. Reads only own data properties of plain objects and arrays; calls only the
// allowlisted methods, global functions, filters and tests of the language, never anything found in data.
import type { CallArgs, CompareOp, Expr } from './ast.ts';
import { assertNever, render, startOf } from './ast.ts';
import { withBuildBudget } from './build-budget.ts';
import { ExpressionError, ValueProblem, problem } from './error.ts';
import { FUNCTIONS, type EvalContext } from './functions.ts';
import { callMethod } from './methods.ts';
import { applyBinary } from './operators.ts';
import { own, release } from './owned.ts';
import { findFilter, findTest } from './registry.ts';
import { bindArgs, callMismatch, type BoundArgs, type Signature } from './signature.ts';
import { sliceOf } from './slice.ts';
import { spreadItems, spreadNamed } from './spread.ts';
import { isBlockedKey, ownValue, readMember, truthy } from './values.ts';
import type { Vars } from '../types.ts';

// What one evaluation reads: the variables and the caller's hooks.
interface Env {
  vars: Vars;
  context: EvalContext;
}

/**
 * Evaluates a parsed expression against variables. A missing attribute reads as undefined; a missing variable,
 * or an undefined value used by an operator, filter or test, is an ExpressionError naming it. `context`
 * provides lookup plugins for lookup() / query().
 */
export function evaluate(expr: Expr, vars: Vars, context: EvalContext = {}): unknown {
  try {
    const result = withBuildBudget(() => evalNode(expr, { vars, context }));
    return context.keepOwned ? result : release(result);
  } catch (err) {
    // The limits should stop any runaway first; should the engine still run out of stack or string length,
    // that is the expression's fault and is reported as such, never as an internal error.
    if (err instanceof RangeError) throw new ExpressionError(`expression is too large or too deep to evaluate (${err.message})`, expr.at);
    throw err;
  }
}

/** Throws "'<expr>' is undefined", located at the start of `expr`, when `value` is undefined. */
function requireDefined(value: unknown, expr: Expr): unknown {
  if (value === undefined) throw new ExpressionError(`'${render(expr)}' is undefined`, startOf(expr));
  return value;
}

// Converts value problems into ExpressionErrors located at the innermost node that met them.
function evalNode(expr: Expr, env: Env): unknown {
  try {
    return dispatch(expr, env);
  } catch (err) {
    if (err instanceof ValueProblem) throw new ExpressionError(err.message, expr.at);
    throw err;
  }
}

/** Evaluates and insists on a defined result. */
function evalDefined(expr: Expr, env: Env): unknown {
  return requireDefined(evalNode(expr, env), expr);
}

function dispatch(expr: Expr, env: Env): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'name':
      return requireDefined(lookup(env.vars, expr.name), expr);
    case 'attribute':
      return readMember(evalDefined(expr.object, env), expr.name);
    case 'index':
      return readMember(evalDefined(expr.object, env), evalDefined(expr.key, env));
    // Lists and mappings the expression builds are its own: append / update may change them.
    case 'slice':
      return own(evalSlice(expr, env));
    case 'list':
      return own(expr.items.map((item) => evalDefined(item, env)));
    case 'dict':
      return own(buildMapping(expr.entries, env));
    case 'unary':
      return evalUnary(expr.op, evalDefined(expr.operand, env));
    case 'binary':
      return evalBinary(expr, env);
    case 'compare':
      return evalChain(expr, env);
    case 'conditional':
      return evalConditional(expr, env, evalNode);
    case 'filter':
      return evalFilter(expr, env);
    case 'test':
      return evalTest(expr, env);
    case 'method': {
      const receiver = evalDefined(expr.object, env);
      const { positional, named } = evalCallArgs(expr.args, env);
      return callMethod(receiver, expr.name, { positional, named });
    }
    case 'call': {
      const spec = FUNCTIONS.get(expr.name) ?? problem(`unknown function '${expr.name}'`);
      const { positional, named } = evalCallArgs(expr.args, env);
      const mismatch = spec.mismatch(positional.length, [...named.keys()]);
      if (mismatch) return problem(`${expr.name}() ${mismatch}`);
      return spec.call(positional, named, env.context);
    }
    default:
      return assertNever(expr);
  }
}

/**
 * Evaluation for `is defined`, `| default` and friends: a missing variable, or any step of `a.b[c]` on an
 * undefined value, gives undefined instead of an error; so does a conditional whose branch is such a path.
 * Other kinds of node evaluate normally.
 */
function evalLenient(expr: Expr, env: Env): unknown {
  switch (expr.kind) {
    case 'name':
      return undefinedWhenLazyFails(() => lookup(env.vars, expr.name));
    case 'attribute': {
      const object = evalLenient(expr.object, env);
      return object === undefined ? undefined : undefinedWhenLazyFails(() => readMember(object, expr.name));
    }
    case 'index': {
      const object = evalLenient(expr.object, env);
      const key = object === undefined ? undefined : evalLenient(expr.key, env);
      return key === undefined ? undefined : undefinedWhenLazyFails(() => readMember(object, key));
    }
    case 'conditional':
      return evalConditional(expr, env, evalLenient);
    default:
      return evalNode(expr, env);
  }
}

// A variable whose template reads an undefined variable (`a: "{{ missing }}"`) is undefined itself for
// `is defined` and `| default`, as Ansible's lazy templating since 2.14; using it still fails with that error.
function undefinedWhenLazyFails(read: () => unknown): unknown {
  try {
    return read();
  } catch (err) {
    if (err instanceof Error && !(err instanceof ValueProblem) && /' is undefined/.test(err.message)) return undefined;
    throw err;
  }
}

// `a if c else b`: only the chosen branch is evaluated; with no else, a false condition gives undefined.
function evalConditional(expr: Extract<Expr, { kind: 'conditional' }>, env: Env, branch: (e: Expr, env: Env) => unknown): unknown {
  if (truthy(evalDefined(expr.test, env))) return branch(expr.then, env);
  return expr.otherwise ? branch(expr.otherwise, env) : undefined;
}

// Variables are own data properties of `vars`, or of objects layered under it with Object.create, stopping
// before Object.prototype so names like `toString` or `constructor` are never found.
function lookup(vars: Vars, name: string): unknown {
  for (
    let layer: unknown = vars;
    typeof layer === 'object' && layer !== null && layer !== Object.prototype;
    layer = Object.getPrototypeOf(layer)
  ) {
    if (Object.hasOwn(layer, name)) return ownValue(layer, name);
  }
  return undefined;
}

function evalUnary(op: 'not' | '-' | '+', value: unknown): unknown {
  switch (op) {
    case 'not':
      return !truthy(value);
    case '-':
    case '+':
      if (typeof value !== 'number') return problem(`bad operand type for unary ${op}: ${typeof value}`);
      return op === '-' ? -value : value;
    default:
      return assertNever(op);
  }
}

function evalBinary(expr: Extract<Expr, { kind: 'binary' }>, env: Env): unknown {
  const { op } = expr;
  switch (op) {
    case 'and': {
      const left = evalDefined(expr.left, env);
      return truthy(left) ? evalDefined(expr.right, env) : left;
    }
    case 'or': {
      const left = evalDefined(expr.left, env);
      return truthy(left) ? left : evalDefined(expr.right, env);
    }
    case '==':
    case '!=':
      // Equality tolerates a missing attribute (it equals nothing but another missing one).
      return applyBinary(op, evalNode(expr.left, env), evalNode(expr.right, env));
    default:
      return applyBinary(op, evalDefined(expr.left, env), evalDefined(expr.right, env));
  }
}

// `a < b < c` is `a < b and b < c` with `b` evaluated once, stopping at the first false link (Python).
function evalChain(expr: Extract<Expr, { kind: 'compare' }>, env: Env): boolean {
  let leftExpr = expr.left;
  let left = evalNode(leftExpr, env);
  for (const link of expr.rest) {
    const equality = link.op === '==' || link.op === '!=';
    const right = equality ? evalNode(link.right, env) : evalDefined(link.right, env);
    if (!equality) requireDefined(left, leftExpr);
    if (!holds(link, left, right)) return false;
    leftExpr = link.right;
    left = right;
  }
  return true;
}

// One link of a chain, its type errors located at its operator.
function holds(link: { op: CompareOp; at: number }, left: unknown, right: unknown): boolean {
  try {
    return applyBinary(link.op, left, right) === true;
  } catch (err) {
    if (err instanceof ValueProblem) throw new ExpressionError(err.message, link.at);
    throw err;
  }
}

function evalSlice(expr: Extract<Expr, { kind: 'slice' }>, env: Env): unknown {
  const part = (e: Expr | null): unknown => (e ? evalDefined(e, env) : null);
  return sliceOf(evalDefined(expr.object, env), part(expr.start), part(expr.stop), part(expr.step));
}

function buildMapping(entries: Array<{ key: Expr; value: Expr }>, env: Env): Record<string, unknown> {
  const mapping: Record<string, unknown> = {};
  for (const entry of entries) {
    const key = evalDefined(entry.key, env);
    if (typeof key !== 'string' && typeof key !== 'number') return problem(`a mapping key must be a string or number, not ${typeof key}`);
    if (isBlockedKey(String(key))) return problem(`'${String(key)}' cannot be used as a mapping key`);
    // defineProperty, never assignment, so no key can reach a setter on Object.prototype.
    Object.defineProperty(mapping, String(key), {
      value: evalDefined(entry.value, env),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return mapping;
}

function evalFilter(expr: Extract<Expr, { kind: 'filter' }>, env: Env): unknown {
  const spec = findFilter(expr.name);
  if (!spec) return problem(`unknown filter '${expr.name}'`);
  const input = spec.acceptsUndefined ? evalLenient(expr.input, env) : evalDefined(expr.input, env);
  return spec.apply(input, evalArgs(expr.args, spec.signature, env, `filter '${expr.name}'`));
}

function evalTest(expr: Extract<Expr, { kind: 'test' }>, env: Env): boolean {
  const spec = findTest(expr.name);
  if (!spec) return problem(`unknown test '${expr.name}'`);
  const input = spec.acceptsUndefined ? evalLenient(expr.input, env) : evalDefined(expr.input, env);
  const result = spec.check(input, evalArgs(expr.args, spec.signature, env, `test '${expr.name}'`));
  return expr.negated ? !result : result;
}

function evalCallArgs(args: CallArgs, env: Env): { positional: unknown[]; named: Map<string, unknown> } {
  const positional = args.positional.map((arg) => evalDefined(arg, env));
  const named = new Map(args.named.map((arg) => [arg.name, evalDefined(arg.value, env)] as const));
  if (args.star) positional.push(...spreadItems(evalDefined(args.star, env)));
  if (args.starStar) spreadNamed(evalDefined(args.starStar, env), named);
  return { positional, named };
}

// Trees built by hand (not by the parser), and calls with `*list` / `**mapping`, are checked here.
function evalArgs(args: CallArgs, signature: Signature, env: Env, what: string): BoundArgs {
  const { positional, named } = evalCallArgs(args, env);
  const mismatch = callMismatch(signature, positional.length, [...named.keys()]);
  if (mismatch) return problem(`${what} ${mismatch}`);
  return bindArgs(signature, positional, named);
}
