// A batch of commands in one exec, under a real /bin/sh: each command's stdout, stderr and exit status
// come back exactly as separate execs give them.
import { describe, expect, it } from 'vitest';
import { batchScript, batchToken, parseBatch, type BatchCommand } from '../../engine/connection/batch.ts';
import { LocalConnection } from '../../engine/connection/local.ts';

const local = new LocalConnection('localhost');

const commands: BatchCommand[] = [
  { command: 'echo one' },
  { command: "printf 'no newline at the end'" },
  { command: 'printf "two\\n\\n"; echo oops >&2; exit 3' },
  { command: "echo \"it's $HOME\"; printf '%s' 'err without newline' >&2" },
  { command: 'cat', stdin: "line 1\nit's line 2 with $x and \\n, no newline at the end" },
  { command: 'wc -c', stdin: '' },
  { command: 'cat; echo "[read to the end]"' },
  { command: 'exit 0' },
  // Output that looks like framing, with another token, is just output.
  { command: "echo '00000000000000000000000000000000 9'; echo '00000000000000000000000000000000 9 0' >&2" },
  { command: 'set -e; false; echo never' },
];

describe('batch of commands in one exec', () => {
  it('gives every command the stdout, stderr and exit status a separate exec gives', async () => {
    const token = batchToken();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const batch = await local.exec(batchScript(commands, token));
    const results = parseBatch(batch.stdout, batch.stderr, token, commands.length);
    expect(results).toHaveLength(commands.length);
    for (const [i, c] of commands.entries()) {
      const alone = await local.exec(c.command, c.stdin === undefined ? {} : { stdin: c.stdin });
      expect({ i, exitCode: results[i]!.exitCode, stdout: results[i]!.stdout, stderr: results[i]!.stderr }).toEqual({
        i,
        exitCode: alone.exitCode,
        stdout: alone.stdout,
        stderr: alone.stderr,
      });
    }
    // The cases are not all alike: some fail, some print to stderr, one reads its stdin.
    expect(results.map((r) => r.exitCode)).toContain(3);
    expect(results[4]!.stdout).toBe(commands[4]!.stdin);
  });

  it('a command exiting the shell it runs in does not end the batch', async () => {
    const token = batchToken();
    const list = [{ command: 'exit 7' }, { command: 'kill -9 $$' }, { command: 'echo still here' }];
    const r = await local.exec(batchScript(list, token));
    expect(parseBatch(r.stdout, r.stderr, token, list.length).map((x) => [x.exitCode, x.stdout])).toEqual([
      [7, ''],
      [137, ''],
      [0, 'still here\n'],
    ]);
  });

  it('output cut short yields only the commands that finished', async () => {
    const token = batchToken();
    const list = [{ command: 'echo a' }, { command: 'echo b' }, { command: 'echo c' }];
    const r = await local.exec(batchScript(list, token));
    const cut = r.stdout.slice(0, r.stdout.indexOf(`${token} 1 0`) + 3);
    expect(parseBatch(cut, r.stderr, token, 3).map((x) => x.stdout)).toEqual(['a\n']);
    expect(parseBatch('', '', token, 3)).toEqual([]);
    expect(parseBatch(r.stdout, r.stderr, batchToken(), 3)).toEqual([]);
  });
});
