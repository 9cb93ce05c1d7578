// Runs the controller's rsync with its remote shell (-e) replaced by a relay into one of fleetplay's
// streamed commands (Connection.stream): rsync's protocol then goes over the task's own ssh session (its
// host key check, its become), not over a second ssh login of OpenSSH's.
//
// rsync starts `-e` as `relay HOST rsync --server ...`. The relay, a short sh script, writes that argv to
// fd 5 (count first, NUL-separated), then copies its stdin (rsync's bytes for the host) to fd 4 and fd 3
// (the host's answer) to its stdout. fleetplay reads the argv, checks it is `rsync --server`, starts it on
// the host with every word quoted, and joins fd 4 and fd 3 to the session. The relay exits when the
// host's side ends, as ssh would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { shellQuote } from '../../engine/quote.ts';
import type { StreamChannel } from '../../engine/types.ts';

/** What the relay script does; fds 3, 4 and 5 are pipes to fleetplay. */
const RELAY = [
  'printf \'%s\\0\' "$#" "$@" >&5',
  'exec 5>&-',
  // An asynchronous command's stdin is /dev/null unless saved first.
  'exec 6<&0',
  'cat <&6 >&4 &',
  'exec 6<&-',
  'cat <&3',
  'kill $! 2>/dev/null',
  'exit 0',
  '',
].join('\n');

/** The host name rsync is given (the relay ignores it): `fleetplay:DEST`. */
export const RELAY_HOST = 'fleetplay';

/** What the controller's rsync printed and returned, with the host side's stderr. */
export interface RsyncRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Reads `count` then that many NUL-terminated words from the relay's fd 5. */
function readArgv(fd: Readable): Promise<string[]> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const done = (argv: string[]): void => {
      fd.removeAllListeners('data');
      resolve(argv);
    };
    fd.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const words = buf.toString('utf8').split('\0');
      const count = Number(words[0]);
      if (words.length - 2 >= count) done(words.slice(1, count + 1));
    });
    fd.on('end', () => done([]));
    fd.on('error', () => done([]));
  });
}

/** Runs `rsync ARGS` on the controller, its remote side through `stream`; `ARGS` name the host as RELAY_HOST. */
export async function runRsync(args: string[], stream: (command: string) => Promise<StreamChannel>): Promise<RsyncRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-rsync-'));
  const relay = path.join(dir, 'relay.sh');
  writeFileSync(relay, RELAY, { mode: 0o700 });
  try {
    const child = spawn('rsync', ['-e', `/bin/sh ${relay}`, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const toRsync = child.stdio[3] as Writable;
    const fromRsync = child.stdio[4] as Readable;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // A side that ended first (rsync exited, the session dropped) is seen through the exit codes.
    toRsync.on('error', () => undefined);
    fromRsync.on('error', () => undefined);
    const exited = new Promise<number>((resolve) => {
      child.on('error', (err) => {
        stderr += `cannot run rsync on the controller: ${err.message}\n`;
        resolve(127);
      });
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 255)));
    });
    // Ends rsync and its relay (which waits on fd 3) when the host side cannot be reached.
    const abort = async (): Promise<number> => {
      child.kill('SIGKILL');
      toRsync.destroy();
      fromRsync.destroy();
      return exited;
    };
    const argv = await Promise.race([readArgv(child.stdio[5 as number] as unknown as Readable), exited.then(() => [] as string[])]);
    if (argv.length === 0) return { exitCode: await exited, stdout, stderr };
    const [host, program, server, ...rest] = argv;
    if (host !== RELAY_HOST || program !== 'rsync' || server !== '--server') {
      await abort();
      return { exitCode: 1, stdout, stderr: `${stderr}rsync asked to run '${argv.slice(1).join(' ')}' on the host, not rsync --server\n` };
    }
    let remoteErr = '';
    let channel: StreamChannel;
    try {
      channel = await stream(['rsync', '--server', ...rest].map(shellQuote).join(' '));
    } catch (err) {
      await abort();
      throw err;
    }
    channel.stderr.on('data', (d: Buffer) => (remoteErr += d.toString()));
    channel.stdin.on('error', () => undefined);
    fromRsync.pipe(channel.stdin as Writable);
    channel.stdout.pipe(toRsync);
    const exitCode = await exited;
    channel.kill();
    await channel.exit;
    return { exitCode, stdout, stderr: stderr + remoteErr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
