// Rewrites a parsed Handlebars template before compiling it: variables win over helpers, every variable a helper
// reads is looked up strictly, and every mustache's output goes through one text conversion.

/** The helper every mustache's value is passed through (see text.ts); registered by render.ts. */
export const TEXT_HELPER = '__fleetplay_text';

/** The helper that reads one attribute of an object leniently (see optionalAttribute); registered by render.ts. */
export const ATTRIBUTE_HELPER = '__fleetplay_attribute';

/** Helpers whose first argument may be undefined: `default` exists for exactly that. */
const LENIENT_FIRST: ReadonlySet<string> = new Set(['default']);
/** Helpers whose first argument may be a missing attribute of an existing object: `{{#if item.server}}`. */
const OPTIONAL_ATTRIBUTE: ReadonlySet<string> = new Set(['if', 'unless']);

type Node = hbs.AST.Node & Record<string, unknown>;
type Expression = hbs.AST.Expression;

/**
 * Prepares a template's syntax tree. `helpers` are the registered helper names.
 *
 * - A mustache without arguments is always a variable in fleetplay (`{{ version }}` even though a `version`
 *   helper exists): it is rewritten to a scoped lookup (`this.version`), which Handlebars never calls.
 * - Handlebars' `strict` option only checks plain `{{ x }}`; a variable passed to a helper or block helper
 *   (`{{upper x}}`, `{{#if x}}`, `{{#each x}}`, `(eq x 1)`, `sep=x`) would silently read as undefined. Such
 *   paths are marked strict, so they fail the same way, with the same message.
 * - `{{ value }}` becomes `{{__fleetplay_text value}}` and `{{helper a}}` becomes `{{__fleetplay_text (helper a)}}`,
 *   so lists and mappings print as Python would (`['a', 'b']`), never as `[list]` or `[object Object]`.
 */
export function prepareTemplate(ast: hbs.AST.Program, helpers: ReadonlySet<string>): hbs.AST.Program {
  visit(ast as unknown as Node, helpers);
  return ast;
}

function visit(node: Node, helpers: ReadonlySet<string>): void {
  if (node.type === 'MustacheStatement') {
    const mustache = node as unknown as hbs.AST.MustacheStatement;
    preferVariable(mustache, helpers);
    markStrict(mustache);
    wrapInText(mustache);
  } else if (node.type === 'BlockStatement' || node.type === 'SubExpression') {
    markStrict(node as unknown as hbs.AST.BlockStatement | hbs.AST.SubExpression);
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item, helpers);
    } else if (isNode(value)) {
      visit(value, helpers);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function preferVariable(n: hbs.AST.MustacheStatement, helpers: ReadonlySet<string>): void {
  if (n.path.type !== 'PathExpression' || n.params.length > 0 || n.hash) return;
  const p = n.path as hbs.AST.PathExpression;
  const first = p.parts[0];
  if (p.depth === 0 && !p.data && first !== undefined && helpers.has(first) && !/^(this\b|\.)/.test(p.original)) {
    n.path = { ...p, original: `this.${p.original}` };
  }
}

// The compiler reads `strict` off a PathExpression node; Handlebars sets it only on a mustache's own path.
function markStrict(n: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression): void {
  const name = n.path.type === 'PathExpression' ? (n.path as hbs.AST.PathExpression).original : '';
  n.params.forEach((param, i) => {
    if (i === 0 && LENIENT_FIRST.has(name)) return;
    if (i === 0 && OPTIONAL_ATTRIBUTE.has(name)) {
      n.params[0] = optionalAttribute(param);
      return;
    }
    strictPath(param);
  });
  for (const pair of n.hash?.pairs ?? []) strictPath(pair.value);
}

/**
 * `{{#if item.server}}` tests an optional key: the object (`item`) must exist, the last key may be missing.
 * Rewritten to `{{#if (__fleetplay_attribute item "server")}}`; a bare `{{#if nope}}` stays strict.
 */
function optionalAttribute(expr: Expression): Expression {
  if (expr.type !== 'PathExpression') return expr;
  const path = expr as hbs.AST.PathExpression;
  const last = path.parts.at(-1);
  const parentOriginal = path.original.replace(/[./](\[[^\]]*\]|[^./[\]]+)$/, '');
  if (path.parts.length < 2 || last === undefined || parentOriginal === path.original) {
    strictPath(expr);
    return expr;
  }
  const parent: hbs.AST.PathExpression = { ...path, parts: path.parts.slice(0, -1), original: parentOriginal };
  strictPath(parent);
  const helper: hbs.AST.PathExpression = {
    type: 'PathExpression',
    data: false,
    depth: 0,
    parts: [ATTRIBUTE_HELPER],
    original: ATTRIBUTE_HELPER,
    loc: path.loc,
  };
  const key: hbs.AST.StringLiteral = { type: 'StringLiteral', value: last, original: last, loc: path.loc };
  return { type: 'SubExpression', path: helper, params: [parent, key], hash: undefined, loc: path.loc } as unknown as hbs.AST.SubExpression;
}

function strictPath(expr: Expression): void {
  if (expr.type === 'PathExpression') (expr as hbs.AST.PathExpression & { strict?: boolean }).strict = true;
}

function wrapInText(n: hbs.AST.MustacheStatement): void {
  if (n.path.type === 'PathExpression' && (n.path as hbs.AST.PathExpression).original === TEXT_HELPER) return;
  const loc = n.loc;
  const helper: hbs.AST.PathExpression = {
    type: 'PathExpression',
    data: false,
    depth: 0,
    parts: [TEXT_HELPER],
    original: TEXT_HELPER,
    loc,
  };
  // A literal mustache such as {{ "x" }} or {{ 1 }} has no path to look up; pass it as the argument.
  const value: Expression =
    n.params.length === 0 && !n.hash
      ? n.path
      : ({ type: 'SubExpression', path: n.path, params: n.params, hash: n.hash, loc } as hbs.AST.SubExpression);
  if (value.type === 'PathExpression') strictPath(value);
  n.path = helper;
  n.params = [value];
  n.hash = undefined as unknown as hbs.AST.Hash;
}
