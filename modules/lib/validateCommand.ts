// copy's and template's `validate`: a command run on the host against the new content (in its temp file
// beside dest) before it is moved into place. Ansible formats the string with Python's `%` (one `%s`,
// `%%` for a literal percent sign) and splits the result into words like its command module (no shell).
import { shellQuote } from '../../engine/quote.ts';
import { splitCommandLine } from '../../engine/shlex.ts';

/** The shell word that names the temp file in the write script (a shell variable set by mktemp, double-quoted). */
export const TEMP_WORD = '"$tmp"';

// Stands for the temp path between the formatting and the split (a private-use character no command needs).
const SLOT = '\uE000';

/** A validate command ready for the write script (`line` uses TEMP_WORD), or why it cannot run. */
export type ValidateCommand = { line: string } | { problem: string };

/**
 * Turns `validate` into a command line. As in Ansible, it must contain `%s` (Ansible: "validate must
 * contain %s: …"); `%%` is a literal `%`. Other `%` sequences and a second `%s` make Python's formatting
 * raise in Ansible; here they are refused with a message. The words are split as the command module
 * splits them, and each is quoted, so the command runs without shell features, as Ansible's
 * run_command does. Unlike Ansible (which formats before splitting), a temp path with spaces stays one word.
 */
export function validateCommand(validate: string): ValidateCommand {
  if (validate.includes(SLOT)) return { problem: `validate contains a character it cannot have (U+E000): ${validate}` };
  let formatted = '';
  let slots = 0;
  for (let i = 0; i < validate.length; i++) {
    const c = validate.charAt(i);
    if (c !== '%') {
      formatted += c;
      continue;
    }
    const next = validate.charAt(i + 1);
    if (next === '%') formatted += '%';
    else if (next === 's') {
      formatted += SLOT;
      slots++;
    } else return { problem: `validate may only use %s (once) and %%: ${validate}` };
    i++;
  }
  if (slots === 0) return { problem: `validate must contain %s: ${validate}` };
  if (slots > 1) return { problem: `validate may only use %s (once) and %%: ${validate}` };
  let words: string[];
  try {
    words = splitCommandLine(formatted);
  } catch (err) {
    return { problem: `validate ${validate}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { line: words.map(quoteWord).join(' ') };
}

/** One word with the temp path in place of SLOT: literal parts quoted, the path as TEMP_WORD. */
function quoteWord(word: string): string {
  if (word === '') return "''";
  return word
    .split(SLOT)
    .map((part) => (part === '' ? '' : shellQuote(part)))
    .join(TEMP_WORD);
}
