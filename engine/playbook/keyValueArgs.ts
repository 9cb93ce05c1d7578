// Reads the legacy `key=value key2="value 2"` form of module arguments. Words split at blanks outside
// quotes, as a shell would, and never inside `{{ … }}`: like Ansible's split_args, a template such as
// `msg={{default x "a b"}}` stays one value.

/** The arguments read, or the first problem with its offset (0-based) in the text. */
export type KeyValueResult = { kind: 'ok'; args: Record<string, string> } | { kind: 'problem'; message: string; offset: number };

/** Parses `text` as `key=value` words. */
export function parseKeyValueArgs(text: string): KeyValueResult {
  const words: Array<{ text: string; start: number }> = [];
  let word = '';
  let start = -1;
  const take = (s: string, at: number): void => {
    if (start < 0) start = at;
    word += s;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '{' && text[i + 1] === '{') {
      const end = text.indexOf('}}', i + 2);
      if (end < 0) return { kind: 'problem', message: 'unterminated {{ (no }} after it) in the key=value arguments', offset: i };
      take(text.slice(i, end + 2), i);
      i = end + 1;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { kind: 'problem', message: "unterminated ' quote in the key=value arguments", offset: i };
      take(text.slice(i + 1, end), i);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let inner = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1] as string)) j++;
        inner += text[j];
      }
      if (j >= text.length) return { kind: 'problem', message: 'unterminated " quote in the key=value arguments', offset: i };
      take(inner, i);
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      take(text[++i] as string, i - 1);
    } else if (/\s/.test(c)) {
      if (start >= 0) words.push({ text: word, start });
      word = '';
      start = -1;
    } else {
      take(c, i);
    }
  }
  if (start >= 0) words.push({ text: word, start });
  const entries: Array<[string, string]> = [];
  for (const w of words) {
    const eq = w.text.indexOf('=');
    if (eq <= 0) return { kind: 'problem', message: `expected key=value arguments, got '${w.text}'`, offset: w.start };
    entries.push([w.text.slice(0, eq), w.text.slice(eq + 1)]);
  }
  // fromEntries defines keys: `__proto__=x` stays an (unknown) argument.
  return { kind: 'ok', args: Object.fromEntries(entries) };
}
