import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../engine/connection/local.ts';
import { operandPath, shellCommand, shellQuote } from '../../engine/quote.ts';
import { splitFreeForm } from '../../engine/playbook/freeForm.ts';
import { shellSplit, splitCommandLine } from '../../engine/shlex.ts';

const hostile = [
  'name with spaces',
  "it's quoted",
  '"double" quotes',
  '$(touch /tmp/fleetplay-pwned)',
  '`touch /tmp/fleetplay-pwned`',
  'line one\nline two',
  '$HOME and ${PATH}',
  'semi; rm -rf /nonexistent',
  'glob * ? [a]',
  '',
  '-n',
  'back\\slash',
  "'",
  "''\\''",
];

describe('shellQuote', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('/etc/containerd/config.toml')).toBe('/etc/containerd/config.toml');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
  });

  it('delivers hostile values literally to a real POSIX shell', async () => {
    const conn = new LocalConnection('local');
    for (const value of hostile) {
      const r = await conn.exec(`printf '%s' ${shellQuote(value)}`);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(value);
    }
  });

  it('keeps every word separate in shellCommand', async () => {
    const conn = new LocalConnection('local');
    const r = await conn.exec(`${shellCommand('printf', '[%s]', ...hostile)}`);
    expect(r.stdout).toBe(hostile.map((v) => `[${v}]`).join(''));
  });
});

describe('operandPath', () => {
  it('puts ./ before a path that would read as an option, and leaves others alone', () => {
    expect(operandPath('-P')).toBe('./-P');
    expect(operandPath('-')).toBe('./-');
    expect(operandPath('--reference=/etc/shadow')).toBe('./--reference=/etc/shadow');
    expect(operandPath('/etc/x')).toBe('/etc/x');
    expect(operandPath('rel/-x')).toBe('rel/-x');
  });

  it('makes `cd` go to a directory named "-" instead of $OLDPWD in dash', async () => {
    const conn = new LocalConnection('local');
    const r = await conn.exec(
      `d=$(mktemp -d) && mkdir -- "$d/-" && cd -- "$d" && cd /tmp && cd -- "$d" && cd -- ${shellQuote(operandPath('-'))} && pwd && rm -rf -- "$d"`,
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/\/-$/);
  });
});

describe('splitCommandLine', () => {
  it('splits like a POSIX shell', () => {
    expect(splitCommandLine(`echo 'a b' "c \\"d\\"" e\\ f`)).toEqual(['echo', 'a b', 'c "d"', 'e f']);
    expect(splitCommandLine('  ls   -l  ')).toEqual(['ls', '-l']);
    expect(splitCommandLine(`x '' y`)).toEqual(['x', '', 'y']);
  });

  it('rejects an unterminated quote with its column', () => {
    expect(() => splitCommandLine(`echo 'oops`)).toThrow(/unterminated ' quote at column 6/);
    expect(() => splitCommandLine(`echo "oops`)).toThrow(/unterminated " quote at column 6/);
  });

  it("is Python's shlex.split, as Ansible's command module uses, and the inventory's splitter without comments (#14)", () => {
    // Inside "…" a backslash escapes only " and \ (a shell would also take $ and `); # is not a comment.
    expect(splitCommandLine(`echo "\\$HOME \\\` \\\\" a#b #c`)).toEqual(['echo', '\\$HOME \\` \\', 'a#b', '#c']);
    expect(() => splitCommandLine('echo \\')).toThrow(/a trailing \\ with nothing to escape at column 6/);
    const inventoryLine = shellSplit(`web1 a="x y" # comment`);
    expect('words' in inventoryLine && inventoryLine.words.map((w) => w.text)).toEqual(['web1', 'a=x y']);
    expect(splitCommandLine(`web1 a="x y" # comment`)).toEqual(['web1', 'a=x y', '#', 'comment']);
  });

  it('round-trips hostile words through shellCommand', () => {
    expect(splitCommandLine(shellCommand(...hostile.filter((v) => v !== '')))).toEqual(hostile.filter((v) => v !== ''));
  });
});

describe('splitFreeForm', () => {
  it('pulls inline options out of a command', () => {
    expect(splitFreeForm('tar xf /x.tgz creates=/opt/x chdir="/tmp/a b"', ['creates', 'chdir'])).toEqual({
      cmd: 'tar xf /x.tgz',
      options: { creates: '/opt/x', chdir: '/tmp/a b' },
    });
  });
});
