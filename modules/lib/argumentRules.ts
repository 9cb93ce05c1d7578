// Rules for argument values that end up in a program's argument list or in a line-oriented file, with
// the checks modules run after templating (the schemas in schemas.ts apply the same patterns at validate time).
import { FleetError } from '../../engine/errors.ts';

/**
 * No newline, carriage return or NUL: a value written as one line of a config file (modprobe.d,
 * sysctl.d, modules-load.d, apt sources) must not be able to start a line of its own.
 */
export const ONE_LINE_PATTERN = '^[^\\n\\r\\x00]*$';

/** One word of a space-separated list field (deb822 URIs, Suites, ...): no whitespace, no control character. */
export const LIST_WORD_PATTERN = '^[^\\s\\x00-\\x1f\\x7f]+$';

/**
 * A user or group name as chown reads it (the shadow-utils rules useradd applies): not starting with '-'
 * (chown would read it as an option), no ':' (it separates owner and group), no whitespace or control characters.
 */
export const ACCOUNT_NAME_PATTERN = '^[^-:\\s\\x00-\\x1f\\x7f][^:\\s\\x00-\\x1f\\x7f]*$';

const ONE_LINE = new RegExp(ONE_LINE_PATTERN, 'u');
const LIST_WORD = new RegExp(LIST_WORD_PATTERN, 'u');
const ACCOUNT_NAME = new RegExp(ACCOUNT_NAME_PATTERN, 'u');

/** How a bad character is named in messages. */
function describeBad(value: string): string {
  if (value.includes('\n')) return 'a newline';
  if (value.includes('\r')) return 'a carriage return';
  if (value.includes('\0')) return 'a NUL character';
  if (/\s/u.test(value)) return 'whitespace';
  if (/[\x00-\x1f\x7f]/u.test(value)) return 'a control character';
  return 'a character it cannot have';
}

/** Why `value` (argument `arg`, written as part of one line of `file`) cannot be written, or undefined when it can. */
export function oneLineProblem(arg: string, value: string, file: string): string | undefined {
  if (ONE_LINE.test(value)) return undefined;
  return `argument '${arg}' contains ${describeBad(value)}; it is written into one line of ${file}, so it is refused before anything is written`;
}

/** Why a list item of argument `arg` is not one word of a line of `file`, or undefined when it is. */
export function listWordProblem(arg: string, value: string, file: string): string | undefined {
  if (LIST_WORD.test(value)) return undefined;
  if (value === '') return `argument '${arg}' has an empty item; items are words of one line of ${file}`;
  return `an item of argument '${arg}' (${JSON.stringify(value)}) contains ${describeBad(value)}; items are words of one line of ${file}, so it is refused before anything is written`;
}

/** Throws oneLineProblem's message as an arguments error. */
export function requireOneLine(arg: string, value: string, file: string): void {
  const problem = oneLineProblem(arg, value, file);
  if (problem) throw new FleetError('arguments', problem);
}

/** Throws when `value` (argument `arg`: owner or group) is not a user or group name chown can take safely. */
export function requireAccountName(arg: string, value: string): void {
  if (ACCOUNT_NAME.test(value)) return;
  const why =
    value === ''
      ? 'is empty'
      : value.startsWith('-')
        ? "starts with '-' (it would be read as an option)"
        : value.includes(':')
          ? "contains ':' (it separates owner and group)"
          : `contains ${describeBad(value)}`;
  throw new FleetError('arguments', `argument '${arg}' ${JSON.stringify(value)} is not a valid user or group name: it ${why}`);
}
