// Tree-walking evaluator. Reads only own data properties of plain objects and arrays; never calls anything.
import type { CallArgs, Expr } from './ast.ts';
import { assertNever, render, startOf } from './ast.ts';
import { ExpressionError, ValueProblem, problem } from './error.ts';
import { FILTERS } from './filters.ts';
import { TESTS } from './is-tests.ts';
import { applyBinary } from './operators.ts';
import { bindArgs, callMismatch, type BoundArgs, type Signature } from './signature.ts';
import { isBlockedKey, ownValue, readMember, truthy } from './values.ts';
import type { Vars } from '../types.ts';

/**
 * Evaluates a parsed expression against variables. A missing attribute reads as undefined; a missing variable,
 * or an undefined value used by an operator, filter or test, is an ExpressionError naming it.
 */
export function evaluate(expr: Expr, vars: Vars): unknown {
  try {
    return evalNode(expr, vars);
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
function evalNode(expr: Expr, vars: Vars): unknown {
  try {
    return dispatch(expr, vars);
  } catch (err) {
    if (err instanceof ValueProblem) throw new ExpressionError(err.message, expr.at);
    throw err;
  }
}

/** Evaluates and insists on a defined result. */
function evalDefined(expr: Expr, vars: Vars): unknown {
  return requireDefined(evalNode(expr, vars), expr);
}

function dispatch(expr: Expr, vars: Vars): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'name':
      return requireDefined(lookup(vars, expr.name), expr);
    case 'attribute':
      return readMember(evalDefined(expr.object, vars), expr.name);
    case 'index':
      return readMember(evalDefined(expr.object, vars), evalDefined(expr.key, vars));
    case 'list':
      return expr.items.map((item) => evalDefined(item, vars));
    case 'dict':
      return buildMapping(expr.entries, vars);
    case 'unary':
      return evalUnary(expr.op, evalDefined(expr.operand, vars));
    case 'binary':
      return evalBinary(expr, vars);
    case 'filter':
      return evalFilter(expr, vars);
    case 'test':
      return evalTest(expr, vars);
    default:
      return assertNever(expr);
  }
}

/**
 * Evaluation for `is defined`, `| default` and friends: a missing variable, or any step of `a.b[c]` on an
 * undefined value, gives undefined instead of an error. Other kinds of node evaluate normally.
 */
function evalLenient(expr: Expr, vars: Vars): unknown {
  switch (expr.kind) {
    case 'name':
      return lookup(vars, expr.name);
    case 'attribute': {
      const object = evalLenient(expr.object, vars);
      return object === undefined ? undefined : readMember(object, expr.name);
    }
    case 'index': {
      const object = evalLenient(expr.object, vars);
      const key = object === undefined ? undefined : evalLenient(expr.key, vars);
      return key === undefined ? undefined : readMember(object, key);
    }
    default:
      return evalNode(expr, vars);
  }
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

function evalBinary(expr: Extract<Expr, { kind: 'binary' }>, vars: Vars): unknown {
  const { op } = expr;
  switch (op) {
    case 'and': {
      const left = evalDefined(expr.left, vars);
      return truthy(left) ? evalDefined(expr.right, vars) : left;
    }
    case 'or': {
      const left = evalDefined(expr.left, vars);
      return truthy(left) ? left : evalDefined(expr.right, vars);
    }
    case '==':
    case '!=':
      // Equality tolerates a missing attribute (it equals nothing but another missing one).
      return applyBinary(op, evalNode(expr.left, vars), evalNode(expr.right, vars));
    default:
      return applyBinary(op, evalDefined(expr.left, vars), evalDefined(expr.right, vars));
  }
}

function buildMapping(entries: Array<{ key: Expr; value: Expr }>, vars: Vars): Record<string, unknown> {
  const mapping: Record<string, unknown> = {};
  for (const entry of entries) {
    const key = evalDefined(entry.key, vars);
    if (typeof key !== 'string' && typeof key !== 'number') return problem(`a mapping key must be a string or number, not ${typeof key}`);
    if (isBlockedKey(String(key))) return problem(`'${String(key)}' cannot be used as a mapping key`);
    // defineProperty, never assignment, so no key can reach a setter on Object.prototype.
    Object.defineProperty(mapping, String(key), {
      value: evalDefined(entry.value, vars),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return mapping;
}

function evalFilter(expr: Extract<Expr, { kind: 'filter' }>, vars: Vars): unknown {
  const spec = FILTERS.get(expr.name);
  if (!spec) return problem(`unknown filter '${expr.name}'`);
  const input = spec.acceptsUndefined ? evalLenient(expr.input, vars) : evalDefined(expr.input, vars);
  return spec.apply(input, evalArgs(expr.args, spec.signature, vars, `filter '${expr.name}'`));
}

function evalTest(expr: Extract<Expr, { kind: 'test' }>, vars: Vars): boolean {
  const spec = TESTS.get(expr.name);
  if (!spec) return problem(`unknown test '${expr.name}'`);
  const input = spec.acceptsUndefined ? evalLenient(expr.input, vars) : evalDefined(expr.input, vars);
  const result = spec.check(input, evalArgs(expr.args, spec.signature, vars, `test '${expr.name}'`));
  return expr.negated ? !result : result;
}

// Trees built by hand (not by the parser) are checked here too.
function evalArgs(args: CallArgs, signature: Signature, vars: Vars, what: string): BoundArgs {
  const mismatch = callMismatch(
    signature,
    args.positional.length,
    args.named.map((arg) => arg.name),
  );
  if (mismatch) return problem(`${what} ${mismatch}`);
  const positional = args.positional.map((arg) => evalDefined(arg, vars));
  const named = new Map(args.named.map((arg) => [arg.name, evalDefined(arg.value, vars)] as const));
  return bindArgs(signature, positional, named);
}
