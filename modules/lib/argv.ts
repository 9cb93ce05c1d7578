// Splits a command line into words the way POSIX shells (and Python's shlex) do, without running a shell.

/** Splits `line` into words, honouring '…', "…" (with \ escapes) and backslashes. Throws on an open quote. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' quote at column ${i + 1}`);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1] as string)) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error(`unterminated " quote at column ${i + 1}`);
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Pulls Ansible's inline options (`creates=/x chdir=/tmp`) out of a free-form command string and
 * returns them with the remaining command text.
 */
export function splitFreeForm(text: string, optionNames: readonly string[]): { cmd: string; options: Record<string, string> } {
  const options: Record<string, string> = {};
  const pattern = new RegExp(`(^|\\s)(${optionNames.join('|')})=("[^"]*"|'[^']*'|\\S+)`, 'g');
  const cmd = text
    .replace(pattern, (_m, lead: string, key: string, value: string) => {
      options[key] = value.replace(/^(["'])(.*)\1$/, '$2');
      return lead;
    })
    .trim();
  return { cmd, options };
}
