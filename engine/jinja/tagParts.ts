// Parts of statement tags: which names a tag makes callable, the names of a from-import, a trailing
// `with context`, and where a bare word stands outside brackets.
import { JinjaError } from './errors.ts';
import { splitTopLevel } from './expression.ts';
import type { TagToken } from './tagScanner.ts';

/** Adds the names a tag makes callable: a macro's, an imported one's (or its alias), `alias.` for `import … as alias`. */
export function collectCallable(tokens: readonly TagToken[], callables: Set<string>): void {
  const [word, name] = tokens;
  if (word?.text === 'macro' && name?.kind === 'name') callables.add(name.text);
  if (word?.text === 'import') {
    const as = topLevelWord(tokens, 'as');
    const alias = tokens[as + 1];
    if (as > 0 && alias?.kind === 'name') callables.add(`${alias.text}.`);
  }
  if (word?.text === 'from') {
    const at = topLevelWord(tokens, 'import');
    if (at > 0) for (const { alias } of importedNames(withoutContext(tokens.slice(at + 1)).tokens)) callables.add(alias);
  }
}

/** `a, b as c`: the names a from-import binds. */
export function importedNames(tokens: readonly TagToken[]): Array<{ name: string; alias: string; at: number }> {
  return splitTopLevel(tokens, ',')
    .filter((part) => part.length > 0)
    .map((part) => {
      const [name, as, alias] = part;
      const ok = name?.kind === 'name' && (part.length === 1 || (part.length === 3 && as?.text === 'as' && alias?.kind === 'name'));
      if (!ok || !name) throw new JinjaError("expected 'name' or 'name as alias' to import", part[0]?.at ?? 0);
      return { name: name.text, alias: (alias ?? name).text, at: name.at };
    });
}

/** Takes a trailing `with context` / `without context` off a tag's tokens. */
export function withoutContext(tokens: readonly TagToken[]): { tokens: readonly TagToken[]; withContext?: boolean } {
  const [word, context] = tokens.slice(-2);
  if (context?.text !== 'context' || (word?.text !== 'with' && word?.text !== 'without')) return { tokens };
  return { tokens: tokens.slice(0, -2), withContext: word.text === 'with' };
}

/** The index of the bare word `word` where no bracket is open, or -1. */
export function topLevelWord(tokens: readonly TagToken[], word: string): number {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'op' && (token.text === '(' || token.text === '[' || token.text === '{')) depth++;
    else if (token.kind === 'op' && (token.text === ')' || token.text === ']' || token.text === '}')) depth--;
    else if (depth === 0 && token.kind === 'name' && token.text === word) return i;
  }
  return -1;
}
