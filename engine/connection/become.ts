// Wraps a command so that it runs under /bin/sh, as another user through sudo when become is on.
import { shellQuote } from '../quote.ts';

import type { ExecOptions } from '../types.ts';

/** Privilege escalation settings for one task on one host. */
export type BecomeSettings = NonNullable<ExecOptions['become']>;

/** The command line actually sent, plus a stdin prefix (the sudo password) when one is needed. */
export interface WrappedCommand {
  command: string;
  stdinPrefix?: string;
}

/** Wraps `command` for the remote login user. No sudo when become is off or already that user. */
export function wrapCommand(command: string, become: BecomeSettings | undefined, loginUser: string): WrappedCommand {
  const sh = `/bin/sh -c ${shellQuote(command)}`;
  if (!become?.enabled || become.user === loginUser) return { command: sh };
  if (become.password === undefined) {
    return { command: `sudo -n -H -u ${shellQuote(become.user)} -- ${sh}` };
  }
  return { command: `sudo -S -p '' -H -u ${shellQuote(become.user)} -- ${sh}`, stdinPrefix: `${become.password}\n` };
}
