// The parser's plumbing: the token cursor, nesting and tree-depth limits, comma-separated items and call
// argument lists. The grammar itself is in parser.ts.
import type { CallArgs, Expr } from './ast.ts';
import { childrenOf } from './ast.ts';
import type { Punct } from './lexer.ts';
import { literalRegexProblem } from './literal-regex.ts';
import { shortName } from './registry.ts';
import { callMismatch, type Signature } from './signature.ts';
import type { TokenStream } from './token-stream.ts';
import { isBlockedKey } from './values.ts';

/** Deepest bracket/operator nesting accepted in the source. */
export const MAX_NESTING = 64;
/** Deepest syntax tree accepted (long `a or b or c ...` chains count too); bounds evaluation recursion. */
export const MAX_TREE_DEPTH = 256;

/** Whether a call spreads a `*list` or a `**mapping` into its arguments. */
export function hasSpread(args: CallArgs): boolean {
  return args.star !== undefined || args.starStar !== undefined;
}

/** Shared state and helpers of the recursive-descent parser; `parseExpr` is one full expression. */
export abstract class ParserBase {
  private nesting = 0;
  private readonly depths = new WeakMap<Expr, number>();

  constructor(protected readonly s: TokenStream) {}

  /** One full expression (a conditional, the loosest level). */
  protected abstract parseExpr(): Expr;

  /** Comma-separated items up to `close` (consumed); a trailing comma is allowed. */
  protected parseItems<T>(close: Punct, item: () => T, afterFirst: boolean): T[] {
    const items: T[] = [];
    let needComma = afterFirst;
    while (!this.s.isPunct(close)) {
      if (needComma) {
        if (!this.s.isPunct(',')) throw this.s.error(this.s.peek().at, `expected ',' or '${close}'`);
        this.s.next();
        if (this.s.isPunct(close)) break;
      }
      items.push(item());
      needComma = true;
    }
    this.s.expect(close);
    return items;
  }

  /** `( args )` of a method or function call, positional then named. */
  protected parseParenArgs(): CallArgs {
    const args: CallArgs = { positional: [], named: [] };
    const open = this.s.peek();
    this.s.expect('(');
    this.nested(open.at, () => this.parseItems(')', () => this.parseArg(args), false));
    return args;
  }

  /** A filter or test name, possibly qualified: `lower`, `ansible.builtin.match`. */
  protected parseDottedName(what: string): { value: string; at: number } {
    const first = this.s.expectName(what);
    let value = first.value;
    while (this.s.isPunct('.')) {
      this.s.next();
      value += `.${this.s.expectName(what).value}`;
    }
    return { value, at: first.at };
  }

  protected parseCallArgs(name: string, what: string, signature: Signature, at: number): CallArgs {
    const args: CallArgs = { positional: [], named: [] };
    if (this.s.isPunct('(')) {
      const open = this.s.next();
      this.nested(open.at, () => this.parseItems(')', () => this.parseArg(args), false));
    }
    return this.checkCall(name, what, signature, at, args);
  }

  /**
   * Checks parsed arguments against a filter's or test's signature, and literal regex patterns among them.
   * A call with `*list` or `**mapping` is checked when evaluated, once their sizes are known.
   */
  protected checkCall(name: string, what: string, signature: Signature, at: number, args: CallArgs): CallArgs {
    const mismatch = hasSpread(args)
      ? undefined
      : callMismatch(
          signature,
          args.positional.length,
          args.named.map((arg) => arg.name),
        );
    if (mismatch) throw this.s.error(at, `${what} ${mismatch}`);
    const regexProblem = literalRegexProblem(shortName(name), args);
    if (regexProblem) throw this.s.error(regexProblem.at, regexProblem.message);
    return args;
  }

  // Jinja's call grammar (parser.parse_call_args): positional arguments, then `name=value` ones, in any
  // order with one `*list`; one `**mapping` comes last. `f(a=1, *xs)` is valid; `f(a=1, x)` and `f(*xs, x)` are not.
  private parseArg(args: CallArgs): void {
    const token = this.s.peek();
    const after = this.s.peek(1);
    if (this.s.isPunct('*') || this.s.isPunct('**')) {
      const double = this.s.isPunct('**');
      if (args.starStar || (!double && args.star))
        throw this.s.error(token.at, `only one '${double ? '**' : '*'}' argument is allowed, before any '**' one`);
      this.s.next();
      if (double) args.starStar = this.parseExpr();
      else args.star = this.parseExpr();
      return;
    }
    if (token.kind === 'name' && after.kind === 'punct' && after.value === '=') {
      if (args.starStar) throw this.s.error(token.at, "named argument after a '**' argument");
      this.s.skip(2);
      args.named.push({ name: token.value, value: this.parseExpr() });
      return;
    }
    if (args.named.length > 0) throw this.s.error(token.at, 'positional argument after a named argument');
    if (args.star || args.starStar) throw this.s.error(token.at, `positional argument after a '${args.star ? '*' : '**'}' argument`);
    args.positional.push(this.parseExpr());
  }

  protected checkKey(key: string, at: number): void {
    if (isBlockedKey(key)) throw this.s.error(at, `access to '${key}' is not allowed`);
  }

  /** Runs `parse` one nesting level deeper, refusing sources nested beyond MAX_NESTING. */
  protected nested<T>(at: number, parse: () => T): T {
    if (this.nesting >= MAX_NESTING) throw this.s.error(at, `expression is nested too deeply (limit ${MAX_NESTING})`);
    this.nesting++;
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  /** Records a new node's depth in the tree and refuses trees deeper than MAX_TREE_DEPTH. */
  protected node(expr: Expr): Expr {
    const depth = 1 + Math.max(0, ...childrenOf(expr).map((child) => this.depths.get(child) ?? 0));
    if (depth > MAX_TREE_DEPTH) throw this.s.error(expr.at, `expression is too complex (tree deeper than ${MAX_TREE_DEPTH})`);
    this.depths.set(expr, depth);
    return expr;
  }
}
