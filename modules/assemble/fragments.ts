// assemble's pure part, as Ansible's assemble_from_fragments: which fragments (sorted names, regexp,
// ignore_hidden) and how they join (a newline after a fragment without one, the delimiter between them).
import type { PythonRegex } from '../../engine/regex/index.ts';

/** One fragment: its file name in src and its bytes. */
export interface Fragment {
  name: string;
  content: Buffer;
}

/**
 * The names Ansible would assemble, in its order: Python's sorted() on str (code point order, which is
 * the byte order of their UTF-8), those `regexp` finds (re.search) and, with ignore_hidden, not starting
 * with '.'. The caller lists regular files only (os.path.isfile, links followed).
 */
export function selectFragments(names: readonly string[], regexp: PythonRegex | undefined, ignoreHidden: boolean): string[] {
  return [...names]
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .filter((n) => (regexp === undefined || regexp.test(n)) && !(ignoreHidden && n.startsWith('.')));
}

/**
 * Joins the fragments. Before a fragment: a newline when the previous one did not end with one; then,
 * between fragments, the delimiter (escapes decoded) and a newline unless it ends with one. Ansible
 * assigns the decoded delimiter back and decodes it again before each later fragment; so does this, so
 * an escaped backslash in a delimiter gives the same bytes from the third fragment on.
 */
export function joinFragments(fragments: readonly Fragment[], delimiter: string | undefined): Buffer {
  const parts: Buffer[] = [];
  let delim: Buffer | undefined = delimiter ? Buffer.from(delimiter) : undefined;
  let addNewline = false;
  fragments.forEach((f, i) => {
    if (addNewline) parts.push(Buffer.from('\n'));
    if (i > 0 && delim !== undefined && delim.length > 0) {
      delim = escapeDecode(delim);
      parts.push(delim);
      if (delim[delim.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
    }
    parts.push(f.content);
    addNewline = !(f.content.length > 0 && f.content[f.content.length - 1] === 0x0a);
  });
  return Buffer.concat(parts);
}

const SIMPLE: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };

/** Python's codecs.escape_decode: \n \t \\ \xhh \ooo and friends; an unknown escape stays as written. */
export function escapeDecode(input: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as number;
    if (c !== 0x5c || i + 1 >= input.length) {
      out.push(c);
      continue;
    }
    const next = String.fromCharCode(input[i + 1] as number);
    const simple = SIMPLE[next];
    if (simple !== undefined) {
      out.push(simple);
      i++;
    } else if (next === '\n') i++;
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(input.subarray(i + 2, i + 4).toString('latin1'))) {
      out.push(Number.parseInt(input.subarray(i + 2, i + 4).toString('latin1'), 16));
      i += 3;
    } else if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(input.subarray(i + 1, i + 4).toString('latin1'))?.[0] ?? next;
      out.push(Number.parseInt(oct, 8) & 0xff);
      i += oct.length;
    } else out.push(c);
  }
  return Buffer.from(out);
}
