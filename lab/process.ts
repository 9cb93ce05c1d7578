// Running host commands: captured runs with results as data, and detached long-lived processes.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { LabError, type RunResult } from './types.ts';

/** Options for one captured command. */
export interface RunOptions {
  /** Extra environment, merged over the current one. */
  env?: Record<string, string>;
  /** Kill the command (SIGKILL) after this long; default no limit. */
  timeoutMs?: number;
  /** Text written to the command's stdin; stdin is /dev/null otherwise. */
  input?: string;
}

/** Runs a program with arguments (no shell) and returns its result; never throws for a non-zero exit. */
export function run(program: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = [program, ...args].join(' ');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      env: { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const finish = (exitCode: number, extraErr = ''): void => {
      if (timer) clearTimeout(timer);
      resolve({
        command,
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extraErr,
        durationMs: Date.now() - started,
        timedOut,
      });
    };
    child.on('error', (e) => finish(127, String(e.message)));
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

/** Runs a program and throws a LabError carrying its stderr when it fails; returns the result otherwise. */
export async function runChecked(program: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await run(program, args, opts);
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'timed out' : `exited ${result.exitCode}`;
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
    throw new LabError(`command failed (${why}): ${command(program, args)}\n${tail}`);
  }
  return result;
}

/** Starts a program in its own session with stdin from /dev/null and all output appended to logFile; returns its PID. */
export function spawnDetached(opts: { program: string; args: string[]; logFile: string; env?: Record<string, string> }): number {
  const { program, args } = opts;
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(program, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...opts.env } });
    // A failed exec is reported asynchronously; the caller notices through the dead PID.
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new LabError(`could not start ${program}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** True when a process with this PID exists (zombies included until reaped). */
export function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The argv of a running process, or undefined when it is gone. */
export function processArgs(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

/** Resolves after ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function command(program: string, args: string[]): string {
  return [program, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
