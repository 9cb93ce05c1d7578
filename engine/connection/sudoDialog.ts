// The conversation with `sudo -S` on a command's stderr and stdin: the become password is written only
// when sudo asks for it, the command's own stdin only once the command runs, and a second prompt (a
// wrong password) fails the command instead of leaving sudo waiting.
import type { WrappedCommand } from './become.ts';

/** The stdin side of a running command: an ssh2 channel or a child process's stdin. */
export interface CommandInput {
  write(data: string | Buffer): void;
  end(data?: string | Buffer): void;
}

/** A become failure (wrong password, sudo refused): the task fails with this message; the host stays reachable. */
export class BecomeError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'BecomeError';
  }
}

/** How long sudo may take to prompt or to start the command before the exchange is given up. */
export const SUDO_ANSWER_MS = 20_000;

/** Drives one command's exchange with sudo; with no sudo markers it just feeds stdin at once. */
export class SudoDialog {
  private phase: 'waiting' | 'answered' | 'running' | 'failed' = 'waiting';
  // sudo's own stderr (lecture, prompts) until the command announces itself; then no longer kept.
  private early = '';
  private failureMessage?: string;
  private timer?: NodeJS.Timeout;

  /** `stop` is called at most once, when the command must be killed because become failed. */
  constructor(
    private readonly wrapped: WrappedCommand,
    private readonly input: CommandInput,
    private readonly stdin: string | Buffer | undefined,
    private readonly stop: (message: string) => void,
  ) {}

  /** Call once the command started: without a sudo password to give, stdin is sent at once. */
  start(): void {
    if (!this.wrapped.sudo) {
      this.run();
      return;
    }
    this.timer = setTimeout(() => {
      const said = this.cleanStderr(this.early).trim();
      const what = this.phase === 'waiting' ? 'ask for the password or start the command' : 'accept or refuse the password';
      this.fail(`sudo did not ${what} within ${SUDO_ANSWER_MS / 1000} s${said ? `: ${said}` : ''}`);
    }, SUDO_ANSWER_MS);
  }

  /** Feed every stderr chunk, in order. */
  stderr(chunk: Buffer | string): void {
    const sudo = this.wrapped.sudo;
    if (!sudo || this.phase === 'running' || this.phase === 'failed') return;
    this.early += chunk.toString();
    if (this.early.includes(`${sudo.success}\n`)) {
      this.run();
      return;
    }
    const prompts = this.early.split(sudo.prompt).length - 1;
    if (prompts === 1 && this.phase === 'waiting') {
      this.phase = 'answered';
      this.input.write(`${sudo.password}\n`);
    } else if (prompts >= 2) {
      this.fail('incorrect sudo password: sudo asked for it again (check -K, FLEETPLAY_BECOME_PASSWORD or ansible_become_password)');
    }
  }

  /**
   * Call once the command ended: why become failed, or undefined. sudo that took the password and
   * exited without starting the command refused it (one try only, not in sudoers, ...).
   */
  finish(): string | undefined {
    clearTimeout(this.timer);
    if (this.failureMessage) return this.failureMessage;
    if (this.phase !== 'answered') return undefined;
    const said = this.cleanStderr(this.early).trim();
    return `sudo refused the become password${said ? `: ${said}` : ''}`;
  }

  /** The command's own stderr: sudo's prompt, its chatter before the command and the marker taken out. */
  cleanStderr(all: string): string {
    const sudo = this.wrapped.sudo;
    if (!sudo) return all;
    const at = all.indexOf(`${sudo.success}\n`);
    if (at >= 0) return all.slice(at + sudo.success.length + 1);
    return all.split(sudo.prompt).join('');
  }

  private run(): void {
    clearTimeout(this.timer);
    this.phase = 'running';
    this.input.end(this.stdin ?? '');
  }

  private fail(message: string): void {
    clearTimeout(this.timer);
    this.phase = 'failed';
    this.failureMessage = message;
    // EOF makes a sudo that waits for a password give up, even where the kill cannot reach it.
    // Neither may throw out of a timer: the channel may already be gone.
    try {
      this.input.end();
      this.stop(message);
    } catch {
      // The command is gone already; finish() still reports the message.
    }
  }
}
