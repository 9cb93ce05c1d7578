// command and shell where ansible-core's command_shell target checks Ansible's exact results: the
// refusals (rc 256), check mode's fields, chdir through a symbolic link, the free form's trailing
// newline, and `creates: yes` (a boolean where a path is expected).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { FleetError } from '../../../../engine/errors.ts';
import { loadPlaybook } from '../../../../engine/playbook/load.ts';
import type { Plan, TaskDef } from '../../../../engine/types.ts';
import { commandModule } from '../../../../modules/command/index.ts';
import { moduleRegistry } from '../../../../modules/index.ts';
import { shellModule } from '../../../../modules/shell/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'fp-command-'));

function playbook(tasks: string): string {
  const file = path.join(tmp(), 'play.yml');
  writeFileSync(file, `- hosts: all\n  tasks:\n${tasks}`);
  return file;
}

/** The loader's problems as `line:column message`, or the tasks when it accepts the playbook. */
function load(file: string): { problems: string[]; tasks: TaskDef[] } {
  try {
    return { problems: [], tasks: loadPlaybook(file, moduleRegistry).plays[0]!.tasks as TaskDef[] };
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    const rest = [...(err.excerpt ?? '').matchAll(/^\/[^\n:]+:(\d+):(\d+): (.*)$/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
    return { problems: [`${err.location?.line}:${err.location?.column} ${err.message}`, ...rest], tasks: [] };
  }
}

describe("command's and shell's refusals, as Ansible's module reports them", () => {
  it('fails with rc 256 on no command line, or on both a command line and argv, before reading anything', async () => {
    for (const [args, msg] of [
      [{ chdir: '/' }, 'no command given'],
      [{ cmd: '   ' }, 'no command given'],
      [{ cmd: 'echo testing', argv: ['echo', 'testing'] }, 'only command or argv can be given, not both'],
    ] as const) {
      const h = fakeHost();
      expect(await planModule(commandModule, args, h)).toEqual({
        kind: 'failed',
        msg,
        data: { rc: 256, cmd: null, stdout: '', stderr: '', start: null, end: null, delta: null },
      });
      expect(h.commands).toEqual([]);
    }
  });

  it("fails shell's expand_argument_vars with Ansible's message", async () => {
    const h = fakeHost();
    expect(await planModule(shellModule, { cmd: "echo 'hi'", expand_argument_vars: false }, h)).toEqual({
      kind: 'failed',
      msg: 'Unsupported parameters for (shell) module: expand_argument_vars',
    });
    expect(h.commands).toEqual([]);
  });

  it('validate refuses them on a task not written to fail, and lets one written to fail run', () => {
    const refused = load(
      playbook(`    - command:
      args: { chdir: / }
    - command: echo hi
      args: { argv: [echo] }
    - shell: echo hi
      args: { expand_argument_vars: false }
`),
    );
    expect(refused.problems).toEqual([
      '3:15 command: no command given (neither a command line nor argv)',
      '6:15 command: only command or argv can be given, not both',
      "8:15 shell takes no 'expand_argument_vars' (command's only)",
    ]);
    const meant = load(
      playbook(`    - command:
      args: { chdir: / }
      ignore_errors: true
    - shell: echo hi
      args: { expand_argument_vars: false }
      failed_when: false
`),
    );
    expect(meant.problems).toEqual([]);
    expect(meant.tasks.map((t) => t.argumentProblem)).toEqual([undefined, undefined]);
  });
});

describe('check mode, with the fields Ansible registers', () => {
  it('an unguarded command is unknown to fleetplay, registered as skipped with rc 0 and Ansible message', async () => {
    const plan = await planModule(shellModule, { cmd: 'true' }, fakeHost({ check: true }));
    expect(plan).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(/^Command would have run if not in check mode \('true'\)/),
      data: { cmd: 'true', rc: 0, skipped: true },
    });
  });

  it('a guarded command that would run says so, with rc 0 and without skipped', async () => {
    const plan = await planModule(
      commandModule,
      { cmd: 'true', creates: path.join(tmp(), 'none') },
      fakeHost({ check: true, reply: runLocally }),
    );
    expect(plan).toMatchObject({ kind: 'change', msg: 'Command would have run if not in check mode', data: { cmd: ['true'], rc: 0 } });
    expect((plan as { data: object }).data).not.toHaveProperty('skipped');
  });
});

describe('arguments as Ansible converts and splits them', () => {
  it('creates: yes is the path True (relative to the working directory), so a command in check mode would run', () => {
    const { problems, tasks } = load(playbook(`    - command: { cmd: 'true', creates: yes }\n`));
    expect(problems).toEqual([]);
    expect(tasks[0]?.args).toEqual({ cmd: 'true', creates: 'True' });
  });

  it("keeps a block's trailing newline in shell's command line, and the options' lines out of it", () => {
    const { tasks } = load(
      playbook(`    - shell: |
        executable="/bin/bash"
        creates=/tmp/afile.txt
        echo "test"
`),
    );
    expect(tasks[0]?.args).toEqual({ cmd: 'echo "test"\n', executable: '/bin/bash', creates: '/tmp/afile.txt' });
  });

  it('changes into chdir as os.chdir does: $PWD is the physical directory, not the link', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'www_root', 'site'), { recursive: true });
    symlinkSync(path.join(d, 'www_root'), path.join(d, 'www'));
    const h = fakeHost({ reply: runLocally });
    const plan = (await planModule(shellModule, { cmd: 'dirname "$PWD"', chdir: path.join(d, 'www', 'site') }, h)) as Extract<
      Plan,
      { kind: 'change' }
    >;
    const out = await plan.apply();
    expect(out.data?.stdout).toBe(path.join(d, 'www_root'));
  });
});
