// A cursor over the token list, with the lookahead and error helpers the parser needs.
import { syntaxError, type ExpressionError } from './error.ts';
import type { Punct, Token } from './lexer.ts';

/** Walks the tokens of one source; errors it builds carry that source's offsets and excerpt. */
export class TokenStream {
  private pos = 0;

  constructor(
    readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  /** The token `ahead` places from the current one (the final `end` token past the last). */
  peek(ahead = 0): Token {
    return this.tokens[this.pos + ahead] ?? this.tokens[this.tokens.length - 1] ?? { kind: 'end', at: this.source.length };
  }

  /** Consumes and returns the current token. */
  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.pos++;
    return token;
  }

  /** Consumes `count` tokens. */
  skip(count: number): void {
    for (let i = 0; i < count; i++) this.next();
  }

  /** Whether the current token is the symbol `value`. */
  isPunct(value: Punct): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  /** Whether the token `ahead` places on is the bare word `word` (keywords are words). */
  isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'name' && token.value === word;
  }

  /** Consumes the symbol `value` or throws "expected 'value' at column N". */
  expect(value: Punct): void {
    if (!this.isPunct(value)) throw this.error(this.peek().at, `expected '${value}'`);
    this.next();
  }

  /** Consumes a word token or throws "expected <what>". */
  expectName(what: string): { value: string; at: number } {
    const token = this.peek();
    if (token.kind !== 'name') throw this.error(token.at, `expected ${what}`);
    this.next();
    return token;
  }

  /** A syntax error at `offset` of this source. */
  error(offset: number, what: string): ExpressionError {
    return syntaxError(this.source, offset, what);
  }

  /** "unexpected 'x' at column N" for a token that cannot appear where it is. */
  unexpected(token: Token): ExpressionError {
    switch (token.kind) {
      case 'end':
        return this.error(token.at, 'unexpected end of expression');
      case 'string':
        return this.error(token.at, `unexpected string ${JSON.stringify(token.value)}`);
      case 'number':
      case 'name':
      case 'punct':
        return this.error(token.at, `unexpected '${token.value}'`);
    }
  }
}
