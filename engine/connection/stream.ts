// Streamed commands (Connection.stream): a command whose stdin and stdout stay open, for protocols that
// talk back and forth over one session (synchronize's rsync). Shared by the ssh and local connections.
import type { Client } from 'ssh2';
import type { ExecOptions, StreamChannel } from '../types.ts';
import type { WrappedCommand } from './become.ts';
import { BecomeError } from './sudoDialog.ts';

/** The streams of a running command, as StreamChannel wants them. */
export interface RawChannel {
  stdin: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Called once with the exit code (255 when none came) when the command is over. */
  onExit(done: (code: number) => void): void;
  kill(): void;
}

/** A streamed command cannot answer sudo's password prompt: its stdin is the protocol's. */
export function refusePasswordPrompt(host: string, wrapped: WrappedCommand): void {
  if (wrapped.sudo)
    throw new BecomeError(
      host,
      'a streamed command (synchronize) cannot answer a become password prompt; allow the command without a password (sudo NOPASSWD)',
    );
}

/** Wraps a running command as a StreamChannel; a `timeoutMs` kills it when it runs longer. */
export function streamChannel(raw: RawChannel, options: ExecOptions): StreamChannel {
  const timer = options.timeoutMs ? setTimeout(() => raw.kill(), options.timeoutMs) : undefined;
  const exit = new Promise<number>((resolve) =>
    raw.onExit((code) => {
      if (timer) clearTimeout(timer);
      resolve(code);
    }),
  );
  return { stdin: raw.stdin, stdout: raw.stdout, stderr: raw.stderr, exit, kill: () => raw.kill() };
}

/** Starts an already wrapped command on an ssh2 client as a streamed command; `fail` makes the error when no session opens. */
export function sshStream(client: Client, command: string, options: ExecOptions, fail: (message: string) => Error): Promise<StreamChannel> {
  return new Promise<StreamChannel>((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) {
        reject(fail(err.message));
        return;
      }
      let code: number | undefined;
      ch.on('exit', (c: number | null, signal?: string) => {
        code = c ?? (signal ? 128 : 255);
      });
      const raw: RawChannel = {
        stdin: ch,
        stdout: ch,
        stderr: ch.stderr,
        onExit: (done) => ch.on('close', () => done(code ?? 255)),
        kill: () => {
          ch.signal('KILL');
          ch.close();
        },
      };
      resolve(streamChannel(raw, options));
    });
  });
}
