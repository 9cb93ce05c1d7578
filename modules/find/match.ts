// find's name and content tests, as Python runs them: fnmatch globs or re.match on the base name,
// and the `contains` search over a file's text. All patterns run on the linear-time regex engine.
import { compilePythonRegex, type PythonRegex } from '../../engine/regex/index.ts';

/** Python's re.escape. */
function pyEscape(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

/** A `[...]` set of a glob as a Python class body, or undefined when no class is left (Python's `(?!)`). */
function globClass(body: string): string | undefined {
  const negate = body.startsWith('!');
  const chars = Array.from(negate ? body.slice(1) : body);
  // Ranges whose end is below their start match nothing (Python drops them); everything else is literal.
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      const end = chars[i + 2]!;
      if (end.codePointAt(0)! >= c.codePointAt(0)!) out += `${pyEscape(c)}-${pyEscape(end)}`;
      i += 2;
    } else out += pyEscape(c);
  }
  if (out === '') return negate ? '.' : undefined;
  return `[${negate ? '^' : ''}${out}]`;
}

/** fnmatch.translate: a shell glob as a Python pattern matching a whole name; undefined when it can match nothing. */
export function globToPython(glob: string): string | undefined {
  const chars = Array.from(glob);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (!out.endsWith('.*')) out += '.*';
    } else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (chars[j] === '!') j++;
      if (chars[j] === ']') j++;
      while (j < chars.length && chars[j] !== ']') j++;
      if (j >= chars.length) out += '\\[';
      else {
        const cls = globClass(chars.slice(i + 1, j).join(''));
        if (cls === undefined) return undefined;
        out += cls;
        i = j;
      }
    } else out += pyEscape(c);
  }
  return out;
}

/** Compiled name tests: `patterns` (at least one must match) and `excludes` (none may). */
export interface NameFilter {
  patterns: PythonRegex[];
  excludes: PythonRegex[];
  regex: boolean;
}

/** Compiles the name tests; a RegexError for a bad or refused pattern. */
export function nameFilter(patterns: string[], excludes: string[], useRegex: boolean): NameFilter {
  const compile = (list: string[]): PythonRegex[] =>
    list.flatMap((p) => {
      const source = useRegex ? p : globToPython(p);
      return source === undefined ? [] : [compilePythonRegex(source, { kind: 'arguments', ...(useRegex ? {} : { dotall: true }) })];
    });
  return { patterns: compile(patterns), excludes: compile(excludes), regex: useRegex };
}

/** Ansible's pfilter on a base name: regexes with re.match (a prefix), globs on the whole name. */
export function nameMatches(f: NameFilter, name: string): boolean {
  const test = (re: PythonRegex) => (f.regex ? re.match(name) !== null : re.fullMatch(name));
  return f.patterns.some(test) && !f.excludes.some(test);
}

/** Index of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    for (let k = 1; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    const b1 = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    i += n;
  }
  return -1;
}

/** Python reads text in chunks of this many bytes: a decoding error surfaces with the chunk that holds it. */
const PY_CHUNK = 8192;

/**
 * Ansible's contentfilter on a file's bytes: true when a line starts with a match (re.match), or with
 * read_whole_file when the text holds one (re.search). Text is read as Python does (UTF-8, universal
 * newlines). Not UTF-8: a string naming the error (Ansible then stops searching that path), unless a
 * line before the chunk holding the bad byte already matched.
 */
export function contentMatches(re: PythonRegex, bytes: Uint8Array, wholeFile: boolean, file: string): boolean | string {
  const bad = firstInvalidUtf8(bytes);
  const error = `Failed to read the file ${file} due to an encoding error. current encoding: None (default determined by the Python built-in function "open")`;
  const decode = (b: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b).replace(/\r\n?/g, '\n');
  if (wholeFile) return bad >= 0 ? error : re.search(decode(bytes)) !== null;
  const readable = bad >= 0 ? bytes.subarray(0, bad - (bad % PY_CHUNK)) : bytes;
  const text = decode(readable);
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  // A line that ends before the error chunk; the engine's `$` is the very end, so the line is also tried without its '\n'.
  const full = bad >= 0 ? lines.filter((l) => l.endsWith('\n')) : lines;
  for (const line of full) {
    if (re.match(line) || (line.endsWith('\n') && re.match(line.slice(0, -1)))) return true;
  }
  return bad >= 0 ? error : false;
}
