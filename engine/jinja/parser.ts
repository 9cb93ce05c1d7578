// Builds the syntax tree of a template from its pieces: blocks nest until their end tag, and each tag's
// expressions are compiled with engine/expr. Tags Jinja2 has but this engine does not are refused by name.
import { BLOCK_VALUE, type MacroParam, type Node } from './ast.ts';
import { JinjaError } from './errors.ts';
import { compileExpression, splitTopLevel, type CompiledExpression } from './expression.ts';
import type { Piece } from './lexer.ts';
import { MAX_JINJA_NESTING } from './limits.ts';
import type { TagToken } from './tagScanner.ts';
import { collectCallable, importedNames, topLevelWord, withoutContext } from './tagParts.ts';
import { isBlockedName } from './values.ts';

type Block = Extract<Piece, { kind: 'block' }>;

/** Tags of Jinja2 (or its extensions) that this engine does not implement. */
const UNSUPPORTED: ReadonlySet<string> = new Set(['extends', 'block', 'call', 'do', 'break', 'continue', 'autoescape', 'trans']);

/** Parses a lexed template (`text` is its source) into nodes. Throws JinjaError. */
export function parseTemplate(text: string, pieces: readonly Piece[]): Node[] {
  const macros = new Set<string>();
  for (const piece of pieces) if (piece.kind === 'block') collectCallable(piece.tokens, macros);
  const parser = new Parser(text, pieces, macros);
  const { nodes, end } = parser.body([]);
  if (end) throw new JinjaError(`unexpected '${keyword(end)}'`, end.at);
  return nodes;
}

function keyword(block: Block): string {
  return block.tokens[0]?.text ?? '';
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly pieces: readonly Piece[],
    private readonly macros: ReadonlySet<string>,
  ) {}

  /** Nodes up to a block whose keyword is one of `ends` (returned, consumed) or the end of the template. */
  body(ends: readonly string[]): { nodes: Node[]; end?: Block } {
    const nodes: Node[] = [];
    for (let piece = this.pieces[this.pos]; piece; piece = this.pieces[this.pos]) {
      this.pos++;
      if (piece.kind === 'text') {
        nodes.push({ kind: 'text', text: piece.text });
      } else if (piece.kind === 'output') {
        nodes.push({ kind: 'output', value: this.expression(piece.tokens, piece.at), at: piece.at });
      } else if (ends.includes(keyword(piece))) {
        return { nodes, end: piece };
      } else {
        nodes.push(this.statement(piece));
      }
    }
    return { nodes };
  }

  private statement(block: Block): Node {
    const name = keyword(block);
    const rest = block.tokens.slice(1);
    switch (name) {
      case 'if':
        return this.nested(block, () => this.ifBlock(block, rest));
      case 'for':
        return this.nested(block, () => this.forBlock(block, rest));
      case 'set':
        return this.setStatement(block, rest);
      case 'include':
        return this.include(block, rest);
      case 'import':
      case 'from':
        return this.importTag(block, name, rest);
      case 'macro':
        return this.nested(block, () => this.macro(block, rest));
      case 'with':
        return this.nested(block, () => this.withBlock(block, rest));
      case 'filter':
        return this.nested(block, () => {
          const filter = this.expression(rest, block.at, `${BLOCK_VALUE} | `);
          return { kind: 'filterBlock', filter, body: this.closedBody(block, 'endfilter'), at: block.at };
        });
      case '':
        throw new JinjaError('expected a tag name', block.at);
      default:
        if (UNSUPPORTED.has(name)) throw new JinjaError(`the '${name}' tag is not supported`, block.at);
        if (name.startsWith('end') || name === 'else' || name === 'elif') throw new JinjaError(`unexpected '${name}'`, block.at);
        throw new JinjaError(`unknown tag '${name}'`, block.at);
    }
  }

  private ifBlock(block: Block, test: TagToken[]): Node {
    const branches = [{ test: this.expression(test, block.at), body: [] as Node[] }];
    let otherwise: Node[] | undefined;
    for (;;) {
      const part = this.body(['elif', 'else', 'endif']);
      const end = this.requireEnd(block, part.end, 'endif');
      if (otherwise) otherwise = part.nodes;
      else branches[branches.length - 1]!.body = part.nodes;
      const word = keyword(end);
      this.noArguments(end, word === 'elif');
      if (word === 'endif') return { kind: 'if', branches, ...(otherwise ? { otherwise } : {}), at: block.at };
      if (otherwise) throw new JinjaError(`unexpected '${word}' after 'else'`, end.at);
      if (word === 'elif') branches.push({ test: this.expression(end.tokens.slice(1), end.at), body: [] });
      else otherwise = [];
    }
  }

  private forBlock(block: Block, tokens: TagToken[]): Node {
    const inAt = tokens.findIndex((t) => t.kind === 'name' && t.text === 'in');
    if (inAt < 0) throw new JinjaError("expected 'in' in the for tag", block.at);
    const targets = this.targets(tokens.slice(0, inAt), block.at);
    const iterTokens = tokens.slice(inAt + 1);
    if (iterTokens.some((t) => t.kind === 'name' && t.text === 'recursive'))
      throw new JinjaError('recursive loops are not supported', block.at);
    const ifAt = topLevelWord(iterTokens, 'if');
    const iterable = this.expression(ifAt < 0 ? iterTokens : iterTokens.slice(0, ifAt), tokens[inAt]!.at + 2);
    const filter = ifAt < 0 ? undefined : this.expression(iterTokens.slice(ifAt + 1), iterTokens[ifAt]!.at + 2);
    const loop = this.body(['else', 'endfor']);
    const end = this.requireEnd(block, loop.end, 'endfor');
    this.noArguments(end, false);
    let otherwise: Node[] | undefined;
    if (keyword(end) === 'else') {
      otherwise = this.closedBody(block, 'endfor');
    }
    return {
      kind: 'for',
      targets,
      iterable,
      ...(filter ? { filter } : {}),
      body: loop.nodes,
      ...(otherwise ? { otherwise } : {}),
      at: block.at,
    };
  }

  private setStatement(block: Block, tokens: TagToken[]): Node {
    const eq = tokens.findIndex((t) => t.kind === 'op' && t.text === '=');
    if (eq < 0) {
      // `{% set name %}…{% endset %}`, optionally `{% set name | filters %}`.
      const [target, bar] = tokens;
      if (target?.kind !== 'name' || (bar && bar.text !== '|'))
        throw new JinjaError("expected '=' or a block after the set tag's name", block.at);
      this.checkName(target);
      const filter = bar ? this.expression(tokens.slice(2), bar.at + 1, `${BLOCK_VALUE} | `) : undefined;
      return this.nested(block, () => ({
        kind: 'setBlock',
        target: target.text,
        ...(filter ? { filter } : {}),
        body: this.closedBody(block, 'endset'),
        at: block.at,
      }));
    }
    const left = tokens.slice(0, eq);
    const value = this.expression(tokens.slice(eq + 1), tokens[eq]!.at + 1);
    const [object, dot, attribute] = left;
    if (left.length === 3 && object?.kind === 'name' && dot?.text === '.' && attribute?.kind === 'name') {
      this.checkName(object);
      this.checkName(attribute);
      return { kind: 'set', targets: [object.text], attribute: attribute.text, value, at: block.at };
    }
    return { kind: 'set', targets: this.targets(left, block.at), value, at: block.at };
  }

  private include(block: Block, tokens: TagToken[]): Node {
    let rest = tokens;
    let withContext = true;
    let ignoreMissing = false;
    const endsWith = (...words: string[]): boolean =>
      rest.length > words.length && words.every((word, i) => rest[rest.length - words.length + i]?.text === word);
    if (endsWith('with', 'context') || endsWith('without', 'context')) {
      withContext = rest.at(-2)?.text === 'with';
      rest = rest.slice(0, -2);
    }
    if (endsWith('ignore', 'missing')) {
      ignoreMissing = true;
      rest = rest.slice(0, -2);
    }
    return { kind: 'include', name: this.expression(rest, block.at), ignoreMissing, withContext, at: block.at };
  }

  // `{% import 'x.j2' as lib %}` and `{% from 'x.j2' import a, b as c %}`; imports get no context unless told.
  private importTag(block: Block, word: string, tokens: TagToken[]): Node {
    const { tokens: rest, withContext = false } = withoutContext(tokens);
    const split = topLevelWord(rest, word === 'import' ? 'as' : 'import');
    if (split < 0)
      throw new JinjaError(
        word === 'import' ? "expected 'as' and a name in the import tag" : "expected 'import' in the from tag",
        block.at,
      );
    const source = this.expression(rest.slice(0, split), block.at);
    if (word === 'from') {
      const names = importedNames(rest.slice(split + 1));
      if (names.length === 0) throw new JinjaError('expected a name to import', block.at);
      for (const n of names) this.checkName({ kind: 'name', text: n.alias, at: n.at });
      return { kind: 'fromImport', source, names: names.map(({ name, alias }) => ({ name, alias })), withContext, at: block.at };
    }
    const alias = rest[split + 1];
    if (rest.length !== split + 2 || alias?.kind !== 'name') throw new JinjaError('expected one name after as', block.at);
    this.checkName(alias);
    return { kind: 'import', source, alias: alias.text, withContext, at: block.at };
  }

  private macro(block: Block, tokens: TagToken[]): Node {
    const [name, open] = tokens;
    const close = tokens.at(-1);
    if (name?.kind !== 'name' || open?.text !== '(' || close?.text !== ')')
      throw new JinjaError('expected a macro name and its ( ) parameters', block.at);
    this.checkName(name);
    const params: MacroParam[] = [];
    for (const param of splitTopLevel(tokens.slice(2, -1), ',')) {
      const [id, eq] = param;
      if (!id) continue;
      if (id.kind !== 'name' || (eq && eq.text !== '=')) throw new JinjaError('expected a parameter name', id.at);
      this.checkName(id);
      if (params.some((p) => p.name === id.text)) throw new JinjaError(`parameter '${id.text}' is given twice`, id.at);
      params.push({ name: id.text, ...(eq ? { fallback: this.expression(param.slice(2), eq.at + 1) } : {}) });
    }
    return { kind: 'macro', name: name.text, params, body: this.closedBody(block, 'endmacro'), at: block.at };
  }

  private withBlock(block: Block, tokens: TagToken[]): Node {
    const bindings: Array<{ name: string; value: CompiledExpression }> = [];
    for (const part of splitTopLevel(tokens, ',')) {
      const [id, eq] = part;
      if (!id) continue;
      if (id.kind !== 'name' || eq?.text !== '=') throw new JinjaError("expected 'name = value' in the with tag", id.at);
      this.checkName(id);
      bindings.push({ name: id.text, value: this.expression(part.slice(2), eq.at + 1) });
    }
    return { kind: 'with', bindings, body: this.closedBody(block, 'endwith'), at: block.at };
  }

  // ------------------------------------------------------------ helpers

  private closedBody(block: Block, endWord: string): Node[] {
    const part = this.body([endWord]);
    this.noArguments(this.requireEnd(block, part.end, endWord), false);
    return part.nodes;
  }

  private requireEnd(block: Block, end: Block | undefined, endWord: string): Block {
    if (!end) throw new JinjaError(`the '${keyword(block)}' tag is never closed (expected '${endWord}')`, block.at);
    return end;
  }

  private noArguments(end: Block, takesArguments: boolean): void {
    if (!takesArguments && end.tokens.length > 1)
      throw new JinjaError(`unexpected '${end.tokens[1]?.text}' after '${keyword(end)}'`, end.tokens[1]!.at);
  }

  private targets(tokens: TagToken[], at: number): string[] {
    const inner = tokens[0]?.text === '(' && tokens.at(-1)?.text === ')' ? tokens.slice(1, -1) : tokens;
    // A trailing comma (`a, = xs`, a one-item unpacking in Jinja2) is refused rather than read as `a = xs`.
    return splitTopLevel(inner, ',').map((part) => {
      const [id] = part;
      if (part.length !== 1 || id?.kind !== 'name') throw new JinjaError('expected a variable name', part[0]?.at ?? at);
      this.checkName(id);
      return id.text;
    });
  }

  private checkName(token: TagToken): void {
    if (isBlockedName(token.text)) throw new JinjaError(`'${token.text}' cannot be used as a name`, token.at);
  }

  private expression(tokens: readonly TagToken[], at: number, prefix = ''): CompiledExpression {
    return compileExpression(this.text, tokens, this.macros, prefix, tokens.length > 0 ? undefined : at);
  }

  private nested<T>(block: Block, parse: () => T): T {
    if (this.depth >= MAX_JINJA_NESTING) throw new JinjaError(`blocks nest more than ${MAX_JINJA_NESTING} deep`, block.at);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }
}
