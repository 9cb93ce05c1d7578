// include_tasks is loaded when reached: a missing file behind a false `when` neither fails the load nor
// the run, while validate (the loader) still parses every include file that exists.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetError } from '../../engine/errors.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';
import { validateCommand } from '../../engine/cli/validate.ts';

function setup(tasks: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-lazy-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local os_family=Debian\n');
  writeFileSync(path.join(dir, 'play.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replaceAll('DIR', dir)}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const load = (dir: string, deferGuardedIncludes = false) =>
  loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, { deferGuardedIncludes });

// As `fleetplay run` loads: problems of a guarded include_tasks file wait until it is reached.
async function run(dir: string): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(load(dir, true), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
}

const rows = (r: RunReport) => r.results.map((x) => `${x.task}:${x.status}`);

describe('include_tasks loaded when reached', () => {
  it('a missing RedHat-only file behind a false when neither fails the load nor the run', async () => {
    const dir = setup(
      `    - include_tasks: redhat.yml
      when: os_family == 'RedHat'
    - ansible.builtin.include_tasks: { file: debian.yml }
      when: os_family == 'Debian'
    - block:
        - ansible.builtin.include_tasks: redhat-too.yml
      when: os_family == 'RedHat'
`,
      { 'debian.yml': '- name: on debian\n  debug: { msg: deb }\n' },
    );
    const r = await run(dir);
    expect(rows(r)).toEqual(['include_tasks:ok', 'on debian:ok']);
    expect(r.recap.h1!.failed).toBe(0);
  });

  it('counts the when of a roles: entry: its tasks may include a missing file', async () => {
    const dir = setup('', { 'roles/rh/tasks/main.yml': '- include_tasks: missing.yml\n' });
    writeFileSync(
      path.join(dir, 'play.yml'),
      "- hosts: all\n  gather_facts: false\n  roles:\n    - role: rh\n      when: os_family == 'RedHat'\n",
    );
    expect(rows(await run(dir))).toEqual([]);
    expect(() => load(dir)).not.toThrow();
  });

  it('reads a file when the include is reached, so an earlier task may write it', async () => {
    const dir = setup(`    - copy: { dest: DIR/made.yml, content: "- name: made later\\n  debug: { msg: hi }\\n" }
    - include_tasks: made.yml
      when: true
`);
    expect(rows(await run(dir))).toEqual(['copy:changed', 'include_tasks:ok', 'made later:ok']);
  });

  it('fails the include, not the load, when a conditional file is still missing when reached', async () => {
    const dir = setup(`    - include_tasks: gone.yml
      when: os_family == 'Debian'
    - debug: { msg: never }
`);
    const r = await run(dir);
    const inc = r.results.find((x) => x.module === 'include_tasks')!;
    expect(inc.status).toBe('failed');
    expect(inc.msg).toMatch(/gone\.yml/);
    expect(rows(r)).toEqual(['include_tasks:failed']);
  });

  it('validate still reports a missing file under no when, a missing import, and errors in files it can find', () => {
    expect(() => load(setup('    - include_tasks: nowhere.yml\n'))).toThrow(/task file 'nowhere\.yml' not found/);
    expect(() => load(setup("    - import_tasks: nowhere.yml\n      when: os_family == 'RedHat'\n"))).toThrow(
      /task file 'nowhere\.yml' not found/,
    );
    const broken = setup("    - include_tasks: redhat.yml\n      when: os_family == 'RedHat'\n", {
      'redhat.yml': '- name: bad\n  no_such_module: {}\n',
    });
    let err: unknown;
    try {
      load(broken);
    } catch (e) {
      err = e;
    }
    expect((err as FleetError).format()).toMatch(/redhat\.yml:2:3: unknown module or keyword 'no_such_module'/);
  });

  it('a run is not stopped by a guarded file that uses a module fleetplay lacks, until it is reached', async () => {
    const files = { 'redhat.yml': '- name: rpm\n  pkgng: { name: curl }\n', 'debian.yml': '- name: deb\n  debug: { msg: deb }\n' };
    const tasks = (os: string) => `    - include_tasks: redhat.yml
      when: os_family == '${os}'
    - include_tasks: debian.yml
`;
    const debian = await run(setup(tasks('RedHat'), files));
    expect(rows(debian)).toEqual(['include_tasks:ok', 'deb:ok']);
    // validate (the strict load) still reports it, at the file's own line.
    let err: unknown;
    try {
      load(setup(tasks('RedHat'), files));
    } catch (e) {
      err = e;
    }
    expect((err as FleetError).format()).toMatch(/redhat\.yml:2:3: unknown module or keyword 'pkgng'/);
    // Reached, it fails there, with the file's problem.
    const redhat = await run(setup(tasks('Debian'), files));
    const inc = redhat.results.find((x) => x.module === 'include_tasks')!;
    expect([inc.status, inc.msg]).toEqual(['failed', expect.stringMatching(/redhat\.yml:2:3: unknown module or keyword 'pkgng'/)]);
  });

  it("engine validate prints a guarded file's problems as warnings and passes; an unguarded one still fails it", async () => {
    const files = { 'redhat.yml': '- name: rpm\n  pkgng: { name: curl }\n' };
    const guarded = setup("    - include_tasks: redhat.yml\n      when: os_family == 'RedHat'\n", files);
    let text = '';
    const code = await validateCommand([path.join(guarded, 'play.yml')], (s) => void (text += s));
    expect(code).toBe(0);
    expect(text).toMatch(
      /\nwarning: 1 problem in task files included under a `when`; a run fails on them only on a host that reaches the include:\n/,
    );
    expect(text).toMatch(/redhat\.yml:2:3: unknown module or keyword 'pkgng'/);
    expect(text).toMatch(/play\.yml: valid\n$/);
    const open = setup('    - include_tasks: redhat.yml\n', files);
    await expect(validateCommand([path.join(open, 'play.yml')], () => undefined)).rejects.toThrow(/unknown module or keyword 'pkgng'/);
  });
});
