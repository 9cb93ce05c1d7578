// End-to-end: lineinfile, replace, template, command and shell with the arguments Ansible documents
// (backup, validate, aliases, encoding, newline_sequence, follow, creates globs relative to chdir,
// argv with $VARS expanded, stdin_add_newline, executable) and the legacy key=value form, on a real node.
// --check predicts the real run, the files are as Ansible writes them, and a second run changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

const LAB = 'lineargs';
let lab: LabState;
let playbook: string;

const PLAYBOOK = `- name: line and command arguments
  hosts: all
  gather_facts: false
  vars:
    a_value: 5
  tasks:
    - name: k=v lineinfile with backup and validate
      lineinfile: dest=/srv/lines/app.conf regexp=^a= line="a = {{ a_value }}" backup=yes validate="grep -q ^b= %s"
    - name: a header at BOF
      lineinfile:
        path: /srv/lines/app.conf
        line: "# managed"
        insertbefore: BOF
    - name: create under a new directory
      lineinfile:
        name: /srv/lines/new/created.conf
        line: first
        create: true
    - name: replace in latin-1
      replace: destfile=/srv/lines/latin.conf regexp='é = 1' replace='é = 2' encoding=latin-1 backup=yes
    - name: replace between markers
      replace:
        path: /srv/lines/r.conf
        after: '\\[s\\]'
        before: '\\[t\\]'
        regexp: '1'
        replace: '2'
    - name: template with CRLF through a link
      template:
        src: crlf.j2
        dest: /srv/lines/link.conf
        follow: true
        newline_sequence: "\\r\\n"
    - name: k=v file
      file: path=/srv/lines/dir state=directory mode=0750
    - name: command free form with trailing options
      command: touch done.flag chdir=/srv/lines creates=done.*
    - name: argv with a variable of the host
      command:
        argv: [sh, -c, 'printf %s "$1" > /srv/lines/home.txt', x, $HOME]
        creates: /srv/lines/home.txt
    - name: shell with stdin and no newline
      shell: cat > stdin.txt chdir=/srv/lines creates=stdin.txt stdin=hello stdin_add_newline=no
    - name: shell under bash
      shell: echo \${BASH_VERSION:+bash} > /srv/lines/bash.txt executable=/bin/bash creates=/srv/lines/bash.txt
`;

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 17);
  const reset = onNode(
    lab,
    lab.nodes[0]!.name,
    [
      'rm -rf /srv/lines && mkdir -p /srv/lines',
      "printf 'a=1\\nb=2\\n' > /srv/lines/app.conf",
      "printf 'caf\\351 = 1\\n' > /srv/lines/latin.conf",
      "printf 'x 1\\n[s]\\ny 1\\n[t]\\nz 1\\n' > /srv/lines/r.conf",
      "printf 'old\\n' > /srv/lines/real.conf && ln -s real.conf /srv/lines/link.conf",
    ].join(' && '),
  );
  expect(reset.code, reset.stderr).toBe(0);
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'templates', 'crlf.j2'), 'k={{ a_value }}\nend\n');
  playbook = path.join(dir, 'line-args.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('line and command arguments on a node', () => {
  it('--check says what the real run does, the files are as Ansible writes them, and a second run is ok', async () => {
    const inventory = lab.inventoryFile;
    const node = lab.nodes[0]!.name;
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const statuses = (r: typeof check) => r.report!.results.map((x) => [x.task, x.status]);
    expect(
      statuses(check).every(([, s]) => s === 'changed'),
      check.stdout,
    ).toBe(true);
    expect(onNode(lab, node, 'ls /srv/lines').stdout.split('\n').sort().join(' ')).toBe(' app.conf latin.conf link.conf r.conf real.conf');

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(real)).toEqual(statuses(check));
    const msgs = Object.fromEntries(real.report!.results.map((x) => [x.task, x.msg]));
    expect(msgs['k=v lineinfile with backup and validate']).toBe('line replaced');
    expect(msgs['replace in latin-1']).toBe('1 replacements made');

    const files = onNode(
      lab,
      node,
      [
        'cd /srv/lines',
        'cat app.conf; echo ---',
        'cat app.conf.*~; echo ---',
        'od -An -tx1 latin.conf; ls latin.conf.*~ | wc -l; echo ---',
        'cat r.conf; echo ---',
        'cat -v real.conf; test -L link.conf && echo link; echo ---',
        'stat -c %a dir; cat new/created.conf; ls done.flag; cat home.txt; echo; cat stdin.txt; echo; cat bash.txt',
      ].join('; '),
    );
    expect(files.stdout).toBe(
      [
        '# managed\na = 5\nb=2\n---',
        'a=1\nb=2\n---',
        ' 63 61 66 e9 20 3d 20 32 0a\n1\n---',
        'x 1\n[s]\ny 2\n[t]\nz 1\n---',
        'k=5^M\nend^M\nlink\n---',
        '750\nfirst\ndone.flag\n/root\nhello\nbash\n',
      ].join('\n'),
    );

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(
      again.report!.results.every((r) => r.status === 'ok'),
      again.stdout,
    ).toBe(true);
    expect(onNode(lab, node, 'ls /srv/lines/app.conf.*~ | wc -l').stdout.trim()).toBe('1');
  }, 240_000);
});
