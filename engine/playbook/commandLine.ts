// Checks literal command lines at validate time, so an unbalanced quote is reported with its place in
// the playbook instead of failing on the host.
import { splitCommandLine } from '../shlex.ts';
import { isTemplated } from '../template/render.ts';

/** An unbalanced quote: the message, and its offset (0-based) in the command text when known. */
export interface QuoteProblem {
  message: string;
  offset?: number;
}

/**
 * The problem the command module would hit splitting `cmd` into words (it uses the same splitter),
 * or undefined. A templated command is skipped: its quotes may come from values or sit inside `{{ }}`.
 */
export function commandQuoteProblem(cmd: string): QuoteProblem | undefined {
  if (isTemplated(cmd)) return undefined;
  return splitProblem(cmd, 'the command module splits the line into words like a shell (without running one)');
}

/**
 * An unbalanced quote in a one-line `shell` script that /bin/sh would refuse, or undefined. Only
 * scripts made of plain words and quotes are judged: heredocs, comments, command substitutions,
 * `${…}` and bash's `$'…'` have quoting rules of their own, and refusing a script the shell accepts
 * would be worse than letting the shell report its own syntax error. Another `executable` is not
 * judged at all.
 */
export function shellQuoteProblem(script: string, executable: unknown): QuoteProblem | undefined {
  if (executable !== undefined || isTemplated(script)) return undefined;
  if (/[\n#`]|<<|\$\(|\$\{|\$'/.test(script)) return undefined;
  return splitProblem(script, '/bin/sh would stop with a syntax error');
}

function splitProblem(text: string, why: string): QuoteProblem | undefined {
  try {
    splitCommandLine(text);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const column = /at column (\d+)/.exec(message)?.[1];
    const quote = /unterminated (\S) quote/.exec(message)?.[1];
    const head = quote ? `unterminated ${quote} quote in the command` : message;
    return { message: `${head}; ${why}`, ...(column ? { offset: Number(column) - 1 } : {}) };
  }
}
