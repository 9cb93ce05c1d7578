// Ansible's inline options of a free-form command (`creates=/x chdir=/tmp`).

/** Pulls `optionNames`' key=value options out of a free-form command string; returns them and the rest of the command. */
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
