// Parses Ansible host patterns (`web*:&prod:!web3`, `~db\d+`, `all[0:9]`) into ordered, compiled terms.
import { compilePythonRegex, RegexError, type PythonRegex } from '../regex/index.ts';
import { inventoryError, type ErrorSite } from './error.ts';
import { RE2JS } from 're2js';

/** How one element of a host pattern combines with the result so far. */
export type PatternOp = 'union' | 'intersect' | 'exclude';

/** One element of a host pattern, such as `web*`, `&staging` or `!db1`, ready to match names. */
export interface PatternTerm {
  op: PatternOp;
  /** The element without its `&`/`!` prefix and without its subscript. */
  expr: string;
  kind: 'plain' | 'glob' | 'regex';
  /** `[n]` picks one matched host, `[n:m]` an inclusive slice (`m` open when undefined). */
  subscript?: { start: number; end?: number; single: boolean };
  matches(name: string): boolean;
}

/** One raw element and, when it came from a file, where it was written. */
export interface PatternElement {
  text: string;
  site?: ErrorSite;
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+):(\d*))\]$/;
const IPV6 = /^(?:[0-9A-Fa-f]*:){2,7}[0-9A-Fa-f.]*$/;

/** Splits a pattern on `,` (or, when there is no comma, on `:` outside brackets) like Ansible's split_host_pattern. */
export function splitHostPattern(pattern: string, isHost: (name: string) => boolean): string[] {
  const trimmed = pattern.trim();
  let parts: string[];
  if (trimmed.includes(',')) parts = trimmed.split(',');
  // A known host name or an IPv6 address may itself contain colons.
  else if (isHost(trimmed) || (IPV6.test(trimmed) && trimmed.includes('::'))) parts = [trimmed];
  else parts = splitOutsideBrackets(trimmed);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function splitOutsideBrackets(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** Compiles elements into terms ordered as Ansible evaluates them: unions, then `&` intersections, then `!` exclusions. */
export function compileTerms(elements: PatternElement[], pattern: string): PatternTerm[] {
  if (elements.length === 0) throw inventoryError(`empty host pattern '${pattern}'`);
  const terms = elements.map((element) => compileTerm(element));
  const unions = terms.filter((t) => t.op === 'union');
  // Only `&`/`!` elements: Ansible starts from all hosts.
  if (unions.length === 0) unions.push(compileTerm({ text: 'all' }));
  return [...unions, ...terms.filter((t) => t.op === 'intersect'), ...terms.filter((t) => t.op === 'exclude')];
}

function compileTerm(element: PatternElement): PatternTerm {
  const { text, site } = element;
  const fail = (why: string): never => {
    throw inventoryError(`invalid host pattern '${text}': ${why}`, site);
  };
  if (/\s/.test(text)) fail('it contains whitespace');
  const prefix = text.charAt(0);
  const op: PatternOp = prefix === '!' ? 'exclude' : prefix === '&' ? 'intersect' : 'union';
  const body = op === 'union' ? text : text.slice(1);
  if (body === '') fail(`'${prefix}' must be followed by a host or group`);
  if (body.startsWith('!') || body.startsWith('&')) fail(`only one of '!' or '&' may prefix an element`);

  if (body.startsWith('~')) {
    const source = body.slice(1);
    let regex: PythonRegex;
    try {
      // Python syntax on the linear-time engine; Ansible uses re.match, anchored at the start only.
      regex = compilePythonRegex(source, { kind: 'inventory' });
    } catch (err) {
      if (err instanceof RegexError) return fail(`bad regular expression: ${err.message}`);
      throw err;
    }
    return { op, expr: body, kind: 'regex', matches: (name) => regex.match(name) !== null };
  }

  const sub = SUBSCRIPT.exec(body);
  const expr = sub?.[1] ?? body;
  const subscript = sub
    ? sub[2] !== undefined
      ? { start: Number(sub[2]), single: true }
      : { start: Number(sub[3]), end: sub[4] === '' ? undefined : Number(sub[4]), single: false }
    : undefined;
  const glob = globToRegExp(expr);
  if (typeof glob === 'string') return fail(glob);
  const kind = /[*?[]/.test(expr) ? 'glob' : 'plain';
  const term: PatternTerm = { op, expr, kind, matches: (name) => glob.test(name) };
  if (subscript) term.subscript = subscript;
  return term;
}

/** A compiled host glob. */
export interface HostGlob {
  test(name: string): boolean;
}

/**
 * Translates a shell glob (`*`, `?`, `[seq]`, `[!seq]`) like Python's fnmatch, compiled on RE2 so that
 * matching is linear (a backtracking `^.*a.*a.*a.*b$` took seconds per host name); a string is an error.
 */
export function globToRegExp(glob: string): HostGlob | string {
  let out = '';
  for (let i = 0; i < glob.length; ) {
    const c = glob.charAt(i++);
    if (c === '*') {
      if (!out.endsWith('.*')) out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      let j = i;
      if (glob.charAt(j) === '!') j++;
      if (glob.charAt(j) === ']') j++;
      while (j < glob.length && glob.charAt(j) !== ']') j++;
      if (j >= glob.length) return `unclosed '[' at position ${i}`;
      let set = glob.slice(i, j).replace(/\\/g, '\\\\').replace(/]/g, '\\]');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      else if (set.startsWith('^')) set = `\\${set}`;
      out += `[${set}]`;
      i = j + 1;
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  try {
    const re = RE2JS.compile(`^(?:${out})$`, RE2JS.DOTALL);
    return { test: (name) => re.matcher(name).matches() };
  } catch (err) {
    return `bad character class: ${(err as Error).message}`;
  }
}
