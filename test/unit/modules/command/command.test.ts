// command and shell as Ansible's command module runs them: chdir, creates/removes (globs, relative to
// chdir, read in one probe stage), check mode, stdin_add_newline, strip_empty_ends, expand_argument_vars,
// argv and executable; on a real shell where the host matters.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { NOT_RUN_IN_CHECK, type Plan } from '../../../../engine/types.ts';
import { commandModule } from '../../../../modules/command/index.ts';
import { shellModule } from '../../../../modules/shell/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'fp-command-'));

// biome-ignore lint/suspicious/noExplicitAny: either module
async function run(mod: any, args: Record<string, unknown>, check = false) {
  const h = fakeHost({ reply: runLocally, check });
  const plan = await planModule(mod, args, h);
  return { plan, out: plan.kind === 'change' && !check ? await plan.apply() : undefined, h };
}

describe('command and shell', () => {
  it('check mode without a guard runs nothing and is unknown, with the not-run marker', async () => {
    const h = fakeHost({ check: true });
    const plan = await planModule(commandModule, { cmd: 'touch /tmp/x' }, h);
    expect(plan).toEqual({
      kind: 'unknown',
      msg: "Command would have run if not in check mode ('touch /tmp/x'); its effect cannot be predicted (add creates, removes or changed_when)",
      data: { cmd: ['touch', '/tmp/x'], rc: 0, skipped: true, [NOT_RUN_IN_CHECK]: "check mode does not run 'touch /tmp/x'" },
    });
    expect(h.commands).toEqual([]);
  });

  it("skips on creates (a glob, relative to chdir) in one read, with Ansible's words", async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'done.1'), '');
    const { plan, h } = await run(shellModule, { cmd: 'echo hi', chdir: d, creates: 'done.*', removes: 'nothing' });
    expect(plan).toEqual({
      kind: 'ok',
      msg: "Did not run command since 'done.*' exists",
      data: {
        cmd: 'echo hi',
        rc: 0,
        stdout: 'skipped, since done.* exists',
        stderr: '',
        stdout_lines: ['skipped, since done.* exists'],
        stderr_lines: [],
      },
    });
    expect(h.commands).toHaveLength(1);
    const removes = await run(commandModule, { cmd: 'rm x', chdir: d, creates: 'none.*', removes: 'gone' }, true);
    expect(removes.plan).toMatchObject({ kind: 'ok', msg: "Would not run command since 'gone' does not exist" });
    // A pattern that matches runs it: check mode predicts the change.
    expect((await run(commandModule, { cmd: 'rm x', chdir: d, removes: 'done.?' }, true)).plan).toMatchObject({ kind: 'change' });
  });

  it('check mode: a predicted path settles the guard, and a guarded run predicts its literal paths', async () => {
    const h = fakeHost({ check: true, reply: runLocally });
    h.predicted.setFile('/opt/done', { type: 'file' });
    expect(await planModule(commandModule, { cmd: 'make', creates: '/opt/done' }, h)).toMatchObject({
      kind: 'ok',
      msg: "Would not run command since '/opt/done' exists",
    });
    const plan = await planModule(commandModule, { cmd: 'make', chdir: '/opt', creates: 'other', removes: '/opt/done' }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: 'Command would have run if not in check mode',
      summary: [{ verb: 'run', object: 'command' }],
      data: { cmd: ['make'], rc: 0 },
    });
    expect(h.predicted.file('/opt/other')).toEqual({ type: 'file' });
    expect(h.predicted.file('/opt/done')).toEqual({ type: 'absent' });
  });

  it('fails on a missing chdir: in the probe with a guard (check mode too), else at the run', async () => {
    const missing = path.join(tmp(), 'nope');
    for (const check of [true, false]) {
      expect((await run(commandModule, { cmd: 'true', chdir: missing, creates: '/x' }, check)).plan).toMatchObject({
        kind: 'failed',
        msg: 'Unable to change directory before execution.',
      });
    }
    // Check mode reads chdir even without a guard (the real run leaves it to the run).
    expect((await run(shellModule, { cmd: 'true', chdir: missing }, true)).plan).toMatchObject({
      kind: 'failed',
      msg: 'Unable to change directory before execution.',
    });
    expect((await run(shellModule, { cmd: 'true', chdir: os.tmpdir() }, true)).plan).toMatchObject({ kind: 'unknown' });
    const { out } = await run(commandModule, { cmd: 'true', chdir: missing });
    expect(out).toMatchObject({ kind: 'failed', msg: expect.stringMatching(/^Unable to change directory before execution\. /) });
  });

  it('check mode: a chdir an earlier task creates holds only what is predicted; one it removes fails; an opaque task makes it unknown', async () => {
    const missing = path.join(tmp(), 'made');
    const h = fakeHost({ check: true, reply: runLocally });
    h.predicted.setFile(missing, { type: 'directory' });
    expect(await planModule(commandModule, { cmd: 'make', chdir: missing, creates: 'out' }, h)).toMatchObject({ kind: 'change' });
    h.predicted.setFile(path.join(missing, 'out'), { type: 'file' });
    expect(await planModule(commandModule, { cmd: 'make', chdir: missing, creates: 'out' }, h)).toMatchObject({ kind: 'ok' });
    expect(await planModule(commandModule, { cmd: 'make', chdir: missing, removes: 'in' }, h)).toMatchObject({
      kind: 'ok',
      msg: "Would not run command since 'in' does not exist",
    });
    h.predicted.setFile(missing, { type: 'absent' });
    expect(await planModule(commandModule, { cmd: 'make', chdir: missing }, h)).toMatchObject({ kind: 'failed' });
    const after = fakeHost({ check: true, reply: runLocally });
    after.predicted.markOpaque('Unpack the sources.');
    expect(await planModule(commandModule, { cmd: 'make', chdir: path.join(missing, 'x'), creates: 'out' }, after)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringContaining("'Unpack the sources.'"),
    });
  });

  it('sends stdin with a newline unless stdin_add_newline is false, and strips trailing newlines unless strip_empty_ends is false', async () => {
    const d = tmp();
    const { out, h } = await run(shellModule, { cmd: 'od -c; pwd; printf "\\n\\n"', chdir: d, stdin: 'in' });
    expect(h.calls[0]?.stdin).toBe('in\n');
    expect(out).toMatchObject({
      kind: 'changed',
      data: { cmd: 'od -c; pwd; printf "\\n\\n"', rc: 0, stdout: expect.stringContaining('i   n  \\n\n') },
    });
    expect(String(out?.data?.stdout).endsWith(d)).toBe(true);
    const raw = await run(shellModule, { cmd: 'cat; printf "\\n\\n"', stdin: 'in', stdin_add_newline: false, strip_empty_ends: false });
    expect(raw.h.calls[0]?.stdin).toBe('in');
    expect(raw.out).toMatchObject({ data: { stdout: 'in\n\n', stdout_lines: ['in', ''], delta: expect.stringMatching(/^0:00:0\d/) } });
    const failing = await run(commandModule, { argv: ['sh', '-c', 'echo oops >&2; exit 3'] });
    expect(failing.out).toMatchObject({
      kind: 'failed',
      msg: 'non-zero return code 3: oops',
      data: { rc: 3, cmd: ['sh', '-c', 'echo oops >&2; exit 3'] },
    });
  });

  it('expands $VARS and ~ in each word on the host (expand_argument_vars), never through a shell', async () => {
    const home = process.env.HOME ?? '';
    const argv = ['printf', '%s|', '$HOME', '${HOME}/a b', '~/x', '$NO_SUCH_VAR', '$(id)', "it's"];
    const { out } = await run(commandModule, { argv });
    expect(out?.data?.stdout).toBe(`${home}|${home}/a b|${home.replace(/\/+$/, '')}/x|$NO_SUCH_VAR|$(id)|it's|`);
    const literal = await run(commandModule, { cmd: "printf '%s|' $HOME ~", expand_argument_vars: false });
    expect(literal.out?.data?.stdout).toBe('$HOME|~|');
  });

  it('runs shell under executable; command ignores it with Ansible warning', async () => {
    const bash = await run(shellModule, { cmd: 'echo ${BASH_VERSION:+bash}', executable: '/bin/bash' });
    expect(bash.out?.data?.stdout).toBe('bash');
    const cmd = await run(commandModule, { cmd: 'echo hi', executable: '/bin/bash' });
    expect(cmd.out).toMatchObject({
      kind: 'changed',
      data: {
        stdout: 'hi',
        warnings: [
          "As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bin/bash'.",
        ],
      },
    });
  });

  it('refuses a command line whose quotes do not close before anything is read, and the look ahead takes the guard read', async () => {
    const h = fakeHost();
    await expect(planModule(commandModule, { cmd: "echo 'open", creates: '/x' }, h)).rejects.toThrow();
    expect(h.commands).toEqual([]);
    const stage = firstStage(commandModule, { cmd: 'make', creates: '/opt/done' }, moduleView(fakeHost()));
    expect(stage).toMatchObject({ kind: 'reads', reads: [{ command: expect.stringContaining('fp_p=/opt/done\nif fp_match') }] });
    expect(firstStage(commandModule, { cmd: 'make' }, moduleView(fakeHost()))).toBeUndefined();
  });

  it('keeps a relative chdir starting with - an operand', async () => {
    const d = tmp();
    mkdirSync(path.join(d, '-P'));
    const h = fakeHost();
    const plan = (await planModule(commandModule, { cmd: 'pwd', chdir: '-P' }, h)) as Extract<Plan, { kind: 'change' }>;
    await plan.apply();
    expect(h.commands[0]).toMatch(/^cd -P -- \.\/-P \|\| /);
  });
});
