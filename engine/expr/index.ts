// Public API of the expression language used by when, changed_when, failed_when, until and assert.that.

/** The syntax tree (a tagged union on `kind`) and its parts. */
export type { Expr, BinaryOp, CompareOp, UnaryOp, CallArgs, LiteralValue } from './ast.ts';
/** Syntax and evaluation errors: a FleetError of kind 'expression' with a 0-based `offset`. */
export { ExpressionError } from './error.ts';
/** Parses source text into an Expr; MAX_SOURCE_LENGTH bounds the source. */
export { parseExpression, MAX_SOURCE_LENGTH } from './parser.ts';
/** Evaluates an Expr against variables (and a context with the lookup plugins). */
export { evaluate } from './evaluate.ts';
/** What evaluation may reach beyond the variables: the lookup hook for lookup() / query() / q(). */
export type { EvalContext, LookupHook } from './functions.ts';
/** Lists and mappings the language built itself, which append / extend / insert / update may change. */
export { own, isOwned } from './owned.ts';
/** Filters and tests by the name written (plain or `ansible.builtin.` qualified). */
export { findFilter, findTest, shortName } from './registry.ts';
/** Evaluates a playbook condition (string, literal or list) to a boolean. */
export { evaluateCondition, type Condition } from './condition.ts';
/** Top-level variable names an Expr reads. */
export { referencedNames } from './names.ts';
/** Longest string a regex test or filter will scan. */
export { MAX_REGEX_INPUT } from './regex.ts';
