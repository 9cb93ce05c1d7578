// Helpers for end-to-end tests: run the real CLI, and inspect lab nodes over a separate OpenSSH session.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labUp, LAB_KEY_FILE, type LabImage, type LabState } from '../../lab/index.ts';

/** Repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');

/** What one CLI invocation printed and returned. */
export interface EngineRun {
  code: number;
  stdout: string;
  stderr: string;
  report?: Report;
}

/** The --report JSON. */
export interface Report {
  check: boolean;
  recap: Record<string, Record<string, number>>;
  results: Array<{
    host: string;
    task: string;
    module: string;
    status: string;
    msg: string;
    item?: unknown;
    handler?: boolean;
    diff?: unknown[];
    batch?: number;
    startedAt?: string;
    durationMs?: number;
  }>;
  notRun?: string[];
  interrupted?: boolean;
}

/** Runs `engine <args>` as a real process and, if `withReport`, reads its --report file. */
export function engine(args: string[], options: { withReport?: boolean; env?: Record<string, string> } = {}): Promise<EngineRun> {
  const reportFile = options.withReport ? path.join(tmpDir(), 'report.json') : undefined;
  const argv = [TSX, path.join(ROOT, 'engine', 'index.ts'), ...args, ...(reportFile ? ['--report', reportFile] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      let report: Report | undefined;
      if (reportFile) {
        try {
          report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
        } catch {
          report = undefined;
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, ...(report ? { report } : {}) });
    });
  });
}

/** A fresh temporary directory. */
export function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'fp-e2e-'));
}

/** Runs a shell command on a lab node through OpenSSH's own client (a session separate from fleetplay's). */
export function onNode(lab: LabState, node: string, command: string): { code: number; stdout: string; stderr: string } {
  const n = lab.nodes.find((x) => x.name === node);
  if (!n) throw new Error(`no node ${node} in lab ${lab.name}`);
  const r = spawnSync(
    'ssh',
    [
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${lab.knownHostsFile}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'LogLevel=ERROR',
      '-i',
      LAB_KEY_FILE,
      `root@${n.address}`,
      command,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Boots (or reuses) a named lab for a test file. */
export async function bootLab(name: string, nodes: number, image: LabImage, first: number): Promise<LabState> {
  return labUp({ name, nodes, image, first, log: () => undefined });
}

/** Writes an inventory file for a lab, with optional extra lines. */
export function labInventory(lab: LabState, extra = ''): string {
  const file = path.join(tmpDir(), 'inventory.ini');
  writeFileSync(file, `${readFileSync(lab.inventoryFile, 'utf8')}\n${extra}`);
  return file;
}

/** Counts results per status for one host in a report. */
export function statuses(report: Report, host: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of report.results.filter((x) => x.host === host)) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

/** A running engine process: its live output, a way to wait for a line, and its end. */
export interface RunningEngine {
  pid: number;
  output(): string;
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  done: Promise<{ code: number; stdout: string }>;
}

/** Starts `engine <args>` in the background (for interrupting it or breaking a node mid-run). */
export function startEngine(args: string[], env: Record<string, string> = {}): RunningEngine {
  const child = spawn(process.execPath, [TSX, path.join(ROOT, 'engine', 'index.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number; stdout: string }>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: out })),
  );
  return {
    pid: child.pid ?? -1,
    output: () => out,
    waitFor: (text, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (out.includes(text)) {
            clearInterval(poll);
            resolve();
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`'${text}' did not appear within ${timeoutMs} ms:\n${out}`));
          }
        }, 25);
      }),
    signal: (sig) => void child.kill(sig),
    done,
  };
}
