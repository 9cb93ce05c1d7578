// The syntax tree of an expression: a tagged union on `kind`, plus a walker and a printer for messages.

/** A literal value written in the source. */
export type LiteralValue = string | number | boolean | null;

/** Operators with two operands. `and`/`or` short-circuit; the others evaluate both sides. */
export type BinaryOp = 'or' | 'and' | CompareOp | '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~';

/** Comparison operators; a chain of them (`a < b < c`) is one `compare` node, as in Python. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

/** Operators with one operand. */
export type UnaryOp = 'not' | '-' | '+';

/**
 * Arguments of a call: positional first, then `name=value` pairs; `star` is Jinja's `*list` (its items
 * follow the positional ones) and `starStar` its `**mapping` (its entries join the named ones).
 */
export interface CallArgs {
  positional: Expr[];
  named: Array<{ name: string; value: Expr }>;
  star?: Expr;
  starStar?: Expr;
}

/**
 * One node of an expression. `at` is the 0-based offset of the token that makes the node: the first token of
 * a literal, name, list or dict; the operator of a unary or binary node; the `.` or `[` of an access; the
 * name of a filter, test or function; the `if` of a conditional; the first operator of a comparison chain.
 * A single comparison is a `binary` node; only chains of two or more make a `compare` node.
 */
export type Expr =
  | { kind: 'literal'; value: LiteralValue; at: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'attribute'; object: Expr; name: string; at: number }
  | { kind: 'index'; object: Expr; key: Expr; at: number }
  | { kind: 'list'; items: Expr[]; at: number }
  | { kind: 'dict'; entries: Array<{ key: Expr; value: Expr }>; at: number }
  | { kind: 'unary'; op: UnaryOp; operand: Expr; at: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; at: number }
  | { kind: 'filter'; name: string; input: Expr; args: CallArgs; at: number }
  | { kind: 'test'; name: string; negated: boolean; input: Expr; args: CallArgs; at: number }
  | { kind: 'conditional'; test: Expr; then: Expr; otherwise: Expr | null; at: number }
  | { kind: 'compare'; left: Expr; rest: Array<{ op: CompareOp; right: Expr; at: number }>; at: number }
  | { kind: 'slice'; object: Expr; start: Expr | null; stop: Expr | null; step: Expr | null; at: number }
  | { kind: 'method'; object: Expr; name: string; args: CallArgs; at: number }
  | { kind: 'call'; name: string; args: CallArgs; at: number };

/** The direct sub-expressions of a node, in source order. */
export function childrenOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'name':
      return [];
    case 'attribute':
      return [expr.object];
    case 'index':
      return [expr.object, expr.key];
    case 'list':
      return expr.items;
    case 'dict':
      return expr.entries.flatMap((entry) => [entry.key, entry.value]);
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'filter':
    case 'test':
      return [expr.input, ...callChildren(expr.args)];
    case 'conditional':
      return present([expr.then, expr.test, expr.otherwise]);
    case 'compare':
      return [expr.left, ...expr.rest.map((link) => link.right)];
    case 'slice':
      return present([expr.object, expr.start, expr.stop, expr.step]);
    case 'method':
      return [expr.object, ...callChildren(expr.args)];
    case 'call':
      return callChildren(expr.args);
    default:
      return assertNever(expr);
  }
}

/** Prints a node back as source text (normalised spacing), used to name things in error messages. */
export function render(expr: Expr): string {
  switch (expr.kind) {
    case 'literal':
      return renderLiteral(expr.value);
    case 'name':
      return expr.name;
    case 'attribute':
      return `${render(expr.object)}.${expr.name}`;
    case 'index':
      return `${render(expr.object)}[${render(expr.key)}]`;
    case 'list':
      return `[${expr.items.map(render).join(', ')}]`;
    case 'dict':
      return `{${expr.entries.map((entry) => `${render(entry.key)}: ${render(entry.value)}`).join(', ')}}`;
    case 'unary':
      return expr.op === 'not' ? `not ${render(expr.operand)}` : `${expr.op}${render(expr.operand)}`;
    case 'binary':
      return `${render(expr.left)} ${expr.op} ${render(expr.right)}`;
    case 'filter':
      return `${render(expr.input)} | ${expr.name}${renderArgs(expr.args)}`;
    case 'test':
      return `${render(expr.input)} is ${expr.negated ? 'not ' : ''}${expr.name}${renderArgs(expr.args)}`;
    case 'conditional': {
      const otherwise = expr.otherwise ? ` else ${render(expr.otherwise)}` : '';
      return `${render(expr.then)} if ${render(expr.test)}${otherwise}`;
    }
    case 'compare':
      return `${render(expr.left)}${expr.rest.map((link) => ` ${link.op} ${render(link.right)}`).join('')}`;
    case 'slice': {
      const part = (e: Expr | null): string => (e ? render(e) : '');
      return `${render(expr.object)}[${part(expr.start)}:${part(expr.stop)}${expr.step ? `:${render(expr.step)}` : ''}]`;
    }
    case 'method':
      return `${render(expr.object)}.${expr.name}(${renderArgs(expr.args).slice(1, -1)})`;
    case 'call':
      return `${expr.name}(${renderArgs(expr.args).slice(1, -1)})`;
    default:
      return assertNever(expr);
  }
}

/** The offset where a node's source text begins (its leftmost token). */
export function startOf(expr: Expr): number {
  switch (expr.kind) {
    case 'attribute':
    case 'index':
    case 'slice':
    case 'method':
      return Math.min(expr.at, startOf(expr.object));
    case 'conditional':
      return Math.min(expr.at, startOf(expr.then));
    case 'compare':
      return Math.min(expr.at, startOf(expr.left));
    case 'binary':
      return Math.min(expr.at, startOf(expr.left));
    case 'filter':
    case 'test':
      return Math.min(expr.at, startOf(expr.input));
    case 'literal':
    case 'name':
    case 'list':
    case 'dict':
    case 'unary':
    case 'call':
      return expr.at;
    default:
      return assertNever(expr);
  }
}

/** Compile-time exhaustiveness check for switches over tagged unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

function present(exprs: Array<Expr | null>): Expr[] {
  return exprs.filter((e): e is Expr => e !== null);
}

function callChildren(args: CallArgs): Expr[] {
  return present([...args.positional, ...args.named.map((arg) => arg.value), args.star ?? null, args.starStar ?? null]);
}

function renderArgs(args: CallArgs): string {
  const parts = [...args.positional.map(render), ...args.named.map((arg) => `${arg.name}=${render(arg.value)}`)];
  if (args.star) parts.push(`*${render(args.star)}`);
  if (args.starStar) parts.push(`**${render(args.starStar)}`);
  if (parts.length === 0) return '';
  return `(${parts.join(', ')})`;
}

function renderLiteral(value: LiteralValue): string {
  if (value === null) return 'none';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}
