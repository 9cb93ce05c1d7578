// Several read-only commands in one remote exec, with each one's stdout, stderr and exit status kept
// exactly apart. Each command still runs as its own `/bin/sh -c`, as a single exec would; what is saved
// is the exec itself (sshd's session, the login shell, a round trip: about 4-5 ms of the host's CPU and
// 1 ms of the controller's each). Every piece of output is framed by a random token the commands
// cannot know, so no output can be taken for framing.
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../quote.ts';
import type { ExecResult } from '../types.ts';

/** One command of a batch; `stdin` is fed to it whole (text only: no NUL bytes). */
export interface BatchCommand {
  command: string;
  stdin?: string;
}

/** A fresh framing token: 32 hex digits. */
export function batchToken(): string {
  return randomBytes(16).toString('hex');
}

/** Whether a command can go into a batch: its stdin, if any, must be text a shell word can carry. */
export function batchable(c: BatchCommand): boolean {
  return c.stdin === undefined || !c.stdin.includes('\0');
}

/**
 * The script running `commands` one after the other. Each command's stdout is written between
 * `TOKEN i` and `\nTOKEN i RC` lines on stdout, its stderr between `TOKEN i` and `\nTOKEN i` on stderr.
 */
export function batchScript(commands: readonly BatchCommand[], token: string): string {
  const lines: string[] = [];
  commands.forEach((c, i) => {
    const input = c.stdin === undefined || c.stdin === '' ? '</dev/null' : '';
    const run = `/bin/sh -c ${shellQuote(c.command)}`;
    lines.push(
      `printf '%s\\n' '${token} ${i}'; printf '%s\\n' '${token} ${i}' >&2`,
      input ? `${run} ${input}` : `printf '%s' ${shellQuote(c.stdin!)} | ${run}`,
      `r=$?; printf '\\n%s %s\\n' '${token} ${i}' "$r"; printf '\\n%s\\n' '${token} ${i}' >&2`,
    );
  });
  return lines.join('\n');
}

/**
 * The results of a batch's commands, in order, as far as the output is complete: a batch cut short
 * (a dropped connection, a killed shell) yields only the commands that finished.
 */
export function parseBatch(stdout: string, stderr: string, token: string, count: number): ExecResult[] {
  const results: ExecResult[] = [];
  let outAt = 0;
  let errAt = 0;
  for (let i = 0; i < count; i++) {
    const open = `${token} ${i}\n`;
    const outStart = stdout.indexOf(open, outAt);
    const errStart = stderr.indexOf(open, errAt);
    if (outStart < 0 || errStart < 0) break;
    const close = `\n${token} ${i} `;
    const outEnd = stdout.indexOf(close, outStart + open.length);
    const errEnd = stderr.indexOf(`\n${open}`, errStart + open.length);
    if (outEnd < 0 || errEnd < 0) break;
    const rcEnd = stdout.indexOf('\n', outEnd + close.length);
    const rc = rcEnd < 0 ? NaN : Number(stdout.slice(outEnd + close.length, rcEnd));
    if (!Number.isInteger(rc)) break;
    results.push({
      exitCode: rc,
      stdout: stdout.slice(outStart + open.length, outEnd),
      stderr: stderr.slice(errStart + open.length, errEnd),
      durationMs: 0,
      timedOut: false,
    });
    outAt = rcEnd + 1;
    errAt = errEnd + 1 + open.length;
  }
  return results;
}
