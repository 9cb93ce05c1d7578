// Wraps a command so that it runs under /bin/sh, as another user through sudo when become is on.
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../quote.ts';

import type { ExecOptions } from '../types.ts';

/** Privilege escalation settings for one task on one host. */
export type BecomeSettings = NonNullable<ExecOptions['become']>;

/**
 * What sudo says when it asks for the password, and what the command says first once sudo let it
 * run. Both carry a random key, so neither sudo's other output nor the command's can imitate them.
 */
export interface SudoMarkers {
  prompt: string;
  success: string;
  password: string;
}

/** The command line actually sent; `sudo` is set when sudo may ask for the become password. */
export interface WrappedCommand {
  command: string;
  sudo?: SudoMarkers;
}

/** Wraps `command` for the remote login user. No sudo when become is off or already that user. */
export function wrapCommand(command: string, become: BecomeSettings | undefined, loginUser: string): WrappedCommand {
  const sh = `/bin/sh -c ${shellQuote(command)}`;
  if (!become?.enabled || become.user === loginUser) return { command: sh };
  if (become.method === 'su') return suCommand(command, become, loginUser);
  // Without a password sudo must not ask (-n): nothing to wait for, stdin goes straight to the command.
  if (become.password === undefined) {
    return { command: `sudo -n -H -u ${shellQuote(become.user)} -- ${sh}` };
  }
  // With one, the password is written only when sudo prompts (NOPASSWD and cached credentials do not),
  // and the command's stdin only after the command announced it runs: Ansible's prompt/success markers.
  const key = randomBytes(16).toString('hex');
  const sudo: SudoMarkers = {
    prompt: `[sudo via fleetplay, key=${key}] password:`,
    success: `BECOME-SUCCESS-${key}`,
    password: become.password,
  };
  const announced = `/bin/sh -c ${shellQuote(`echo ${sudo.success} >&2; exec ${sh}`)}`;
  return { command: `sudo -S -p ${shellQuote(sudo.prompt)} -H -u ${shellQuote(become.user)} -- ${announced}`, sudo };
}

/**
 * become_method: su. `su -s /bin/sh -c CMD USER` asks no password of root, and fleetplay's connections open
 * no terminal, which is the only place su reads one from: from another login a become password cannot be
 * given to su, and is refused here rather than left to hang; without one, su's own error says why.
 */
function suCommand(command: string, become: BecomeSettings, loginUser: string): WrappedCommand {
  if (become.password !== undefined && loginUser !== 'root')
    throw new Error(
      `become_method su as ${loginUser}: su reads the password only from a terminal, which fleetplay's connections do not open; log in as root, or use become_method: sudo`,
    );
  // A user name su would read as an option is refused (su takes no `--` before the user on every system).
  if (become.user.startsWith('-') || become.user === '') throw new Error(`become_user '${become.user}' is not a user name su accepts`);
  return { command: `su -s /bin/sh -c ${shellQuote(command)} ${shellQuote(become.user)}` };
}
