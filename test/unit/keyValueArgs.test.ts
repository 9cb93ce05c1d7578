// The legacy key=value form, as Ansible's splitter.py reads it (split_args, parse_kv, join_args), and
// through the loader: any module's k=v string, command's and shell's free form with trailing options,
// and unbalanced quotes or blocks reported at their file:line:column.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { splitFreeForm } from '../../engine/playbook/freeForm.ts';
import { decodeEscapes, joinArgs, parseKeyValueArgs, splitArgs } from '../../engine/playbook/keyValueArgs.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { TaskDef } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

const words = (text: string): string[] => {
  const r = splitArgs(text);
  if (r.kind !== 'ok') throw new Error(r.message);
  return r.words.map((w) => w.text);
};
const kv = (text: string) => {
  const r = parseKeyValueArgs(text);
  return r.kind === 'ok' ? r.args : r;
};

describe('split_args', () => {
  it('keeps quoted words and jinja blocks whole, quotes as written', () => {
    expect(words('a=b c="foo bar"')).toEqual(['a=b', 'c="foo bar"']);
    expect(words('a="echo \\"hello world\\"" b=bar')).toEqual(['a="echo \\"hello world\\""', 'b=bar']);
    expect(words('a={{ x | default("a b") }} b={% if y %}1{% endif %} d={% if  y %}2{% endif %} c={# a b #}')).toEqual([
      'a={{ x | default("a b") }}',
      'b={% if y %}1{% endif %}',
      'd={% if  y %}2{% endif %}',
      'c={# a b #}',
    ]);
    expect(words('a="multi\nline" b=c')).toEqual(['a="multi\nline"', 'b=c']);
  });

  it('keeps spacing and newlines for the free form, so join_args gives the text back', () => {
    for (const text of ['echo a    b', 'One\n  Two\n    Three\n', 'cat <<EOF\n  x y\nEOF', 'a "b  c"   d']) {
      expect(joinArgs(words(text))).toBe(text);
    }
    // A lone backslash at the end of a line joins it to the next, as in Ansible.
    expect(joinArgs(words('a \\\nb'))).toBe('a b');
  });

  it('reports an open quote or block at its offset', () => {
    expect(splitArgs("msg='oops")).toEqual({ kind: 'problem', message: "unterminated ' quote in the key=value arguments", offset: 4 });
    expect(splitArgs('a=1 msg={{ x')).toMatchObject({ message: 'unterminated {{ (no }} after it) in the key=value arguments', offset: 8 });
    expect(splitArgs('a={% if x')).toMatchObject({ message: 'unterminated {% (no %} after it) in the key=value arguments', offset: 2 });
    // An escaped quote opens nothing.
    expect(words("msg=it\\'s")).toEqual(["msg=it\\'s"]);
  });
});

describe('parse_kv', () => {
  it('decodes escapes, strips one pair of outer quotes and blanks around the value', () => {
    expect(kv('a="echo \\"hello world\\"" b=bar')).toEqual({ a: 'echo "hello world"', b: 'bar' });
    expect(kv("msg=it\\'s path=C:\\\\x tab=a\\tb u=\\u00e9\\x41")).toEqual({ msg: "it's", path: 'C:\\x', tab: 'a\tb', u: 'éA' });
    expect(kv('a=\'x y\' b=z"q r"')).toEqual({ a: 'x y', b: 'z"q r"' });
    expect(kv('a=b=c')).toEqual({ a: 'b=c' });
    expect(decodeEscapes('\\N{DASH} \\q \\\\n')).toBe('\\N{DASH} \\q \\n');
  });

  it('refuses a word that is not key=value (an escaped = is no separator)', () => {
    expect(kv('dest=/x oops content=y')).toEqual({ kind: 'problem', message: "expected key=value arguments, got 'oops'", offset: 8 });
    expect(kv('a\\=b')).toMatchObject({ message: "expected key=value arguments, got 'a=b'" });
    expect(kv('=x')).toMatchObject({ message: "expected key=value arguments, got '=x'" });
  });
});

describe("command's and shell's free form", () => {
  it('takes out only the options Ansible knows, anywhere, and leaves other k=v words in the command', () => {
    expect(splitFreeForm('tar xf /x.tgz creates=/opt/x chdir="/tmp/a b"')).toEqual({
      cmd: 'tar xf /x.tgz',
      options: { creates: '/opt/x', chdir: '/tmp/a b' },
    });
    expect(splitFreeForm('chdir=/tmp env FOO=bar make stdin_add_newline=no strip_empty_ends=false')).toEqual({
      cmd: 'env FOO=bar make',
      options: { chdir: '/tmp', stdin_add_newline: 'no', strip_empty_ends: 'false' },
    });
    expect(splitFreeForm('echo "chdir=/x" {{ a | default("b chdir=/c") }}')).toEqual({
      cmd: 'echo "chdir=/x" {{ a | default("b chdir=/c") }}',
      options: {},
    });
    expect(splitFreeForm('echo  a   b | tr a b\necho c executable=/bin/bash')).toEqual({
      cmd: 'echo  a   b | tr a b\necho c',
      options: { executable: '/bin/bash' },
    });
  });

  it("takes an unbalanced string whole (the command's own check reports the quote)", () => {
    expect(splitFreeForm("echo don't creates=/x")).toEqual({ cmd: "echo don't creates=/x", options: {} });
  });
});

function load(text: string): TaskDef[] | FleetError {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-kv-'));
  const file = path.join(dir, 'play.yml');
  writeFileSync(file, text);
  try {
    return loadPlaybook(file, moduleRegistry).plays[0]!.tasks as TaskDef[];
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
}

describe('through the loader', () => {
  it('reads k=v for any module, and free form with trailing options for command and shell', () => {
    const tasks = load(`- hosts: all
  tasks:
    - file: path=/x state=directory mode=0755
    - command: echo hi chdir=/tmp
    - shell: echo "a  b" | tr a b creates=/x stdin_add_newline=no
    - lineinfile: dest=/etc/x line="a = {{ v | default('1 2') }}" backup=yes
`) as TaskDef[];
    expect(tasks.map((t) => t.args)).toEqual([
      { path: '/x', state: 'directory', mode: '0755' },
      { cmd: 'echo hi', chdir: '/tmp' },
      { cmd: 'echo "a  b" | tr a b', creates: '/x', stdin_add_newline: false },
      { path: '/etc/x', line: "a = {{ v | default('1 2') }}", backup: true },
    ]);
  });

  it('reports an unbalanced quote or block at file:line:column', () => {
    const err = load(`- hosts: all
  tasks:
    - file: path=/x mode="0755
`) as FleetError;
    expect(err).toBeInstanceOf(FleetError);
    expect(err.message).toBe('unterminated " quote in the key=value arguments');
    expect(err.location).toMatchObject({ line: 3, column: 26 });
    const block = load(`- hosts: all
  tasks:
    - copy: dest=/x content={% if a
`) as FleetError;
    expect(block.message).toBe('unterminated {% (no %} after it) in the key=value arguments');
    expect(block.location).toMatchObject({ line: 3, column: 29 });
  });
});
