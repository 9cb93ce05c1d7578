// The one artifact server every lab shares: started detached, recorded by PID in a state file, reused while it
// answers, and stopped by that PID (never by a name match). Callers serialise start and stop (labs.lock).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ARTIFACTS_PORT, ARTIFACTS_REQUEST_LOG, ARTIFACTS_SERVER_OUTPUT, ARTIFACTS_SERVER_STATE, ARTIFACTS_URL } from '../paths.ts';
import { isAlive, processArgs, sleep, spawnDetached } from '../process.ts';
import { writeAtomic } from '../state.ts';
import { LabError, type ArtifactRequest, type ArtifactServerStatus, type LabLog } from '../types.ts';

/** What the state file records about the running server. */
interface ServerRecord {
  pid: number;
  port: number;
  root: string;
  startedAt: string;
}

/** The server script, run by node with tsx's loader. */
const SERVE_SCRIPT = fileURLToPath(new URL('./serve.ts', import.meta.url));
const SERVE_SUFFIX = `${sep}lab${sep}artifacts${sep}serve.ts`;
/** How long a fresh server gets to start listening. */
const START_TIMEOUT_MS = 15_000;
/** How long the server gets to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Starts the shared artifact server for root unless our server already answers; returns its status. */
export async function ensureArtifactServer(root: string, log: LabLog = () => undefined): Promise<ArtifactServerStatus> {
  const record = readRecord();
  if (record && isOurServer(record)) {
    if (record.root === root && (await portAnswers(ARTIFACTS_PORT, 2000))) return status(record.pid);
    await stopArtifactServer(log);
  }
  if (await portAnswers(ARTIFACTS_PORT, 2000)) {
    throw new LabError(
      `127.0.0.1:${ARTIFACTS_PORT} is taken by a process that is not the lab's artifact server (no live record in ${ARTIFACTS_SERVER_STATE}). ` +
        `Find it with: ss -ltnp 'sport = :${ARTIFACTS_PORT}'; stop it, then run the lab again.`,
    );
  }
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const pid = spawnDetached({
    program: process.execPath,
    args: ['--import', loader, SERVE_SCRIPT, '--root', root, '--port', String(ARTIFACTS_PORT), '--log', ARTIFACTS_REQUEST_LOG],
    logFile: ARTIFACTS_SERVER_OUTPUT,
  });
  // Recorded at once, so a crash of ours can never orphan an unrecorded server.
  writeRecord({ pid, port: ARTIFACTS_PORT, root, startedAt: new Date().toISOString() });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    if (await portAnswers(ARTIFACTS_PORT, 1000)) {
      log(`artifact server (pid ${pid}) serves ${root} on ${ARTIFACTS_URL}`);
      return status(pid);
    }
    await sleep(100);
  }
  await stopArtifactServer(log);
  throw new LabError(
    `artifact server did not start listening on ${ARTIFACTS_URL}; see ${ARTIFACTS_SERVER_OUTPUT}\n${tail(ARTIFACTS_SERVER_OUTPUT)}`,
  );
}

/** Stops the recorded artifact server by its PID (SIGTERM, then SIGKILL) and removes the record; safe when none runs. */
export async function stopArtifactServer(log: LabLog = () => undefined): Promise<void> {
  const record = readRecord();
  if (record && isOurServer(record)) {
    log(`stopping artifact server (pid ${record.pid})`);
    signal(record.pid, 'SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isOurServer(record) && Date.now() < deadline) await sleep(50);
    if (isOurServer(record)) signal(record.pid, 'SIGKILL');
    while (isOurServer(record)) await sleep(50);
  }
  rmSync(ARTIFACTS_SERVER_STATE, { force: true });
}

/** Whether the recorded artifact server is running (its PID alive and really our serve.ts). */
export function artifactServerStatus(): ArtifactServerStatus {
  const record = readRecord();
  return status(record && isOurServer(record) ? record.pid : 0);
}

/** Every request the artifact server has logged, oldest first (the log survives server restarts). */
export function artifactRequests(): ArtifactRequest[] {
  if (!existsSync(ARTIFACTS_REQUEST_LOG)) return [];
  const out: ArtifactRequest[] = [];
  for (const line of readFileSync(ARTIFACTS_REQUEST_LOG, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as Partial<ArtifactRequest>;
      if (typeof r.method === 'string' && typeof r.path === 'string' && typeof r.status === 'number') {
        out.push({ time: String(r.time ?? ''), method: r.method, path: r.path, status: r.status, bytes: Number(r.bytes ?? 0) });
      }
    } catch {
      // A line cut short by a killed server is skipped.
    }
  }
  return out;
}

function status(pid: number): ArtifactServerStatus {
  return { running: pid > 0, pid, url: ARTIFACTS_URL };
}

function readRecord(): ServerRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(ARTIFACTS_SERVER_STATE, 'utf8')) as Partial<ServerRecord>;
    if (typeof r.pid !== 'number' || typeof r.port !== 'number' || typeof r.root !== 'string') return undefined;
    return { pid: r.pid, port: r.port, root: r.root, startedAt: String(r.startedAt ?? '') };
  } catch {
    return undefined;
  }
}

function writeRecord(record: ServerRecord): void {
  writeAtomic(ARTIFACTS_SERVER_STATE, `${JSON.stringify(record, null, 2)}\n`);
}

// Guards against PID reuse: the PID must run a fleetplay serve.ts on the recorded port. Any checkout's
// serve.ts counts: the server is shared by every checkout on the machine, and one started from another
// clone must still be recognised, stopped and restarted, never forgotten while it holds the port.
function isOurServer(record: ServerRecord): boolean {
  if (!isAlive(record.pid)) return false;
  const args = processArgs(record.pid);
  if (!args || args.length === 0) return false;
  const at = args.indexOf('--port');
  return args.some(isServeScript) && at > 0 && args[at + 1] === String(record.port);
}

/** True for this checkout's serve.ts and for the same script in any other checkout of the project. */
export function isServeScript(arg: string): boolean {
  return arg === SERVE_SCRIPT || arg.endsWith(SERVE_SUFFIX);
}

// A bare TCP connect, so probing never shows up in the request log.
function portAnswers(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}

// The process may exit on its own between the check and the signal.
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}
