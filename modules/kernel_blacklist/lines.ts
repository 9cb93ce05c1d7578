// The lines of a modprobe blacklist file, edited the way community.general.kernel_blacklist edits them.

/** The file's lines as Ansible reads them: split on newlines, each right-stripped (no final empty line). */
export function fileLines(text: string): string[] {
  if (text === '') return [];
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''));
}

/** Whether a (stripped, non-comment) line is `blacklist <name>`: Ansible's `^blacklist\s+<name>$`. */
export function blacklists(line: string, name: string): boolean {
  const t = line.trim();
  if (!t.startsWith('blacklist')) return false;
  const rest = t.slice('blacklist'.length);
  return /^\s+/.test(rest) && rest.trimStart() === name;
}

/** Whether a non-comment line of the file blacklists the module. */
export function isBlacklisted(lines: readonly string[], name: string): boolean {
  return lines.some((l) => !l.trim().startsWith('#') && blacklists(l, name));
}

/**
 * The file's new text, or undefined when the module is already as wanted. Like Ansible, a change
 * rewrites every line right-stripped, each ending in a newline.
 */
export function editBlacklist(text: string, name: string, present: boolean): string | undefined {
  const lines = fileLines(text);
  if (isBlacklisted(lines, name) === present) return undefined;
  const out = present ? [...lines, `blacklist ${name}`] : lines.filter((l) => !blacklists(l, name));
  return out.map((l) => `${l}\n`).join('');
}
