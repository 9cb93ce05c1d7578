// The one place where values are made safe for a remote POSIX shell.

/** Quotes one value for a POSIX shell: wraps it in '…' and turns every ' into '\''. */
export function shellQuote(value: string | number): string {
  const s = String(value);
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Builds a command line from a program and its arguments, quoting each one. */
export function shellCommand(...words: Array<string | number>): string {
  return words.map(shellQuote).join(' ');
}

/**
 * A path made safe as a program's operand: one that starts with '-' gets './' in front, so no program
 * reads it as an option (also those without `--`: unzip, and `cd -`, which means $OLDPWD even after `--`).
 */
export function operandPath(path: string): string {
  return path.startsWith('-') ? `./${path}` : path;
}
