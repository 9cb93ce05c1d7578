// Recursive-descent parser from tokens to the syntax tree, with Jinja's operator precedence.
import type { BinaryOp, CallArgs, CompareOp, Expr } from './ast.ts';
import { ExpressionError } from './error.ts';
import { FUNCTIONS } from './functions.ts';
import { tokenize, type Punct, type Token } from './lexer.ts';
import { isMethodName } from './methods.ts';
import { hasSpread, ParserBase } from './parser-base.ts';
import { suggestFilter } from './filters.ts';
import { findFilter, findTest } from './registry.ts';
import type { Signature } from './signature.ts';
import { TokenStream } from './token-stream.ts';

/** The nesting and tree-depth limits, defined with the parser's plumbing. */
export { MAX_NESTING, MAX_TREE_DEPTH } from './parser-base.ts';

/** Longest expression source accepted, in characters. */
export const MAX_SOURCE_LENGTH = 64 * 1024;
const CONSTANTS: ReadonlyMap<string, boolean | null> = new Map([
  ['true', true],
  ['True', true],
  ['false', false],
  ['False', false],
  ['none', null],
  ['None', null],
  ['null', null],
]);
const RESERVED: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);
const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const BINARY_LEVELS: readonly Punct[][] = [['+', '-'], ['~'], ['*', '/', '//', '%'], ['**']];

/** Whether `token` can start the one unparenthesized argument of a test (Jinja: a name, literal or bracket). */
function startsBareArgument(token: Token): boolean {
  if (token.kind === 'name') return !RESERVED.has(token.value);
  if (token.kind === 'string' || token.kind === 'number') return true;
  return token.kind === 'punct' && (token.value === '[' || token.value === '{');
}

/** Parses one expression. Syntax errors throw ExpressionError with the 0-based offset of the problem. */
export function parseExpression(source: string): Expr {
  if (typeof source !== 'string') throw new ExpressionError(`an expression must be a string, not ${typeof source}`, 0);
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new ExpressionError(`expression is too long (${source.length} characters; the limit is ${MAX_SOURCE_LENGTH})`, MAX_SOURCE_LENGTH);
  }
  return new Parser(new TokenStream(source, tokenize(source))).parseWhole();
}

class Parser extends ParserBase {
  parseWhole(): Expr {
    const expr = this.parseExpr();
    const token = this.s.peek();
    if (token.kind !== 'end') throw this.s.unexpected(token);
    return expr;
  }

  // ------------------------------------------------------------ precedence levels, loosest first

  // Jinja's inline `a if c else b`; without `else` the value is undefined when `c` is false. The condition is
  // an `or` level expression, the else branch another conditional (so `a if x else b if y else c` chains).
  protected parseExpr(): Expr {
    let expr = this.parseOr();
    while (this.s.isWord('if')) {
      const at = this.s.next().at;
      const test = this.parseOr();
      let otherwise: Expr | null = null;
      if (this.s.isWord('else')) {
        const elseAt = this.s.next().at;
        otherwise = this.nested(elseAt, () => this.parseExpr());
      }
      expr = this.node({ kind: 'conditional', test, then: expr, otherwise, at });
    }
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.s.isWord('or')) {
      const at = this.s.next().at;
      left = this.node({ kind: 'binary', op: 'or', left, right: this.parseAnd(), at });
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.s.isWord('and')) {
      const at = this.s.next().at;
      left = this.node({ kind: 'binary', op: 'and', left, right: this.parseNot(), at });
    }
    return left;
  }

  private parseNot(): Expr {
    if (!this.s.isWord('not')) return this.parseComparison();
    const at = this.s.next().at;
    return this.node({ kind: 'unary', op: 'not', operand: this.nested(at, () => this.parseNot()), at });
  }

  // Comparisons chain as in Python and Jinja: `a < b < c` is `a < b and b < c`, with `b` evaluated once.
  private parseComparison(): Expr {
    const left = this.parseBinaryLevel(0);
    const rest: Array<{ op: CompareOp; right: Expr; at: number }> = [];
    for (let op = this.comparisonOp(); op; op = this.comparisonOp()) {
      const at = this.s.peek().at;
      this.s.skip(op.tokens);
      rest.push({ op: op.op, right: this.parseBinaryLevel(0), at });
    }
    const [first, ...more] = rest;
    if (!first) return left;
    if (more.length === 0) return this.node({ kind: 'binary', op: first.op, left, right: first.right, at: first.at });
    return this.node({ kind: 'compare', left, rest, at: first.at });
  }

  // Levels 0..3 are `+ -`, then `~`, then `* / // %`, then `**` (Jinja binds `~` tighter than `+`, and its
  // `**` is left-associative and binds looser than unary minus: `-2 ** 2` is 4, `2 ** 3 ** 2` is 64).
  private parseBinaryLevel(level: number): Expr {
    const mine = BINARY_LEVELS[level];
    if (!mine) return this.parseUnary(true);
    let left = this.parseBinaryLevel(level + 1);
    for (let token = this.s.peek(); token.kind === 'punct' && mine.includes(token.value); token = this.s.peek()) {
      this.s.next();
      const op: BinaryOp = token.value as BinaryOp;
      left = this.node({ kind: 'binary', op, left, right: this.parseBinaryLevel(level + 1), at: token.at });
    }
    return left;
  }

  private parseUnary(withFilters: boolean): Expr {
    const token = this.s.peek();
    let expr: Expr;
    if (token.kind === 'punct' && (token.value === '-' || token.value === '+')) {
      this.s.next();
      const operand = this.nested(token.at, () => this.parseUnary(false));
      expr = this.node({ kind: 'unary', op: token.value, operand, at: token.at });
    } else {
      expr = this.parsePrimary();
    }
    expr = this.parsePostfix(expr);
    return withFilters ? this.parseFiltersAndTests(expr) : expr;
  }

  // ------------------------------------------------------------ primaries and postfix access

  private parsePrimary(): Expr {
    const token = this.s.next();
    switch (token.kind) {
      case 'number':
        return this.node({ kind: 'literal', value: token.value, at: token.at });
      case 'string': {
        // Adjacent string literals join, as in Python and Jinja: 'a' "b" is 'ab'.
        let value = token.value;
        for (let next = this.s.peek(); next.kind === 'string'; next = this.s.peek()) {
          this.s.next();
          value += next.value;
        }
        return this.node({ kind: 'literal', value, at: token.at });
      }
      case 'name': {
        const constant = CONSTANTS.get(token.value);
        if (constant !== undefined) return this.node({ kind: 'literal', value: constant, at: token.at });
        if (RESERVED.has(token.value)) throw this.s.unexpected(token);
        if (this.s.isPunct('(') && FUNCTIONS.has(token.value)) return this.parseFunctionCall(token.value, token.at);
        return this.node({ kind: 'name', name: token.value, at: token.at });
      }
      case 'punct':
        if (token.value === '(') return this.nested(token.at, () => this.parseParenthesized(token.at));
        if (token.value === '[') return this.nested(token.at, () => this.parseList(token.at));
        if (token.value === '{') return this.nested(token.at, () => this.parseDict(token.at));
        throw this.s.unexpected(token);
      case 'end':
        throw this.s.unexpected(token);
    }
  }

  // `(a)` groups; `(a, b)` and `()` are tuples, which behave as lists.
  private parseParenthesized(at: number): Expr {
    if (this.s.isPunct(')')) {
      this.s.next();
      return this.node({ kind: 'list', items: [], at });
    }
    const first = this.parseExpr();
    if (!this.s.isPunct(',')) {
      this.s.expect(')');
      return first;
    }
    const items = [first, ...this.parseItems(')', () => this.parseExpr(), true)];
    return this.node({ kind: 'list', items, at });
  }

  private parseList(at: number): Expr {
    return this.node({ kind: 'list', items: this.parseItems(']', () => this.parseExpr(), false), at });
  }

  private parseDict(at: number): Expr {
    const entries = this.parseItems(
      '}',
      () => {
        const key = this.parseExpr();
        this.s.expect(':');
        return { key, value: this.parseExpr() };
      },
      false,
    );
    return this.node({ kind: 'dict', entries, at });
  }

  private parsePostfix(start: Expr): Expr {
    let expr = start;
    for (;;) {
      const token = this.s.peek();
      if (this.s.isPunct('.')) {
        this.s.next();
        expr = this.parseDotted(expr, token.at);
      } else if (this.s.isPunct('[')) {
        this.s.next();
        expr = this.nested(token.at, () => this.parseSubscript(expr, token.at));
      } else if (this.s.isPunct('(')) {
        throw this.s.error(token.at, 'function and method calls are not allowed');
      } else {
        return expr;
      }
    }
  }

  private parseDotted(object: Expr, at: number): Expr {
    const token = this.s.next();
    if (token.kind === 'name') {
      this.checkKey(token.value, token.at);
      if (this.s.isPunct('(')) {
        if (!isMethodName(token.value)) throw this.s.error(token.at, `unknown method '${token.value}'`);
        const args = this.parseParenArgs();
        return this.node({ kind: 'method', object, name: token.value, args, at });
      }
      return this.node({ kind: 'attribute', object, name: token.value, at });
    }
    if (token.kind === 'number') {
      const key = this.node({ kind: 'literal', value: token.value, at: token.at });
      return this.node({ kind: 'index', object, key, at });
    }
    throw this.s.error(token.at, "expected an attribute name after '.'");
  }

  // After `[`: a key (`x[k]`) or a slice (`x[a:b]`, `x[::-1]`), any part of which may be left out.
  private parseSubscript(object: Expr, at: number): Expr {
    const parts: Array<Expr | null> = [];
    let colons = 0;
    for (;;) {
      parts.push(this.s.isPunct(':') || this.s.isPunct(']') ? null : this.parseExpr());
      if (!this.s.isPunct(':') || colons === 2) break;
      this.s.next();
      colons++;
    }
    this.s.expect(']');
    const [key = null, stop = null, step = null] = parts;
    if (colons === 0) {
      if (key === null) throw this.s.error(at + 1, 'expected an index or a slice');
      if (key.kind === 'literal' && typeof key.value === 'string') this.checkKey(key.value, key.at);
      return this.node({ kind: 'index', object, key, at });
    }
    return this.node({ kind: 'slice', object, start: key, stop, step, at });
  }

  private parseFunctionCall(name: string, at: number): Expr {
    const args = this.parseParenArgs();
    const mismatch = hasSpread(args)
      ? undefined
      : FUNCTIONS.get(name)?.mismatch(
          args.positional.length,
          args.named.map((arg) => arg.name),
        );
    if (mismatch) throw this.s.error(at, `${name}() ${mismatch}`);
    return this.node({ kind: 'call', name, args, at });
  }

  // ------------------------------------------------------------ filters and tests

  private parseFiltersAndTests(start: Expr): Expr {
    let expr = start;
    for (;;) {
      if (this.s.isPunct('|')) {
        this.s.next();
        const name = this.parseDottedName("a filter name after '|'");
        const spec = findFilter(name.value);
        if (!spec) {
          const hint = suggestFilter(name.value);
          throw this.s.error(name.at, `unknown filter '${name.value}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
        }
        const args = this.parseCallArgs(name.value, `filter '${name.value}'`, spec.signature, name.at);
        expr = this.node({ kind: 'filter', name: name.value, input: expr, args, at: name.at });
      } else if (this.s.isWord('is')) {
        this.s.next();
        const negated = this.s.isWord('not');
        if (negated) this.s.next();
        const name = this.parseDottedName("a test name after 'is'");
        const spec = findTest(name.value);
        if (!spec) throw this.s.error(name.at, `unknown test '${name.value}'`);
        const args = this.parseTestArgs(name.value, spec.signature, name.at);
        expr = this.node({ kind: 'test', name: name.value, negated, input: expr, args, at: name.at });
      } else {
        return expr;
      }
    }
  }

  // Jinja lets a test take one argument without parentheses: `x is divisibleby 3`, `x is sameas false`.
  private parseTestArgs(name: string, signature: Signature, at: number): CallArgs {
    if (!startsBareArgument(this.s.peek())) return this.parseCallArgs(name, `test '${name}'`, signature, at);
    const arg = this.parsePostfix(this.parsePrimary());
    return this.checkCall(name, `test '${name}'`, signature, at, { positional: [arg], named: [] });
  }

  // ------------------------------------------------------------ small helpers

  private comparisonOp(): { op: CompareOp; tokens: number } | undefined {
    const token = this.s.peek();
    if (token.kind === 'punct' && COMPARISONS.has(token.value)) return { op: token.value as CompareOp, tokens: 1 };
    if (this.s.isWord('in')) return { op: 'in', tokens: 1 };
    if (this.s.isWord('not') && this.s.isWord('in', 1)) return { op: 'not in', tokens: 2 };
    return undefined;
  }
}
