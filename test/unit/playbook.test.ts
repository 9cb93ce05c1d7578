import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { moduleRegistry } from '../../modules/index.ts';

function playbook(text: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-pb-'));
  for (const [name, body] of Object.entries(extra)) writeFileSync(path.join(dir, name), body);
  const file = path.join(dir, 'play.yml');
  writeFileSync(file, text);
  return file;
}

function errorOf(file: string): FleetError {
  try {
    loadPlaybook(file, moduleRegistry);
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected the playbook to be invalid');
}

describe('playbook validation', () => {
  it('accepts a valid playbook and keeps task locations', () => {
    const file = playbook(`- hosts: all
  tasks:
    - name: one
      ansible.builtin.copy: { dest: /tmp/x, content: hi }
    - command: echo hi creates=/tmp/x
`);
    const pb = loadPlaybook(file, moduleRegistry);
    const tasks = pb.plays[0]!.tasks;
    expect(tasks.map((t) => t.kind === 'task' && t.module)).toEqual(['copy', 'command']);
    expect(tasks[1]).toMatchObject({ args: { cmd: 'echo hi', creates: '/tmp/x' }, location: { file, line: 5, column: 7 } });
  });

  it('reports an unknown argument at its key, with a suggestion', () => {
    const file = playbook(`- hosts: all
  tasks:
    - name: write
      copy:
        dest: /etc/x
        contnet: hello
`);
    const err = errorOf(file);
    expect(err.location).toEqual({ file, line: 6, column: 9 });
    expect(err.message).toMatch(/unknown argument 'contnet' for module 'copy' \(did you mean 'content'\?\)/);
    expect(err.excerpt).toContain('6 |         contnet: hello');
  });

  it('reports an unknown module with a suggestion', () => {
    const file = playbook(`- hosts: all
  tasks:
    - name: x
      templat: { src: a, dest: b }
`);
    const err = errorOf(file);
    expect(err.location).toEqual({ file, line: 4, column: 7 });
    expect(err.message).toBe("unknown module or keyword 'templat' (did you mean 'template'?)");
  });

  it('reports wrong types, missing required arguments and bad enums at the right place', () => {
    const file = playbook(`- hosts: all
  tasks:
    - file: { path: /x, state: folder }
    - copy:
        content: x
    - debug: msg=hi
      ignore_errors: maybe
`);
    const err = errorOf(file);
    const all = `${err.message}\n${err.excerpt}`;
    expect(err.location).toEqual({ file, line: 3, column: 32 });
    expect(err.message).toMatch(/'state' must be one of: file, directory, absent, touch, link/);
    // copy's missing dest in the words of Ansible's copy action (the module's argumentsProblem).
    expect(all).toMatch(new RegExp(`${file}:4:7: dest is required`));
    expect(all).toMatch(new RegExp(`${file}:7:22: keyword 'ignore_errors' must be true or false, or a template, got the string "maybe"`));
  });

  it('reports YAML syntax errors with line and column', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: { msg: "unclosed }
`);
    const err = errorOf(file);
    expect(err.message).toMatch(/YAML syntax error/);
    expect(err.location?.file).toBe(file);
    expect(err.location?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports an invalid when expression at the offending column', () => {
    const file = playbook(`- hosts: all
  tasks:
    - debug: msg=x
      when: a == (b
`);
    const err = errorOf(file);
    expect(err.message).toMatch(/invalid expression/);
    expect(err.location).toMatchObject({ line: 4, column: 20 });
  });

  it('rejects tasks with two modules, or none, and unknown play keywords', () => {
    const file = playbook(`- hosts: all
  remote_usr: root
  tasks:
    - copy: { dest: /a, content: b }
      file: { path: /a }
    - name: nothing here
`);
    const all = `${errorOf(file).message}\n${errorOf(file).excerpt}`;
    expect(all).toMatch(/unknown keyword 'remote_usr' for play/);
    expect(all).toMatch(/a task takes exactly one module, found copy, file/);
    expect(all).toMatch(/task 'nothing here' names no module/);
  });

  it('checks notify against the handlers and include files at load time', () => {
    const file = playbook(`- hosts: all
  tasks:
    - copy: { dest: /a, content: b }
      notify: restart containrd
    - import_tasks: missing.yml
  handlers:
    - name: restart containerd
      debug: msg=x
`);
    const all = `${errorOf(file).message}\n${errorOf(file).excerpt}`;
    expect(all).toMatch(/notify names no handler of this play: 'restart containrd'/);
    expect(all).toMatch(/task file 'missing\.yml' not found \(looked for .*missing\.yml\)/);
  });

  it('validates tasks inside included files, with their own file and line', () => {
    const file = playbook(
      `- hosts: all
  tasks:
    - include_tasks: inner.yml
`,
      { 'inner.yml': `- debug: msg=ok\n- stat: { path: /x, bogus: 1 }\n` },
    );
    const err = errorOf(file);
    expect(err.location).toEqual({ file: path.join(path.dirname(file), 'inner.yml'), line: 2, column: 21 });
  });

  it('lets templated values through load-time type checks', () => {
    const file = playbook(`- hosts: all
  tasks:
    - file: { path: /x, state: "{{ wanted }}", mode: "{{ m }}" }
`);
    expect(() => loadPlaybook(file, moduleRegistry)).not.toThrow();
    expect(loadPlaybook(file, moduleRegistry).plays[0]!.tasks[0]).toMatchObject({ args: { state: '{{ wanted }}' } });
  });
});

describe('YAML like Ansible reads it', () => {
  it('uses PyYAML booleans and octal modes', async () => {
    const { parseYaml } = await import('../../engine/yaml/load.ts');
    expect(parseYaml('a: n\nb: y\nc: yes\nd: off\ne: 0644\nf: True\n', 'f.yml', 'playbook').value).toEqual({
      a: 'n',
      b: 'y',
      c: true,
      d: false,
      e: 0o644,
      f: true,
    });
  });
});
