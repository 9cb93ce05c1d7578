// sudo with a become password: the password goes to sudo only when sudo asks, the command's stdin only
// once the command runs, a wrong password fails at once, and no marker reaches the output. The dialog
// logic against a fake channel; then the local and ssh connections against a stand-in `sudo` script.
import { ed25519Pair } from './support/sshKeys.ts';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { batchScript, batchToken, parseBatch } from '../../engine/connection/batch.ts';
import { wrapCommand } from '../../engine/connection/become.ts';
import { LocalConnection } from '../../engine/connection/local.ts';
import { SshConnection } from '../../engine/connection/ssh.ts';
import { BecomeError, SUDO_ANSWER_MS, SudoDialog, type CommandInput } from '../../engine/connection/sudoDialog.ts';

const PASSWORD = 'Pa55-w0rd';
const become = { enabled: true, user: 'nobody', password: PASSWORD };

/** A CommandInput that records what was written to the command's stdin, and when it was closed. */
function fakeInput(): CommandInput & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    write: (d) => void log.push(`write ${d.toString()}`),
    end: (d) => void log.push(d === undefined ? 'end' : `end ${d.toString()}`),
  };
}

describe('wrapCommand', () => {
  it('uses sudo -n without a password, and sudo -S with a fresh random prompt and marker with one', () => {
    expect(wrapCommand('id -u', undefined, 'ops')).toEqual({ command: "/bin/sh -c 'id -u'" });
    expect(wrapCommand('id -u', { enabled: true, user: 'ops' }, 'ops')).toEqual({ command: "/bin/sh -c 'id -u'" });
    expect(wrapCommand('id -u', { enabled: true, user: 'root' }, 'ops')).toEqual({ command: "sudo -n -H -u root -- /bin/sh -c 'id -u'" });
    const a = wrapCommand('id', become, 'ops');
    const b = wrapCommand('id', become, 'ops');
    expect(a.sudo?.prompt).toMatch(/^\[sudo via fleetplay, key=[0-9a-f]{32}\] password:$/);
    expect(a.sudo?.success).toMatch(/^BECOME-SUCCESS-[0-9a-f]{32}$/);
    expect(a.sudo?.prompt).not.toBe(b.sudo?.prompt);
    expect(a.command).toContain(`sudo -S -p '${a.sudo!.prompt}' -H -u nobody -- /bin/sh -c `);
    expect(a.command).not.toContain(PASSWORD);
  });
});

describe('SudoDialog against a fake channel', () => {
  afterEach(() => void vi.useRealTimers());

  it('without a password to give, sends stdin at once and leaves stderr alone', () => {
    const input = fakeInput();
    const dialog = new SudoDialog(wrapCommand('cat', { enabled: true, user: 'root' }, 'ops'), input, 'data', () => undefined);
    dialog.start();
    expect(input.log).toEqual(['end data']);
    dialog.stderr('sudo: a password is required\n');
    expect(dialog.finish()).toBeUndefined();
    expect(dialog.cleanStderr('sudo: a password is required\n')).toBe('sudo: a password is required\n');
  });

  it('NOPASSWD: sudo never asks, so the password is never written; stdin follows the marker', () => {
    const input = fakeInput();
    const w = wrapCommand('cat', become, 'ops');
    const dialog = new SudoDialog(w, input, 'data', () => undefined);
    dialog.start();
    expect(input.log).toEqual([]);
    dialog.stderr(`${w.sudo!.success}\n`);
    dialog.stderr('the command says this\n');
    expect(input.log).toEqual(['end data']);
    expect(dialog.finish()).toBeUndefined();
    expect(dialog.cleanStderr(`${w.sudo!.success}\nthe command says this\n`)).toBe('the command says this\n');
  });

  it('answers a prompt split over chunks once, then sends stdin; sudo chatter and marker are removed', () => {
    const input = fakeInput();
    const w = wrapCommand('cat', become, 'ops');
    const dialog = new SudoDialog(w, input, 'data', () => undefined);
    dialog.start();
    const prompt = w.sudo!.prompt;
    const stderr = [
      'We trust you have received the usual lecture.\n',
      prompt.slice(0, 10),
      prompt.slice(10),
      `${w.sudo!.success}\n`,
      'cmd err\n',
    ];
    dialog.stderr(stderr[0]!);
    dialog.stderr(stderr[1]!);
    expect(input.log).toEqual([]);
    dialog.stderr(stderr[2]!);
    expect(input.log).toEqual([`write ${PASSWORD}\n`]);
    dialog.stderr(stderr[3]!);
    dialog.stderr(stderr[4]!);
    expect(input.log).toEqual([`write ${PASSWORD}\n`, 'end data']);
    expect(dialog.finish()).toBeUndefined();
    const clean = dialog.cleanStderr(stderr.join(''));
    expect(clean).toBe('cmd err\n');
  });

  it('a second prompt is a wrong password: stops the command, closes stdin, and says so', () => {
    const input = fakeInput();
    const w = wrapCommand('cat', become, 'ops');
    const stopped: string[] = [];
    const dialog = new SudoDialog(w, input, 'data', (m) => void stopped.push(m));
    dialog.start();
    dialog.stderr(w.sudo!.prompt);
    dialog.stderr(`Sorry, try again.\n${w.sudo!.prompt}`);
    expect(input.log).toEqual([`write ${PASSWORD}\n`, 'end']);
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatch(/^incorrect sudo password/);
    expect(dialog.finish()).toMatch(/^incorrect sudo password/);
  });

  it('sudo that took the password and exited without running the command refused it', () => {
    const w = wrapCommand('cat', become, 'ops');
    const dialog = new SudoDialog(w, fakeInput(), undefined, () => undefined);
    dialog.start();
    dialog.stderr(`${w.sudo!.prompt}ops is not in the sudoers file.\n`);
    expect(dialog.finish()).toBe('sudo refused the become password: ops is not in the sudoers file.');
  });

  it('a sudo that neither prompts nor runs the command is given up after a while, not waited for forever', () => {
    vi.useFakeTimers();
    const input = fakeInput();
    const stopped: string[] = [];
    const dialog = new SudoDialog(wrapCommand('cat', become, 'ops'), input, undefined, (m) => void stopped.push(m));
    dialog.start();
    dialog.stderr('[sudo] password for ops: ');
    vi.advanceTimersByTime(SUDO_ANSWER_MS);
    expect(stopped).toEqual([
      `sudo did not ask for the password or start the command within ${SUDO_ANSWER_MS / 1000} s: [sudo] password for ops:`,
    ]);
    expect(input.log).toEqual(['end']);
  });
});

// A stand-in for sudo with the options fleetplay uses. FAKE_SUDO_MODE=nopasswd runs the command without
// asking; otherwise it asks on stderr (after a lecture), up to 3 times, like sudo -S.
const FAKE_SUDO = `#!/bin/sh
prompt='Password:'; nonint=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) nonint=1; shift ;;
    -S|-H) shift ;;
    -p) prompt=$2; shift 2 ;;
    -u) shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ "$FAKE_SUDO_MODE" = nopasswd ] && exec "$@"
[ $nonint = 1 ] && { echo 'sudo: a password is required' >&2; exit 1; }
echo 'We trust you have received the usual lecture.' >&2
tries=0
while [ $tries -lt 3 ]; do
  printf '%s' "$prompt" >&2
  IFS= read -r pw || { echo 'sudo: no password was provided' >&2; exit 1; }
  [ "$pw" = "$FAKE_SUDO_PASSWORD" ] && exec "$@"
  sleep 0.2
  echo 'Sorry, try again.' >&2
  tries=$((tries + 1))
done
echo 'sudo: 3 incorrect password attempts' >&2
exit 1
`;

let fakeBin: string;
const savedPath = process.env.PATH;

beforeAll(() => {
  fakeBin = mkdtempSync(path.join(os.tmpdir(), 'fp-sudo-'));
  writeFileSync(path.join(fakeBin, 'sudo'), FAKE_SUDO);
  chmodSync(path.join(fakeBin, 'sudo'), 0o755);
  process.env.PATH = `${fakeBin}:${savedPath}`;
  process.env.FAKE_SUDO_PASSWORD = PASSWORD;
});

afterAll(() => {
  process.env.PATH = savedPath;
});

/** An ssh2 server that runs each exec under /bin/sh on this machine (so through the fake sudo). */
async function shellServer(): Promise<{ port: number; close: () => void }> {
  const hostKey = ed25519Pair().private;
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('error', () => undefined).on('authentication', (ctx) => ctx.accept());
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const channel = acceptExec();
        const child = spawn('/bin/sh', ['-c', info.command], { env: process.env });
        channel.pipe(child.stdin);
        child.stdin.on('error', () => undefined);
        child.stdout.pipe(channel, { end: false });
        child.stderr.on('data', (d: Buffer) => channel.stderr.write(d));
        child.on('close', (code) => {
          channel.exit(code ?? 255);
          channel.end();
        });
        channel.on('close', () => child.kill('SIGKILL'));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

describe.each(['local', 'ssh'] as const)('become over the %s connection', (kind) => {
  let conn: LocalConnection | SshConnection;
  let close = (): void => undefined;

  beforeAll(async () => {
    if (kind === 'local') {
      conn = new LocalConnection('localhost');
      return;
    }
    const server = await shellServer();
    close = server.close;
    conn = new SshConnection({
      host: 'fake',
      address: '127.0.0.1',
      port: server.port,
      user: 'ops',
      privateKeys: [],
      password: 'x',
      knownHostsFiles: [],
      hostKeyPolicy: 'off',
      connectTimeoutMs: 5000,
      connectRetries: 0,
      keepaliveMs: 2000,
    });
  });

  afterAll(async () => {
    await conn.close();
    close();
  });

  it('NOPASSWD: the command reads its own stdin, never the password', async () => {
    process.env.FAKE_SUDO_MODE = 'nopasswd';
    const r = await conn.exec('cat; echo done >&2', { become, stdin: 'data line\n' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'data line\n', stderr: 'done\n' });
    // And a command given no stdin reads end-of-file, not the password.
    expect((await conn.exec('cat', { become })).stdout).toBe('');
  });

  it('with a password prompt: sudo gets the password, the command its stdin; no prompt or marker in stderr', async () => {
    process.env.FAKE_SUDO_MODE = 'password';
    const r = await conn.exec('cat; echo err >&2; exit 3', { become, stdin: 'data' });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'data', stderr: 'err\n' });
    expect(JSON.stringify(r)).not.toMatch(/sudo via fleetplay|BECOME-SUCCESS|lecture|Pa55/);
  });

  it('a wrong password fails with a clear error instead of hanging', async () => {
    process.env.FAKE_SUDO_MODE = 'password';
    const started = Date.now();
    const err = await conn.exec('cat', { become: { ...become, password: 'wrong' }, stdin: 'data' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BecomeError);
    expect((err as Error).message).toMatch(/^incorrect sudo password/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a read-ahead batch under become gets every command its own stdin and output', async () => {
    for (const mode of ['nopasswd', 'password']) {
      process.env.FAKE_SUDO_MODE = mode;
      const token = batchToken();
      const list = [{ command: 'cat', stdin: 'one' }, { command: 'cat' }, { command: 'echo two; echo e >&2' }];
      const r = await conn.exec(batchScript(list, token), { become });
      expect(parseBatch(r.stdout, r.stderr, token, list.length).map((x) => [x.exitCode, x.stdout, x.stderr])).toEqual([
        [0, 'one', ''],
        [0, '', ''],
        [0, 'two\n', 'e\n'],
      ]);
    }
  });
});

describe('become_method su', () => {
  it('wraps the command in su -s /bin/sh -c, quoted, and needs no password from a root login', () => {
    const w = wrapCommand("echo 'a b'", { enabled: true, user: 'postgres', method: 'su', password: 'pw' }, 'root');
    expect(w).toEqual({ command: "su -s /bin/sh -c 'echo '\\''a b'\\''' postgres" });
  });

  it('refuses a become password from another login (su reads it from a terminal only), and a user su would take as an option', () => {
    expect(() => wrapCommand('true', { enabled: true, user: 'root', method: 'su', password: 'pw' }, 'deploy')).toThrow(
      /^become_method su as deploy: su reads the password only from a terminal/,
    );
    expect(() => wrapCommand('true', { enabled: true, user: '-c', method: 'su' }, 'root')).toThrow(/not a user name su accepts/);
  });
});
