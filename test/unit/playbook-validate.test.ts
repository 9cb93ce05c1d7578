// `validate` catches, before any host is contacted, what used to fail only at run time (issue #12, item 10).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { expectLinear } from '../support/scaling.ts';
import type { TaskDef } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/playbooks/', import.meta.url));

/** Writes `text` as play.yml (and `extra` files beside it) in a fresh folder; returns its path. */
function playbook(text: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-validate-'));
  for (const [name, body] of Object.entries(extra)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), body);
  }
  const file = path.join(dir, 'play.yml');
  writeFileSync(file, text);
  return file;
}

interface Found {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Every problem the loader reports for `file`, in order, each with its location. */
function problems(file: string): Found[] {
  let err: unknown;
  try {
    loadPlaybook(file, moduleRegistry);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof FleetError)) throw new Error(`expected a FleetError, got ${String(err)}`);
  const first = { ...err.location!, message: err.message };
  const rest = [...(err.excerpt ?? '').matchAll(/^(\/[^\n:]+):(\d+):(\d+): (.*)$/gm)].map((m) => ({
    file: m[1]!,
    line: Number(m[2]),
    column: Number(m[3]),
    message: m[4]!,
  }));
  return [first, ...rest];
}

/** Problems as `line:column message`, for whole-list comparisons. */
function brief(file: string): string[] {
  return problems(file).map((p) => `${p.line}:${p.column} ${p.message}`);
}

function tasksOf(file: string): TaskDef[] {
  return loadPlaybook(file, moduleRegistry).plays[0]!.tasks as TaskDef[];
}

const LOOP = 'must be a list, or a template that renders to one ("{{ packages }}")';

describe('loop and keyword shapes', () => {
  it('refuses a loop that is not a list, at the value', () => {
    const file = playbook(
      `- hosts: all
  tasks:
    - debug: msg=x
      loop: 42
    - debug: msg=x
      loop: {a: 1}
    - debug: msg=x
      loop: "a string without braces"
    - include_tasks: inner.yml
      loop: 7
    - debug: msg=x
      loop: "{{ packages }}"
`,
      { 'inner.yml': '- debug: msg=x\n' },
    );
    expect(brief(file)).toEqual([
      `4:13 keyword 'loop' ${LOOP}, got the number 42`,
      `6:13 keyword 'loop' ${LOOP}, got a mapping`,
      `8:13 keyword 'loop' ${LOOP}, got the string "a string without braces"`,
      `10:13 keyword 'loop' ${LOOP}, got the number 7`,
    ]);
  });

  it('reads a scalar with_items as one item, as Ansible does, and refuses a mapping or two loops', () => {
    const ok = playbook(`- hosts: all
  tasks:
    - debug: msg=x
      with_items: 7
    - debug: msg=x
      with_list: just-one
`);
    expect(tasksOf(ok).map((t) => t.loop?.items)).toEqual([[7], ['just-one']]);
    const bad = playbook(`- hosts: all
  tasks:
    - debug: msg=x
      with_items: {a: 1}
    - debug: msg=x
      loop: [1]
      with_items: [2]
`);
    expect(brief(bad)).toEqual([
      "4:19 keyword 'with_items' must be a list (a mapping would loop over its keys), got a mapping",
      "7:7 a task takes one loop: 'loop' and 'with_items' cannot be used together",
    ]);
  });

  it('checks conditions, tags, notify, register, retries, delay and vars', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: msg=x
      when: {a: 1}
      changed_when: [true, {b: 2}]
      tags: 5
      notify: 3
      register: 1bad
      retries: many
      delay: -1
      vars: [1]
`);
    expect(brief(file)).toEqual([
      "4:13 keyword 'when' must be a condition (an expression, true or false, or a list of them), got a mapping",
      "5:28 item 2 of keyword 'changed_when' must be a string, true or false or a number, got a mapping",
      "6:13 keyword 'tags' must be a tag, tags separated by commas, or a list of tags, got the number 5",
      "7:15 keyword 'notify' must be a string or a list of strings, got the number 3",
      '8:17 keyword \'register\' must be a variable name (letters, digits and _, not starting with a digit), got the string "1bad"',
      '9:16 keyword \'retries\' must be a whole number, got the string "many"',
      "10:14 keyword 'delay' must be at least 0, got the number -1",
      "11:13 keyword 'vars' must be a mapping of variable names to values, got a list",
    ]);
  });

  it('takes tags as Ansible does: numbers, and names separated by commas', () => {
    const file = playbook(`- hosts: all
  tags: "web, db"
  tasks:
    - debug: msg=x
      tags: [1, two]
    - debug: msg=x
      tags: "a,b , c"
`);
    const pb = loadPlaybook(file, moduleRegistry);
    expect(pb.plays[0]!.tags).toEqual(['web', 'db']);
    expect(pb.plays[0]!.tasks.map((t) => t.tags)).toEqual([
      ['1', 'two'],
      ['a', 'b', 'c'],
    ]);
  });

  it("reads boolean-like keyword values as Ansible's boolean() does, and refuses the rest", () => {
    const ok = playbook(`- hosts: all
  become: "yes"
  gather_facts: "False"
  tasks:
    - debug: msg=x
      no_log: 1
      ignore_errors: "on"
      retries: "3"
`);
    const play = loadPlaybook(ok, moduleRegistry).plays[0]!;
    expect(play).toMatchObject({ become: true, gatherFacts: false });
    expect(play.tasks[0]).toMatchObject({ noLog: true, ignoreErrors: true, retries: 3 });
    const bad = playbook(`- hosts: all
  tasks:
    - debug: msg=x
      become: 2
      check_mode: maybe
`);
    expect(brief(bad)).toEqual([
      "4:15 keyword 'become' must be true or false, or a template, got the number 2",
      '5:19 keyword \'check_mode\' must be true or false, or a template, got the string "maybe"',
    ]);
  });

  it('keeps templated boolean keywords for the run, and refuses the ones read before templating', () => {
    const file = playbook(`- hosts: all
  become: "{{ want_root }}"
  tasks:
    - debug: msg=x
      no_log: "{{ secret_mode }}"
      ignore_errors: "{{ ansible_check_mode }}"
      retries: "{{ n }}"
      run_once: "{{ once }}"
    - debug: msg=x
      check_mode: "{{ 1 + }}"
`);
    expect(brief(file)).toEqual([
      "7:16 keyword 'retries' cannot be a template in fleetplay (it is read before variables are known); write a number",
      "8:17 keyword 'run_once' cannot be a template in fleetplay (it is read before variables are known); write true or false",
      '10:26 template error: unexpected end of expression at column 4',
    ]);
  });

  it('checks loop_control keys and refuses the ones fleetplay does not implement', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: msg=x
      loop: [1]
      loop_control: {break_when: 1, pause: 99, loop_var: "bad-name", label: "{{ item }}", lable: x}
    - debug: msg=x
      loop: [1]
      loop_control: 3
`);
    expect(brief(file)).toEqual([
      "5:22 loop_control 'break_when' is not supported by fleetplay yet (supported: loop_var, index_var, label, pause, extended, extended_allitems)",
      '5:58 keyword \'loop_control.loop_var\' must be a variable name (letters, digits and _, not starting with a digit), got the string "bad-name"',
      "5:91 unknown key 'lable' in keyword 'loop_control'; valid: loop_var, index_var, label, pause, extended, extended_allitems",
      "8:21 keyword 'loop_control' must be a mapping (loop_var, index_var, label, pause, extended, extended_allitems), got the number 3",
    ]);
  });

  it('refuses vars names that are not variable names, as Ansible does', () => {
    const file = playbook(`- hosts: all
  vars:
    foo-bar: 1
    ok_name: 2
  tasks:
    - debug: msg=x
      vars: { class: 1, 2nd: 2 }
`);
    expect(brief(file)).toEqual([
      "3:5 'foo-bar' is not a valid variable name: use letters, digits and _, not starting with a digit",
      "7:15 'class' is not a valid variable name: it is a Python keyword, which Ansible refuses",
      "7:25 '2nd' is not a valid variable name: use letters, digits and _, not starting with a digit",
    ]);
  });
});

describe('literal src files', () => {
  it('finds src where the executor looks, and reports a missing one with the places searched', () => {
    const dir = path.join(FIXTURES, 'src-search');
    const found = problems(path.join(dir, 'play.yml'));
    expect(found).toEqual([
      {
        file: path.join(dir, 'tasks', 'inner.yml'),
        line: 3,
        column: 10,
        message: `copy src 'missing.txt' not found; looked in ${[path.join(dir, 'tasks', 'files'), path.join(dir, 'tasks'), path.join(dir, 'files'), dir].join(', ')}`,
      },
    ]);
  });

  it('looks for no controller file when remote_src says src is on the host (true, yes, or a template)', () => {
    const file = playbook(`- hosts: all
  tasks:
    - copy: { remote_src: true, src: /tmp/on-host.toml, dest: /etc/x }
    - copy: { remote_src: "yes", src: /tmp/on-host.toml, dest: /etc/x }
    - copy: { remote_src: "{{ remote }}", src: /tmp/on-host.toml, dest: /etc/x }
    - unarchive: { remote_src: true, src: /tmp/on-host.tgz, dest: /opt }
    - copy: { remote_src: false, src: /tmp/nowhere-fp.toml, dest: /etc/x }
`);
    expect(brief(file)).toEqual(["7:39 copy src '/tmp/nowhere-fp.toml' not found; looked in /tmp"]);
  });

  it('reports a missing template src at the src value, also in the key=value form and in args', () => {
    const file = playbook(`- hosts: all
  tasks:
    - template: { src: nope.j2, dest: /etc/x }
    - template: src=gone.j2 dest=/etc/y
    - template:
      args: { src: /no/such/file.j2, dest: /etc/z }
    - unarchive: { src: missing.tar.gz, dest: /opt }
`);
    const dir = path.dirname(file);
    expect(brief(file)).toEqual([
      `3:24 template src 'nope.j2' not found; looked in ${dir}/templates, ${dir}`,
      `4:17 template src 'gone.j2' not found; looked in ${dir}/templates, ${dir}`,
      "6:20 template src '/no/such/file.j2' not found; looked in /no/such",
      `7:25 unarchive src 'missing.tar.gz' not found; looked in ${dir}/files, ${dir}`,
    ]);
  });

  it('refuses a src that is a directory, a FIFO or a dangling link, in the words of the run', () => {
    const file = playbook(`- hosts: all
  tasks:
    - template: { src: adir, dest: /x }
    - template: { src: fifo.j2, dest: /y }
    - copy: { src: dangling, dest: /w }
`);
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'adir'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.j2')]);
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    expect(brief(file)).toEqual([
      `3:24 template src ${dir}/adir is a directory; template needs a file`,
      `4:24 template src ${dir}/fifo.j2 is a FIFO (named pipe), not a regular file; only regular files are read`,
      `5:20 copy src ${dir}/dangling is a symbolic link to a missing file`,
    ]);
  });

  it('takes the first place that exists, as the run does, even when it is a symbolic link loop', () => {
    const file = playbook(
      `- hosts: all
  tasks:
    - template: { src: loop.j2, dest: /z }
`,
      { 'loop.j2': 'never reached\n' },
    );
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'templates'));
    symlinkSync(path.join(dir, 'templates', 'loop.j2'), path.join(dir, 'templates', 'loop.j2'));
    expect(brief(file)).toEqual([`3:24 template src ${dir}/templates/loop.j2: symlink loop (too many levels of symbolic links)`]);
  });
});

describe('command lines', () => {
  it('reports an unbalanced quote in a literal command at the quote', () => {
    const file = playbook(`- hosts: all
  tasks:
    - command: echo 'oops
    - command: creates=/x echo "half
    - command:
        cmd: printf 'a' 'b
    - command: echo '{{ templated }}
    - command: echo 'fine' "also fine" it\\'s
`);
    const why = 'the command module splits the line into words like a shell (without running one)';
    expect(brief(file)).toEqual([
      `3:21 command: unterminated ' quote in the command; ${why}`,
      `4:32 command: unterminated " quote in the command; ${why}`,
      `6:25 command: unterminated ' quote in the command; ${why}`,
    ]);
  });

  it('judges only plain one-line shell scripts, which /bin/sh would refuse too', () => {
    const file = playbook(`- hosts: all
  tasks:
    - shell: echo don't
    - shell: |
        cat <<EOF
        don't
        EOF
    - shell: echo $'it\\'s'
      args: { executable: /bin/bash }
    - shell: echo "$(echo 'a)" # it's a comment
`);
    expect(brief(file)).toEqual(["3:22 shell: unterminated ' quote in the command; /bin/sh would stop with a syntax error"]);
  });

  it('reports an unbalanced quote in key=value arguments at the quote', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: msg='oops
`);
    expect(brief(file)).toEqual(["3:18 unterminated ' quote in the key=value arguments"]);
  });
});

describe('template syntax', () => {
  it('parses the expressions a task renders and reports a problem at its place in the value', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: msg="{{ x | nosuchfilter }}"
    - debug:
        msg: "{{ x | default('y') }} {{ [1, 2] | join(', ') }}"
    - debug: msg={{ item.0 }}
      loop: ["{{ a }", "{{ a }}"]
    - include_tasks: "{{ name }"
    - debug: { msg: "{{ whole.0 }} and {{ (a + }}" }
`);
    expect(brief(file)).toEqual([
      "3:14 template error: unknown filter 'nosuchfilter' at column 5",
      "7:15 template error: '{{' is not closed by '}}'",
      "8:23 template error: '{{' is not closed by '}}'",
      // A }} inside an open bracket does not end the expression (as in Jinja's lexer).
      "9:40 template error: '{{' is not closed by '}}'",
    ]);
  });

  it('reports a syntax error in a template file at its line in that file', () => {
    const file = playbook(
      `- hosts: all
  tasks:
    - template: { src: bad.hbs, dest: /x }
    - template: { src: good.hbs, dest: /y }
`,
      { 'templates/bad.hbs': 'line 1\nline 2 {{#each xs}}\n{{ this }\n', 'templates/good.hbs': '{{#each xs}}{{ this }}{{/each}}\n' },
    );
    const found = problems(file);
    expect(found).toEqual([
      {
        file: path.join(path.dirname(file), 'templates', 'bad.hbs'),
        line: 3,
        column: 1,
        message: "template syntax error: found a character that cannot appear there where '}}' or '}}}' or a name was expected",
      },
    ]);
  });
  it('parses a Jinja2 template file (any name but .hbs) and reports its problem at its line and column', () => {
    const file = playbook(
      `- hosts: all
  tasks:
    - template: { src: bad.j2, dest: /x }
    - template: { src: good.j2, dest: /y }
`,
      {
        'templates/bad.j2': 'line 1\n{% if x %}\n{{ y | nofilter }}\n{% endif %}\n',
        'templates/good.j2': '{% for x in xs %}{{ x }}{% endfor %}\n',
      },
    );
    expect(problems(file)).toEqual([
      { file: path.join(path.dirname(file), 'templates', 'bad.j2'), line: 3, column: 8, message: "unknown filter 'nofilter'" },
    ]);
  });
});

describe('assert conditions', () => {
  it('parses each literal condition of assert that, and leaves templated ones to the run', () => {
    const file = playbook(`- hosts: all
  tasks:
    - assert:
        that:
          - a == 1
          - "b == (c"
          - "{{ x }} == 1"
    - assert: { that: "x ==" }
`);
    expect(brief(file)).toEqual([
      "6:21 invalid expression: expected ')' at column 8",
      '8:28 invalid expression: unexpected end of expression at column 5',
    ]);
  });
});

describe('regular expressions', () => {
  it('compiles literal lineinfile and replace patterns on the run-time engine and reports refusals at the argument', () => {
    const file = playbook(`- hosts: all
  tasks:
    - lineinfile: { path: /x, regexp: '^(a', line: b }
    - lineinfile: { path: /x, line: b, insertafter: EOF }
    - lineinfile: { path: /x, line: b, insertbefore: '(?>x)y' }
    - replace: { path: /x, regexp: 'a{{ b }}(' }
    - replace: { path: /x, regexp: '^\\s*(\\w+)\\s*=' }
`);
    const found = brief(file);
    expect(found).toHaveLength(2);
    expect(found[0]).toBe('3:39 argument \'regexp\': invalid regular expression "^(a": missing closing )');
    expect(found[1]).toMatch(/^5:54 argument 'insertbefore': regular expression "\(\?>x\)y": an atomic group .* is not supported/);
  });
});

describe('key=value arguments', () => {
  it('keeps a template with blanks in one value, as Ansible does', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: msg={{ x | default("a b") }} verbosity=1
    - debug: msg="{{ x }} and y"
`);
    expect(tasksOf(file).map((t) => t.args)).toEqual([{ msg: '{{ x | default("a b") }}', verbosity: 1 }, { msg: '{{ x }} and y' }]);
  });

  it("converts literal text to the argument's declared type, as Ansible's argument spec does", () => {
    const file = playbook(`- hosts: all
  tasks:
    - apt: name=curl update_cache=yes
    - wait_for: { port: "22", timeout: 5 }
    - wait_for: port={{ p }} timeout=soon
`);
    expect(brief(file)).toEqual(['5:17 argument \'timeout\' must be a whole number, got the string "soon"']);
    const ok = playbook(`- hosts: all
  tasks:
    - apt: name=curl update_cache=no
    - wait_for: { port: "22", timeout: 5 }
`);
    expect(tasksOf(ok).map((t) => t.args)).toEqual([
      { name: 'curl', update_cache: false },
      { port: 22, timeout: 5 },
    ]);
  });

  it('reports a word without = and an open {{ at their place, once', () => {
    const file = playbook(`- hosts: all
  tasks:
    - copy: dest=/x oops content=y
    - debug: msg={{ x
`);
    expect(brief(file)).toEqual([
      "3:21 expected key=value arguments, got 'oops'",
      '4:18 unterminated {{ (no }} after it) in the key=value arguments',
    ]);
  });

  it('says an argument beside an empty module key lost its indentation', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug:
      msg: x
`);
    expect(brief(file)).toEqual(["4:7 'msg' is an argument of debug: indent it under 'debug:'"]);
  });
});

describe('entries that are not mappings', () => {
  it('names the task, handler or play by its number and says what it got', () => {
    const file = playbook(`- hosts: all
  tasks:
    -
    - "echo hi"
    - block:
        - 42
  handlers:
    - null
- null
- "a play"
`);
    expect(brief(file)).toEqual([
      '3:6 task 1 of tasks must be a mapping (a task), got null',
      '4:7 task 2 of tasks must be a mapping (a task), got the string "echo hi"',
      '6:11 task 1 of block must be a mapping (a task), got the number 42',
      '8:7 handler 1 of handlers must be a mapping (a handler), got null',
      '9:3 play 2 of the playbook must be a mapping (a play with at least `hosts:`), got null',
      '10:3 play 3 of the playbook must be a mapping (a play with at least `hosts:`), got the string "a play"',
    ]);
    expect(problems(file).every((p) => !/'\d+'|\/tasks\/\d/.test(p.message))).toBe(true);
  });

  it('names the included file and the list keyword that is not a list', () => {
    const file = playbook(
      `- hosts: all
  tasks:
    - include_tasks: inner.yml
  post_tasks: 5
`,
      { 'inner.yml': '- debug: msg=x\n- "oops"\n' },
    );
    const found = problems(file);
    expect(found.map((p) => `${path.basename(p.file)}:${p.line}:${p.column} ${p.message}`)).toEqual([
      'inner.yml:2:3 task 2 of the task file inner.yml must be a mapping (a task), got the string "oops"',
      'play.yml:4:15 post_tasks must be a list of tasks, got the number 5',
    ]);
  });

  it('says a top-level mapping is one play that lost its dash', () => {
    const file = playbook('hosts: all\ntasks: []\n');
    expect(brief(file)).toEqual([
      '1:1 a playbook is a list of plays (each with at least `hosts:`), got a mapping; start the play with `- hosts:`',
    ]);
  });
});

describe('other mistakes that used to pass or read badly', () => {
  it('reports a module beside block: as a misplaced task', () => {
    const file = playbook(`- hosts: all
  tasks:
    - block:
        - debug: msg=x
      copy: { dest: /x, content: y }
`);
    expect(brief(file)).toEqual(["5:7 a block takes no module: 'copy' belongs in a task of its own (inside block: or beside it)"]);
  });

  it('names Ansible keywords fleetplay does not implement, instead of suggesting a typo fix', () => {
    const file = playbook(`- hosts: all
  order: sorted
  tasks:
    - debug: msg=x
      debugger: always
    - debug: msg=x
      with_inventory_hostnames: {a: 1}
    - debug: msg=x
      poll: 5
`);
    expect(brief(file)).toEqual([
      "2:3 'order' is an Ansible play keyword that fleetplay does not support yet",
      "5:7 'debugger' is an Ansible task keyword that fleetplay does not support yet",
      "7:7 'with_inventory_hostnames' is an Ansible task keyword that fleetplay does not support yet; use loop: with a list",
      "9:7 'poll' is an Ansible task keyword that fleetplay does not support yet",
    ]);
  });

  it('explains a template inside a condition, reports bad set_fact names at the key, and ignores a list as args', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: msg=x
      when: "{{ a }} == 1"
    - set_fact:
        foo-bar: 1
    - command: ls
      args: [1]
`);
    expect(brief(file)).toEqual([
      '4:13 a condition is an expression already: write variables without {{ }} (`a == 1`, not `{{ a }} == 1`)',
      "6:9 'foo-bar' is not a valid name for module 'set_fact': it must be a variable name (letters, digits and _, not starting with a digit)",
      "8:13 keyword 'args' must be a mapping of module arguments, got a list",
    ]);
  });

  it('reports missing, directory and FIFO task and vars files at the line that names them', () => {
    const file = playbook(`- hosts: all
  vars_files: [missing-vars.yml, adir]
  tasks:
    - import_tasks: missing.yml
    - include_tasks: fifo.yml
`);
    const dir = path.dirname(file);
    mkdirSync(path.join(dir, 'adir'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.yml')]);
    expect(brief(file)).toEqual([
      `2:16 vars file 'missing-vars.yml' not found (looked for ${dir}/missing-vars.yml)`,
      `2:34 vars file 'adir' is not a regular file (${dir}/adir)`,
      `4:21 task file 'missing.yml' not found (looked for ${dir}/missing.yml)`,
      `5:22 task file 'fifo.yml' is not a regular file (${dir}/fifo.yml)`,
    ]);
  });

  it('keeps an __proto__ key in args a key, not the prototype of the arguments', () => {
    const file = playbook(`- hosts: all
  tasks:
    - command: ls
      args: { __proto__: { creates: /x } }
`);
    expect(brief(file)).toEqual([
      "4:15 unknown argument '__proto__' for module 'command'; valid: cmd, argv, expand_argument_vars, creates, removes, chdir, stdin, stdin_add_newline, strip_empty_ends, executable",
    ]);
  });

  it('refuses a loop on import_tasks, as Ansible does, and allows it on include_tasks', () => {
    const file = playbook(
      `- hosts: all
  tasks:
    - import_tasks: inner.yml
      loop: [1, 2]
    - include_tasks: inner.yml
      loop: [1, 2]
`,
      { 'inner.yml': '- debug: msg=x\n' },
    );
    expect(brief(file)).toEqual(['4:7 import_tasks cannot loop (Ansible refuses it too); use include_tasks']);
  });

  it('says under which condition a module argument is required or refused', () => {
    const file = playbook(`- hosts: all
  tasks:
    - group: { name: g, non_unique: true }
    - sysctl: { name: a.b }
    - apt_key: { keyring: /k, state: absent, url: "http://x" }
    - systemd: { state: started }
    - apt: { name: [curl, 1] }
`);
    expect(brief(file)).toEqual([
      "3:7 missing required argument 'gid' for module 'group' when non_unique is true",
      "4:7 missing required argument 'value' for module 'sysctl' unless state is absent",
      "5:16 module 'apt_key' takes no 'url' when state is absent",
      "6:16 module 'systemd' needs at least one of: name, daemon_reload, daemon_reexec",
      "7:27 item 2 of argument 'name' must be a string, got the number 1",
    ]);
  });

  it('words one-of and empty-value errors without JSON pointers', () => {
    const file = playbook(`- hosts: ""
  tasks:
    - wait_for: { port: 22, path: /x }
    - copy: { dest: /x }
`);
    expect(brief(file)).toEqual([
      "1:10 keyword 'hosts' must not be empty",
      "3:17 module 'wait_for' takes only one of: port, path",
      // copy says what Ansible's copy action says (its argumentsProblem).
      '4:7 src (or content) is required',
    ]);
  });
});

describe('the list of problems', () => {
  it('reads top to bottom: by line and column within a file, whatever order the checks ran in', () => {
    const file = playbook(`- hosts: all
  vars_files: [gone.yml]
  tasks:
    - debug: msg=x
      notify: nobody
    - debug: msg=x
      loop: 42
  handlers:
    - null
`);
    expect(brief(file).map((p) => p.split(' ')[0])).toEqual(['2:16', '5:15', '7:13', '9:7']);
  });
});

describe('any playbook shape', () => {
  it('ends in a playbook or in problems that each carry a real location and no internal path', async () => {
    const fc = (await import('fast-check')).default;
    const { stringify } = await import('yaml');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-validate-fuzz-'));
    writeFileSync(path.join(dir, 'inner.yml'), '- debug: msg=x\n');
    const words = ['x', "echo 'oops", 'a,b', '{{ v }}', 'inner.yml', 'missing.j2', '42', 'yes', '', 'foo-bar', '__proto__'];
    const keys = [
      'hosts',
      'tasks',
      'handlers',
      'pre_tasks',
      'vars',
      'vars_files',
      'tags',
      'become',
      'name',
      'when',
      'loop',
      'with_items',
      'loop_control',
      'register',
      'notify',
      'retries',
      'delay',
      'no_log',
      'block',
      'rescue',
      'include_tasks',
      'import_tasks',
      'command',
      'shell',
      'template',
      'copy',
      'debug',
      'set_fact',
      'args',
      'src',
      'dest',
      'msg',
      'cmd',
      'pause',
      'label',
      'roles',
      'delegate_to',
      '__proto__',
      'constructor',
    ];
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, 7, -1, 2.5),
        fc.constantFrom(...words),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 4 }),
      ),
    }));
    const plays = fc.array(fc.oneof(value, fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 })), { maxLength: 3 });
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(plays, value), (shape) => {
        const file = path.join(dir, `p${n++}.yml`);
        writeFileSync(file, stringify(shape));
        try {
          loadPlaybook(file, moduleRegistry);
        } catch (err) {
          if (!(err instanceof FleetError)) throw err;
          for (const p of problems(file)) {
            expect(p.file).not.toBe('?');
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.message).not.toMatch(/keyword '\d+'|argument '\d+'|'\/\w+\/\d/);
          }
        }
      }),
      { seed: 12, numRuns: 400 },
    );
  }, 60_000);
});

describe('template shape limits at validate (#12)', () => {
  // The reviewer's reproductions: each was "valid" at validate, or took seconds, or overflowed the stack.
  const debugPlay = (msg: string) => `- hosts: x\n  gather_facts: false\n  tasks:\n    - debug: msg="${msg}"\n`;
  const nestedIfs = (n: number) => '{{#if true}}'.repeat(n) + 'x' + '{{/if}}'.repeat(n);
  const parens = (n: number) => `{{ ${'('.repeat(n)}x${')'.repeat(n)} }}`;

  /** `build` remembered by size, so timing a size many times writes its files once. */
  function writtenOnce(build: (n: number) => string): (n: number) => string {
    const files = new Map<number, string>();
    return (n) => files.get(n) ?? files.set(n, build(n)).get(n)!;
  }

  /** Loads and validates `file`: the work timed, whether or not the smaller sizes are within the limits. */
  function validate(file: string): void {
    try {
      loadPlaybook(file, moduleRegistry);
    } catch (err) {
      if (!(err instanceof FleetError)) throw err;
    }
  }

  /**
   * The problems of the playbook `build(size)` makes, failing unless validating `build(8 * from)` takes about 8
   * times as long as `build(from)` (linear), not 64 (quadratic). `from` (size / 8, or size when that would be
   * within the limits) keeps both sizes past the limit, on the same path.
   */
  function quickly(build: (n: number) => string, size: number, from = size / 8): string[] {
    const fileFor = writtenOnce(build);
    expectLinear((n) => validate(fileFor(n)), from, { maxN: from, label: `validate at ${from}` });
    return brief(fileFor(size));
  }

  it('refuses parentheses nested 3000 deep at the value, at once, not at run time', { timeout: 120_000 }, () => {
    expect(quickly((n) => playbook(debugPlay(parens(n))), 3000)).toEqual([
      '4:14 template error: expression is nested too deeply (limit 64) at column 65',
    ]);
  });

  it('refuses lists nested 3000 deep (62 KB) at once instead of overflowing the stack', { timeout: 120_000 }, () => {
    const lists = (n: number) => debugPlay(`{{ ${'['.repeat(n)}1${']'.repeat(n)} }}`);
    expect(lists(3000).length).toBeLessThan(64 * 1024);
    expect(quickly((n) => playbook(lists(n)), 3000)).toEqual([
      '4:14 template error: expression is nested too deeply (limit 64) at column 65',
    ]);
  });

  it('refuses 12000 expressions in one string', { timeout: 120_000 }, () => {
    expect(quickly((n) => playbook(debugPlay('{{x}}'.repeat(n))), 12000, 12000)).toEqual([
      '4:14 template error: more than 5000 {{ }} expressions in one string',
    ]);
  });

  it('refuses long paths and long filter chains, which would overflow the evaluator', { timeout: 120_000 }, () => {
    const file = (n: number) =>
      playbook(`- hosts: x
  gather_facts: false
  tasks:
    - debug: msg="{{ ${'a.'.repeat(n)}b | upper }}"
    - debug: msg="{{ x${' | upper'.repeat(n)} }}"
`);
    expect(quickly(file, 3000, 3000)).toEqual([
      '4:14 template error: expression is too complex (tree deeper than 256) at column 512',
      '5:14 template error: expression is too complex (tree deeper than 256) at column 2045',
    ]);
  });

  it('applies the Handlebars limits to .hbs template files, at the line in that file', { timeout: 120_000 }, () => {
    const build = (n: number) =>
      playbook(
        `- hosts: x
  gather_facts: false
  tasks:
    - template: { src: deep.hbs, dest: /x }
    - template: { src: many.hbs, dest: /y }
    - template: { src: fine.hbs, dest: /z }
`,
        {
          'templates/deep.hbs': `line 1\nline 2 ${nestedIfs(n)}\n`,
          'templates/many.hbs': 'a\nb\nc\n' + '{{x}}\n'.repeat(2 * n),
          'templates/fine.hbs': `${'{{#if a}}'.repeat(60)}{{upper "${'('.repeat(100)}"}}${'{{/if}}'.repeat(60)}\n`,
        },
      );
    const fileFor = writtenOnce(build);
    expectLinear((n) => validate(fileFor(n)), 3000, { maxN: 3000, label: 'template files' });
    const file = fileFor(3000);
    const found = problems(file);
    const dir = path.join(path.dirname(file), 'templates');
    // The line is the template's own; the statement's column is known (handlebarsProblem) but not yet passed on.
    expect(found).toMatchObject([
      { file: path.join(dir, 'deep.hbs'), line: 2, message: 'template nests blocks and ( ) more than 64 deep' },
      { file: path.join(dir, 'many.hbs'), line: 5004, message: 'template has more than 5000 {{ }} statements' },
    ]);
  });

  it('sees nesting behind a string holding }}, and stops an expression only at a }} outside strings and brackets', () => {
    const file = playbook(`- hosts: x
  gather_facts: false
  tasks:
    - debug:
        msg: '{{ "}}" ~ ${'('.repeat(100)}y${')'.repeat(100)} }}'
    - debug:
        msg: "{{ {'a': {'b': 1}} }}"
    - debug:
        msg: "{{ {'a': 1}"
`);
    expect(brief(file)).toEqual([
      '5:89 template error: expression is nested too deeply (limit 64) at column 72',
      "9:15 template error: '{{' is not closed by '}}'",
    ]);
  });

  it('accepts what is within the limits: escaped text, brackets in strings, 64 levels, 5000 expressions', { timeout: 120_000 }, () => {
    const file = playbook(`- hosts: x
  gather_facts: false
  tasks:
    - debug: msg="{{ '{{' }} ${'('.repeat(20)} }}"
    - debug: msg='{{ "${'('.repeat(200)}" | upper }}'
    - debug: msg="${parens(63)}"
    - debug: msg="${'{{x}}'.repeat(5000)}"
`);
    expect(tasksOf(file)).toHaveLength(4);
  });
});
