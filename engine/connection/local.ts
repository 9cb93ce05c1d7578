// The `local` connection: commands run on the control machine under /bin/sh.
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Connection, ExecOptions, ExecResult, StreamChannel } from '../types.ts';
import { wrapCommand } from './become.ts';
import { refusePasswordPrompt, streamChannel } from './stream.ts';
import { BecomeError, SudoDialog } from './sudoDialog.ts';

/** How long the pipes of a command that has exited may stay quiet before they are no longer read. */
const PIPES_QUIET_MS = 1000;

/** Runs commands locally; used for `ansible_connection=local`. */
export class LocalConnection implements Connection {
  private readonly loginUser = os.userInfo().username;

  constructor(readonly host: string) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const wrapped = wrapCommand(command, options.become, this.loginUser);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      // Its own process group, so a timeout kills the whole command, not just the shell.
      const child = spawn('/bin/sh', ['-c', wrapped.command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const killGroup = (): void => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            killGroup();
          }, options.timeoutMs)
        : undefined;
      const dialog = new SudoDialog(wrapped, child.stdin, options.stdin, killGroup);
      // A process the command left in the background (`sleep 10 &`) keeps stdout and stderr open after the
      // command exits. As Ansible's run_command, stop reading once it has exited and its pipes were quiet
      // for a while (Ansible: a select() timeout of 1 s); the background process goes on.
      let exited = false;
      let quiet: NodeJS.Timeout | undefined;
      const stopWhenQuiet = (): void => {
        if (!exited) return;
        if (quiet) clearTimeout(quiet);
        quiet = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, PIPES_QUIET_MS);
      };
      child.on('exit', () => {
        exited = true;
        stopWhenQuiet();
      });
      child.stdout.on('data', (d: Buffer) => {
        out.push(d);
        stopWhenQuiet();
      });
      child.stderr.on('data', (d: Buffer) => {
        err.push(d);
        dialog.stderr(d);
        stopWhenQuiet();
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (quiet) clearTimeout(quiet);
        const becomeFailure = dialog.finish();
        if (becomeFailure && !timedOut) {
          reject(new BecomeError(this.host, becomeFailure));
          return;
        }
        resolve({
          exitCode: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: dialog.cleanStderr(Buffer.concat(err).toString('utf8')),
          durationMs: Date.now() - started,
          timedOut,
        });
      });
      child.stdin.on('error', () => undefined);
      dialog.start();
    });
  }

  /** Runs a command with its stdin, stdout and stderr as streams (no become password: see stream.ts). */
  async stream(command: string, options: ExecOptions = {}): Promise<StreamChannel> {
    const wrapped = wrapCommand(command, options.become, this.loginUser);
    refusePasswordPrompt(this.host, wrapped);
    const child = spawn('/bin/sh', ['-c', wrapped.command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    child.stdin.on('error', () => undefined);
    return streamChannel(
      {
        stdin: child.stdin,
        stdout: child.stdout,
        stderr: child.stderr,
        onExit: (done) => child.on('close', (code, signal) => done(code ?? (signal ? 128 : 255))),
        kill: () => child.kill('SIGKILL'),
      },
      options,
    );
  }

  async close(): Promise<void> {}
}
