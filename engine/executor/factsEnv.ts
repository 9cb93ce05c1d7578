// The env fact from `export -p`, in the quoting of dash and busybox (`export K='v'`) or bash (`export K="v"`, `declare -x K="v"`).
import type { Vars } from '../types.ts';
import { setOwn } from '../inventory/own-properties.ts';

/** Parses `export -p` output into the environment's variables (values may span lines). */
export function parseExportP(lines: readonly string[]): Vars {
  const text = lines.join('\n');
  const out: Vars = {};
  const start = /(?:^|\n)(?:export|declare -x) ([A-Za-z_][A-Za-z0-9_]*)(=?)/g;
  let m: RegExpExecArray | null = start.exec(text);
  while (m) {
    const name = m[1]!;
    let i = m.index + m[0].length;
    let value = '';
    if (m[2] === '=') [value, i] = shellWord(text, i);
    setOwn(out, name, value);
    start.lastIndex = i;
    m = start.exec(text);
  }
  return out;
}

// One shell word of single-quoted, double-quoted and backslash-escaped parts, up to a newline outside quotes.
function shellWord(text: string, from: number): [string, number] {
  let i = from;
  let out = '';
  while (i < text.length && text[i] !== '\n') {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && '"\\$`\n'.includes(text[i + 1] ?? '')) i++;
        out += text[i] ?? '';
        i++;
      }
      i++;
    } else if (c === '\\') {
      out += text[i + 1] ?? '';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return [out, i];
}
