// Splits a line into words like Python's shlex.split(line, posix=True), which Ansible uses for INI host
// lines (comments=True) and for the command module's free-form command (comments=False). One
// implementation for both, so the two cannot drift apart.

/** One word of a host line and the 0-based offset in the line where it starts. */
export interface ShellWord {
  text: string;
  offset: number;
}

/** Why a line could not be split, and the 0-based offset of the culprit. */
export interface ShellSplitError {
  message: string;
  offset: number;
}

/** Splits `line` into words: quotes group and are removed, `\` escapes, and with `comments` `#` starts a comment. */
export function shellSplit(
  line: string,
  options: { comments: boolean } = { comments: true },
): { words: ShellWord[] } | { error: ShellSplitError } {
  const words: ShellWord[] = [];
  let current: ShellWord | undefined;
  let i = 0;
  const start = (): ShellWord => {
    current ??= { text: '', offset: i };
    return current;
  };
  while (i < line.length) {
    const c = line.charAt(i);
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (current) words.push(current);
      current = undefined;
      i++;
    } else if (c === '#' && options.comments) {
      break;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { error: { message: 'No escaped character', offset: i } };
      start().text += line.charAt(i + 1);
      i += 2;
    } else if (c === "'" || c === '"') {
      const word = start();
      const closed = readQuoted(line, i, word);
      if (closed === undefined) return { error: { message: 'No closing quotation', offset: i } };
      i = closed;
    } else {
      start().text += c;
      i++;
    }
  }
  if (current) words.push(current);
  return { words };
}

// Appends the quoted part starting at `open` to `word`; returns the index after the closing quote.
function readQuoted(line: string, open: number, word: ShellWord): number | undefined {
  const quote = line.charAt(open);
  let i = open + 1;
  while (i < line.length) {
    const c = line.charAt(i);
    if (c === quote) return i + 1;
    // Inside double quotes only the quote itself and the backslash can be escaped.
    if (quote === '"' && c === '\\' && (line.charAt(i + 1) === '"' || line.charAt(i + 1) === '\\')) {
      word.text += line.charAt(i + 1);
      i += 2;
      continue;
    }
    word.text += c;
    i++;
  }
  return undefined;
}

/**
 * Splits a command line as Ansible's command module does (shlex.split, no comments). Throws an Error whose
 * message names the problem and its 1-based column ("unterminated ' quote at column 6").
 */
export function splitCommandLine(line: string): string[] {
  const split = shellSplit(line, { comments: false });
  if ('words' in split) return split.words.map((w) => w.text);
  const { message, offset } = split.error;
  const what = message === 'No closing quotation' ? `unterminated ${line.charAt(offset)} quote` : 'a trailing \\ with nothing to escape';
  throw new Error(`${what} at column ${offset + 1}`);
}
