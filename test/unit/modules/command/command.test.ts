// command and shell on the contract (#14): the creates/removes guards are probe reads (creates first), check
// mode does not run the command unless a guard settles it, and a guarded change predicts its paths.
import { describe, expect, it } from 'vitest';
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { NOT_RUN_IN_CHECK, type Plan } from '../../../../engine/types.ts';
import { commandModule } from '../../../../modules/command/index.ts';
import { shellModule } from '../../../../modules/shell/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

describe('command and shell', () => {
  it('check mode without a guard runs nothing and is unknown, with the not-run marker', async () => {
    const h = fakeHost({ check: true });
    const plan = await planModule(commandModule, { cmd: 'touch /tmp/x' }, h);
    expect(plan).toEqual({
      kind: 'unknown',
      msg: "would run 'touch /tmp/x'; its effect cannot be predicted (add creates, removes or changed_when)",
      data: { [NOT_RUN_IN_CHECK]: "check mode does not run 'touch /tmp/x'" },
    });
    expect(h.commands).toEqual([]);
  });

  it('reads creates first and skips when it exists, without reading removes', async () => {
    const h = fakeHost({ answers: [['[ -e /opt/done ]', { stdout: '' }]], reply: { stdout: '', exitCode: 1 } });
    const plan = await planModule(shellModule, { cmd: 'echo hi', creates: '/opt/done', removes: '/opt/todo' }, h);
    expect(plan).toMatchObject({
      kind: 'ok',
      msg: 'skipped, since /opt/done exists',
      data: { cmd: 'echo hi', rc: 0, skipped_by: 'skipped, since /opt/done exists' },
    });
    expect(h.commands).toEqual(['[ -e /opt/done ] || [ -L /opt/done ]']);
  });

  it('skips when removes does not exist (after creates was read)', async () => {
    const h = fakeHost({ reply: { stdout: '', exitCode: 1 } });
    const plan = await planModule(commandModule, { cmd: 'rm /opt/todo', creates: '/opt/done', removes: '/opt/todo' }, h);
    expect(plan).toMatchObject({ kind: 'ok', msg: 'skipped, since /opt/todo does not exist' });
    expect(h.commands).toEqual(['[ -e /opt/done ] || [ -L /opt/done ]', '[ -e /opt/todo ] || [ -L /opt/todo ]']);
  });

  it('check mode: a predicted path settles the guard without a read, and a guarded run predicts its paths', async () => {
    const h = fakeHost({ check: true, reply: { stdout: '', exitCode: 1 } });
    h.predicted.setFile('/opt/done', { type: 'file' });
    expect(await planModule(commandModule, { cmd: 'make', creates: '/opt/done' }, h)).toMatchObject({
      kind: 'ok',
      msg: 'skipped, since /opt/done exists',
    });
    expect(h.commands).toEqual([]);
    const plan = await planModule(commandModule, { cmd: 'make', creates: '/opt/other', removes: '/opt/done' }, h);
    expect(plan).toMatchObject({ kind: 'change', msg: 'run make', summary: [{ verb: 'run', object: 'command' }] });
    expect(h.predicted.file('/opt/other')).toEqual({ type: 'file' });
    expect(h.predicted.file('/opt/done')).toEqual({ type: 'absent' });
  });

  it('runs the command with chdir and stdin, and reports its output', async () => {
    const h = fakeHost({ reply: runLocally });
    const plan = (await planModule(shellModule, { cmd: 'cat; pwd', chdir: '/tmp', stdin: 'in' }, h)) as Extract<Plan, { kind: 'change' }>;
    expect(plan.kind).toBe('change');
    expect(h.commands).toEqual([]);
    const out = await plan.apply();
    expect(out).toMatchObject({
      kind: 'changed',
      msg: 'in',
      data: { cmd: 'cat; pwd', rc: 0, stdout: 'in\n/tmp', stdout_lines: ['in', '/tmp'] },
    });
    expect(h.calls[0]).toEqual({ command: "cd -- /tmp && /bin/sh -c 'cat; pwd'", stdin: 'in\n' });
    const failing = (await planModule(commandModule, { argv: ['sh', '-c', 'echo oops >&2; exit 3'] }, h)) as Extract<
      Plan,
      { kind: 'change' }
    >;
    expect(await failing.apply()).toMatchObject({ kind: 'failed', msg: 'non-zero return code 3: oops', data: { rc: 3 } });
  });

  it('refuses a command line whose quotes do not close before anything is read, and the look ahead takes creates', async () => {
    const h = fakeHost();
    await expect(planModule(commandModule, { cmd: "echo 'open", creates: '/x' }, h)).rejects.toThrow();
    expect(h.commands).toEqual([]);
    const stage = firstStage(commandModule, { cmd: 'make', creates: '/opt/done' }, moduleView(fakeHost()));
    expect(stage).toMatchObject({ kind: 'reads', reads: [{ command: '[ -e /opt/done ] || [ -L /opt/done ]' }] });
    expect(firstStage(commandModule, { cmd: 'make' }, moduleView(fakeHost()))).toBeUndefined();
  });
});
