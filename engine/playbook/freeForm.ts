// A free-form module's string (`command: tar xf a.tgz chdir=/tmp creates=/opt/a`): Ansible's parse_kv
// with check_raw (keyValueArgs.ts) takes out only the module's own `key=value` options; the other words,
// spacing and newlines kept, are the free form.
import { joinArgs, parseKeyValueWords, splitArgs } from './keyValueArgs.ts';

/** The options Ansible takes out of command's and shell's free form (splitter.py; `warn` is refused later, as in Ansible 2.14+). */
export const COMMAND_FREE_FORM_OPTIONS = [
  'creates',
  'removes',
  'chdir',
  'executable',
  'warn',
  'stdin',
  'stdin_add_newline',
  'strip_empty_ends',
] as const;

/**
 * Pulls `optionNames`' key=value options out of a free-form string; returns them and the rest. A string
 * whose quotes or `{{ }}` do not balance (Ansible: "failed at splitting arguments") is taken whole as the
 * free form: command reports the quote at its place (literalArgs.ts), and a shell script is /bin/sh's to judge.
 */
export function splitFreeForm(
  text: string,
  optionNames: readonly string[] = COMMAND_FREE_FORM_OPTIONS,
): { cmd: string; options: Record<string, string> } {
  const split = splitArgs(text);
  if (split.kind === 'problem') return { cmd: text.trim(), options: {} };
  const { args, raw } = parseKeyValueWords(split.words, optionNames);
  // Not trimmed: Ansible's _raw_params keeps the trailing newline of a YAML block (`shell: |`) and its spaces.
  return { cmd: joinArgs(raw.map((w) => w.text)), options: args };
}
