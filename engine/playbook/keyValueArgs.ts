// Reads the legacy `key=value key2="value 2"` form of module arguments, ported from Ansible's
// parsing/splitter.py: split_args splits at spaces and newlines but keeps quotes and `{{ }}`, `{% %}`,
// `{# #}` blocks together (spacing kept for the free form); parse_kv decodes Python escapes in each word,
// takes `key=value` words as arguments (outer quotes removed) and the other words as the free form.

/** One word of split_args and the 0-based offset in the text where it starts. */
export interface ArgWord {
  text: string;
  start: number;
}

/** The words, or why the text cannot be split and where (0-based offset of the open quote or block). */
export type SplitResult = { kind: 'ok'; words: ArgWord[] } | { kind: 'problem'; message: string; offset: number };

const BLOCKS = [
  ['{{', '}}'],
  ['{%', '%}'],
  ['{#', '#}'],
] as const;

// Ansible's _get_quote_state: a quote not preceded by a backslash opens, or closes the one open.
function quoteState(token: string, quote: string | undefined): { quote: string | undefined; openedAt: number } {
  let openedAt = -1;
  for (let i = 0; i < token.length; i++) {
    const c = token.charAt(i);
    if ((c === '"' || c === "'") && (i === 0 || token.charAt(i - 1) !== '\\')) {
      if (quote === undefined) [quote, openedAt] = [c, i];
      else if (c === quote) quote = undefined;
    }
  }
  return { quote, openedAt };
}

const count = (s: string, sub: string): number => s.split(sub).length - 1;

/** Ansible's split_args, with each word's offset; an open quote or block at the end is a problem. */
export function splitArgs(text: string): SplitResult {
  const params: ArgWord[] = [];
  if (text === '') return { kind: 'ok', words: params };
  const last = (start: number): ArgWord => {
    if (params.length === 0) params.push({ text: '', start });
    return params[params.length - 1] as ArgWord;
  };
  let quote: string | undefined;
  let quoteAt = -1;
  const depth = [0, 0, 0];
  const openAt = [-1, -1, -1];
  const items = text.split('\n');
  let at = 0;
  items.forEach((item, itemIdx) => {
    const tokens = item.split(' ');
    let continuation = false;
    let pos = at;
    tokens.forEach((token, idx) => {
      const start = pos;
      pos += token.length + 1;
      // Runs of spaces are kept on the word before them, for the free form's join.
      if (token.length === 0 && idx !== 0) {
        last(start).text += ' ';
        return;
      }
      if (token === '\\' && quote === undefined) {
        continuation = true;
        return;
      }
      const wasInside = quote !== undefined;
      const state = quoteState(token, quote);
      if (state.openedAt >= 0) quoteAt = start + state.openedAt;
      quote = state.quote;
      const inside = quote !== undefined;
      const inBlock = (): boolean => depth.some((d) => d > 0);
      let appended = false;
      if (inside && !wasInside && !inBlock()) {
        params.push({ text: token, start });
        appended = true;
      } else if (inBlock() || inside || wasInside) {
        const w = last(start);
        w.text += idx === 0 && wasInside ? token : `${idx > 0 ? ' ' : ''}${token}`;
        appended = true;
      }
      BLOCKS.forEach(([open, close], b) => {
        const before = depth[b] as number;
        const opened = count(token, open);
        const closed = count(token, close);
        if (opened !== closed) depth[b] = Math.max(0, before + opened - closed);
        if (before === 0 && (depth[b] as number) > 0) openAt[b] = start + Math.max(0, token.indexOf(open));
        if (depth[b] !== before && !appended) {
          params.push({ text: token, start });
          appended = true;
        }
      });
      if (!inBlock() && !inside && !appended && token !== '') params.push({ text: token, start });
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !continuation) last(at).text += '\n';
    at += item.length + 1;
  });
  if (quote !== undefined) return { kind: 'problem', message: `unterminated ${quote} quote in the key=value arguments`, offset: quoteAt };
  const open = depth.findIndex((d) => d > 0);
  if (open >= 0) {
    const [o, c] = BLOCKS[open] as readonly [string, string];
    return { kind: 'problem', message: `unterminated ${o} (no ${c} after it) in the key=value arguments`, offset: openAt[open] as number };
  }
  return { kind: 'ok', words: params };
}

/** Ansible's join_args: the free-form words joined back, spacing and newlines kept. */
export function joinArgs(words: readonly string[]): string {
  let out = '';
  for (const w of words) out += out === '' || out.endsWith('\n') ? w : ` ${w}`;
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Ansible's _decode_escapes: `\n`, `\t`, `\\`, `\"`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`… become what they
 * stand for. `\N{name}` stays as written (fleetplay has no table of Unicode names).
 */
export function decodeEscapes(s: string): string {
  return s.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (m, e: string) => {
    if (e.length === 1) return SIMPLE_ESCAPES[e] ?? m;
    const code = Number.parseInt(e.slice(1), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

// Ansible's unquote: one pair of matching outer quotes goes (not when the closing one is escaped).
function unquote(s: string): string {
  const q = s.charAt(0);
  if (s.length > 1 && (q === '"' || q === "'") && s.endsWith(q) && s.charAt(s.length - 2) !== '\\') return s.slice(1, -1);
  return s;
}

/** parse_kv's result: the arguments, and the free-form words (as written) with their offsets. */
export interface ParsedKeyValues {
  args: Record<string, string>;
  raw: ArgWord[];
}

/**
 * Ansible's parse_kv over split words. With `rawKeys` (check_raw), only those keys are arguments and
 * other `k=v` words stay in the free form (the command module's `chdir=/tmp`, not `FOO=bar`).
 */
export function parseKeyValueWords(words: readonly ArgWord[], rawKeys?: readonly string[]): ParsedKeyValues {
  const entries: Array<[string, string]> = [];
  const raw: ArgWord[] = [];
  for (const word of words) {
    const x = decodeEscapes(word.text);
    let pos = x.indexOf('=', 1);
    while (pos > 0 && x.charAt(pos - 1) === '\\') pos = x.indexOf('=', pos + 1);
    if (!x.includes('=')) raw.push(word);
    else if (pos < 0) raw.push({ text: x.replaceAll('\\=', '='), start: word.start });
    else {
      const k = x.slice(0, pos);
      if (rawKeys && !rawKeys.includes(k)) raw.push(word);
      else entries.push([k.trim(), unquote(x.slice(pos + 1).trim())]);
    }
  }
  // fromEntries defines keys: `__proto__=x` stays an (unknown) argument.
  return { args: Object.fromEntries(entries), raw };
}

/** The arguments read, or the first problem with its offset (0-based) in the text. */
export type KeyValueResult = { kind: 'ok'; args: Record<string, string> } | { kind: 'problem'; message: string; offset: number };

/** Parses `text` as `key=value` words only (a module without a free form): another word is a problem. */
export function parseKeyValueArgs(text: string): KeyValueResult {
  const split = splitArgs(text);
  if (split.kind === 'problem') return split;
  const { args, raw } = parseKeyValueWords(split.words);
  const stray = raw[0];
  if (stray) return { kind: 'problem', message: `expected key=value arguments, got '${stray.text.trim()}'`, offset: stray.start };
  return { kind: 'ok', args };
}
