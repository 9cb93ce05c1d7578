// Runs one benchmarked command: output to a log file, wall time from spawn to exit.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
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
  /** 1-minute load average just before the start (it decays slowly: mostly what earlier scenarios left). */
  loadBefore: number;
  /** Share of the machine's CPU time (all cores) that was busy during the run: near 1, the lab's nodes and the tool saturated it. */
  machineBusy: number;
}

/** The machine's CPU time counters (all cores) from /proc/stat. */
const cpuSample = (): number[] => readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);

/** Share of CPU time idle across all cores between two samples (idle and iowait). */
function idleBetween(a: number[], b: number[]): number {
  const d = b.map((v, i) => v - (a[i] ?? 0));
  const total = d.reduce((x, y) => x + y, 0);
  return total > 0 ? ((d[3] ?? 0) + (d[4] ?? 0)) / total : 1;
}

/** Share of CPU time idle across all cores over `ms`. */
async function idleShare(ms: number): Promise<number> {
  const a = cpuSample();
  await new Promise((r) => setTimeout(r, ms));
  return idleBetween(a, cpuSample());
}

/**
 * Waits (at most 60 s) until the machine has been at least 90% idle for a second: what the previous
 * scenario left running (apt triggers, containerd starting, the lab booting) must not be timed with the next.
 */
export async function waitForQuiet(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await idleShare(1000)) < 0.9);
}

/** Runs the command to completion and times it, once the machine is quiet. */
export async function timedRun(c: TimedCommand): Promise<TimedResult> {
  await waitForQuiet();
  const out = openSync(c.log, 'w');
  const loadBefore = Number(os.loadavg()[0]!.toFixed(2));
  const cpuBefore = cpuSample();
  const started = performance.now();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const p = spawn(c.cmd, c.args, { cwd: c.cwd, env: c.env ?? process.env, stdio: [c.stdin ? 'pipe' : 'ignore', out, out] });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
    if (c.stdin) p.stdin?.end(c.stdin);
  });
  const wallMs = Math.round(performance.now() - started);
  const machineBusy = Number((1 - idleBetween(cpuBefore, cpuSample())).toFixed(2));
  closeSync(out);
  return { wallMs, exitCode, loadBefore, machineBusy };
}
