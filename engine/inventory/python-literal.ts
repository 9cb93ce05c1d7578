// Reads Python literals the way ast.literal_eval does, because Ansible types INI inventory values with it.
// Tuples and sets become arrays, bytes become text; anything that is not a literal is reported as such.
import { setOwn } from './own-properties.ts';
import { NotLiteral, tokenize, type Token } from './python-tokens.ts';

/** The outcome of reading text as one Python literal. */
export type LiteralResult = { ok: true; value: unknown } | { ok: false };

/** Types one INI inventory value like Ansible: a Python literal when it is one, else the raw text. */
export function iniValue(text: string): unknown {
  const result = parsePythonLiteral(text);
  return result.ok ? result.value : text;
}

/** Parses `text` as a Python literal expression (numbers, strings, True/False/None, lists, tuples, dicts, sets). */
export function parsePythonLiteral(text: string): LiteralResult {
  try {
    const tokens = tokenize(text);
    const parser = new LiteralParser(tokens);
    const value = parser.topLevel();
    return { ok: true, value };
  } catch (err) {
    if (err instanceof NotLiteral) return { ok: false };
    throw err;
  }
}

// CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses"), so for
// ast.literal_eval, and hence for Ansible, such a value is not a literal but plain text. The limit also keeps
// this recursive parser far from the JavaScript stack limit.
const MAX_NESTING = 200;

class LiteralParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  /** Whole input: one expression, or a bare tuple such as `1, 2`. */
  topLevel(): unknown {
    if (this.peek().type === 'end') throw new NotLiteral();
    const value = this.sequence('end');
    this.expect('end');
    return value;
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? { type: 'end' };
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.type === 'punct' && t.text === text;
  }

  private expect(what: string): void {
    const t = this.peek();
    const ok = what === 'end' ? t.type === 'end' : t.type === 'punct' && t.text === what;
    if (!ok) throw new NotLiteral();
    this.pos++;
  }

  /** Expressions separated by commas up to `closer`; a tuple if any comma appears, else the single value. */
  private sequence(closer: string): unknown {
    const items: unknown[] = [this.expression()];
    let comma = false;
    while (this.isPunct(',')) {
      this.pos++;
      comma = true;
      if (this.atCloser(closer)) break;
      items.push(this.expression());
    }
    return comma ? items : items[0];
  }

  private atCloser(closer: string): boolean {
    return closer === 'end' ? this.peek().type === 'end' : this.isPunct(closer);
  }

  private expression(): unknown {
    const t = this.peek();
    this.pos++;
    switch (t.type) {
      case 'number':
        return t.value;
      case 'string':
        return this.concatenated(t);
      case 'name':
        if (t.text === 'True') return true;
        if (t.text === 'False') return false;
        if (t.text === 'None') return null;
        throw new NotLiteral();
      case 'punct':
        return this.compound(t.text);
      case 'end':
        throw new NotLiteral();
    }
  }

  // Adjacent string literals join, as in Python; str and bytes may not mix.
  private concatenated(first: { value: string; bytes: boolean }): string {
    let value = first.value;
    for (let t = this.peek(); t.type === 'string'; t = this.peek()) {
      if (t.bytes !== first.bytes) throw new NotLiteral();
      value += t.value;
      this.pos++;
    }
    return value;
  }

  private compound(open: string): unknown {
    if (open !== '(' && open !== '[' && open !== '{') return this.signed(open);
    if (++this.depth > MAX_NESTING) throw new NotLiteral();
    const value = this.bracketed(open);
    this.depth--;
    return value;
  }

  private signed(open: string): unknown {
    if (open === '+' || open === '-') {
      const t = this.peek();
      if (t.type !== 'number') throw new NotLiteral();
      this.pos++;
      return open === '-' ? -t.value : t.value;
    }
    throw new NotLiteral();
  }

  private bracketed(open: string): unknown {
    if (open === '(') {
      if (this.isPunct(')')) {
        this.pos++;
        return [];
      }
      const value = this.sequence(')');
      this.expect(')');
      return value;
    }
    if (open === '[') return this.list();
    if (open === '{') return this.braces();
    throw new NotLiteral();
  }

  private list(): unknown[] {
    const items: unknown[] = [];
    while (!this.isPunct(']')) {
      items.push(this.expression());
      if (!this.isPunct(',')) break;
      this.pos++;
    }
    this.expect(']');
    return items;
  }

  // `{}` and `{k: v}` are dicts, `{a, b}` is a set (returned as a list without duplicates).
  private braces(): unknown {
    if (this.isPunct('}')) {
      this.pos++;
      return {};
    }
    const first = this.expression();
    if (!this.isPunct(':')) return this.setRest(first);
    const dict: Record<string, unknown> = {};
    let key: unknown = first;
    for (;;) {
      this.expect(':');
      if (typeof key === 'object' && key !== null) throw new NotLiteral();
      // An own property even for `__proto__`, which plain assignment would turn into the prototype.
      setOwn(dict, String(key), this.expression());
      if (!this.isPunct(',')) break;
      this.pos++;
      if (this.isPunct('}')) break;
      key = this.expression();
    }
    this.expect('}');
    return dict;
  }

  private setRest(first: unknown): unknown[] {
    const items: unknown[] = [first];
    while (this.isPunct(',')) {
      this.pos++;
      if (this.isPunct('}')) break;
      items.push(this.expression());
    }
    this.expect('}');
    // Like a Python set: duplicates dropped (a Set keeps this linear for big literals).
    return [...new Set(items)];
  }
}
