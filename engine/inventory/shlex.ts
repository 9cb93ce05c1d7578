// Splits an INI host line into words like Python's shlex.split(line, comments=True, posix=True), which Ansible uses.

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

/** Splits `line` into words: quotes group and are removed, `\` escapes, `#` starts a comment. */
export function shellSplit(line: string): { words: ShellWord[] } | { error: ShellSplitError } {
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
    } else if (c === '#') {
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
