// Runs one benchmarked command: output to a log file, wall time from spawn to exit.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import os from 'node:os';

/** What to run and where its output goes. */
export interface TimedCommand {
  cmd: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** File that receives stdout and stderr. */
  log: string;
  /** Bytes for stdin (none: stdin is closed). */
  stdin?: Buffer;
}

/** The outcome of a timed command. */
export interface TimedResult {
  wallMs: number;
  exitCode: number;
  /** 1-minute load average just before the start. */
  loadBefore: number;
}

/** Runs the command to completion and times it. */
export async function timedRun(c: TimedCommand): Promise<TimedResult> {
  const out = openSync(c.log, 'w');
  const loadBefore = Number(os.loadavg()[0]!.toFixed(2));
  const started = performance.now();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const p = spawn(c.cmd, c.args, { cwd: c.cwd, env: c.env ?? process.env, stdio: [c.stdin ? 'pipe' : 'ignore', out, out] });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
    if (c.stdin) p.stdin?.end(c.stdin);
  });
  const wallMs = Math.round(performance.now() - started);
  closeSync(out);
  return { wallMs, exitCode, loadBefore };
}
