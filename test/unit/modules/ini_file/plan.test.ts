// ini_file end to end on this machine (the fake host runs its commands locally in a temp directory):
// probe, decide, the atomic write, backups, links, and check mode predicting exactly what the real run does.
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { Plan } from '../../../../engine/types.ts';
import { iniFileModule } from '../../../../modules/ini_file/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fleetplay-ini-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: Record<string, unknown>, check = false, predicted = createPredictedState()) => {
  const host = fakeHost({ check, predicted, reply: runLocally });
  return { plan: planModule(iniFileModule, args, host), host };
};
async function applied(p: Promise<Plan>): Promise<Plan> {
  const plan = await p;
  if (plan.kind === 'change') expect(await plan.apply()).toMatchObject({ kind: 'changed' });
  return plan;
}

describe('ini_file on a host', () => {
  it('creates a missing file (and its directories) before the first section, the alvistack way, then is ok', async () => {
    const file = path.join(dir, 'modprobe.d', 'sub', 'containerd.conf');
    const args = { path: file, section: null, option: 'options overlay', value: 'metacopy=off', no_extra_spaces: true };
    // check mode first: a change, the directories and the file predicted, nothing written
    const predicted = createPredictedState();
    const check = await run(args, true, predicted).plan;
    expect(check).toMatchObject({ kind: 'change', diff: [{ header: file, before: '', after: 'options overlay=metacopy=off\n\n' }] });
    expect(predicted.file(path.join(dir, 'modprobe.d'))).toMatchObject({ type: 'directory' });
    expect(predicted.file(file)).toMatchObject({ type: 'file', content: 'options overlay=metacopy=off\n\n', mode: '0644' });
    expect(readdirSync(dir)).toEqual([]);
    // the real run does what check mode said
    await applied(run(args).plan);
    expect(readFileSync(file, 'utf8')).toBe('options overlay=metacopy=off\n\n');
    expect((statSync(file).mode & 0o7777).toString(8)).toBe('644');
    const again = run(args);
    expect(await again.plan).toMatchObject({ kind: 'ok' });
    expect(again.host.commands).toHaveLength(1);
  });

  it('changes a value in place with a content diff, and sets the mode', async () => {
    const file = path.join(dir, 'x.ini');
    writeFileSync(file, '[drinks]\nfav = lemonade\n', { mode: 0o644 });
    const plan = await applied(run({ path: file, section: 'drinks', option: 'fav', value: 'coke', mode: '0600' }).plan);
    expect(plan).toMatchObject({
      kind: 'change',
      diff: [
        { header: file, before: '[drinks]\nfav = lemonade\n', after: '[drinks]\nfav = coke\n' },
        { header: `mode of ${file}`, before: '0644', after: '0600' },
      ],
    });
    expect(readFileSync(file, 'utf8')).toBe('[drinks]\nfav = coke\n');
    expect((statSync(file).mode & 0o7777).toString(8)).toBe('600');
  });

  it('check mode: a second task reads what the first would leave', async () => {
    const file = path.join(dir, 'x.ini');
    writeFileSync(file, '[a]\n');
    const predicted = createPredictedState();
    expect((await run({ path: file, section: 'a', option: 'k', value: '1' }, true, predicted).plan).kind).toBe('change');
    const second = run({ path: file, section: 'a', option: 'j', value: '2' }, true, predicted);
    expect(await second.plan).toMatchObject({ kind: 'change', diff: [{ before: '[a]\nk = 1\n', after: '[a]\nk = 1\nj = 2\n' }] });
    expect(second.host.commands).toHaveLength(0);
    expect(readFileSync(file, 'utf8')).toBe('[a]\n');
  });

  it('fails on a missing file with create: false, and is ok removing from a missing file (creating nothing)', async () => {
    const file = path.join(dir, 'none.ini');
    expect(await run({ path: file, section: 'a', option: 'k', value: '1', create: false }).plan).toMatchObject({
      kind: 'failed',
      msg: `Destination ${file} does not exist!`,
    });
    expect(await run({ path: file, section: 'a', option: 'k', state: 'absent' }).plan).toMatchObject({ kind: 'ok' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces a link by a file unless follow, which writes through it', async () => {
    const real = path.join(dir, 'real.ini');
    const link = path.join(dir, 'link.ini');
    writeFileSync(real, '[main]\nfoo=BAR\n');
    symlinkSync('real.ini', link);
    await applied(run({ path: link, section: 'main', option: 'proxy', value: 'p', follow: true }).plan);
    expect(readlinkSync(link)).toBe('real.ini');
    expect(readFileSync(real, 'utf8')).toBe('[main]\nfoo=BAR\nproxy = p\n');
    await applied(run({ path: link, section: 'main', option: 'other', value: 'o' }).plan);
    expect(() => readlinkSync(link)).toThrow();
    expect(readFileSync(real, 'utf8')).toBe('[main]\nfoo=BAR\nproxy = p\n');
    expect(readFileSync(link, 'utf8')).toBe('[main]\nfoo=BAR\nproxy = p\nother = o\n');
  });

  it('backs the old file up as <path>.<pid>.<date>~ and returns backup_file', async () => {
    const file = path.join(dir, 'x.ini');
    writeFileSync(file, '[a]\nk = 1\n');
    const plan = await run({ path: file, section: 'a', option: 'k', value: '2', backup: true }).plan;
    if (plan.kind !== 'change') throw new Error(`expected a change, got ${plan.kind}`);
    const out = await plan.apply();
    const backup = String((out.data as Record<string, unknown> | undefined)?.backup_file);
    expect(backup).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(backup, 'utf8')).toBe('[a]\nk = 1\n');
    expect(readFileSync(file, 'utf8')).toBe('[a]\nk = 2\n');
  });

  it('fails on a directory and refuses a multi-line value or both value and values at validation', async () => {
    expect(await run({ path: dir, option: 'k', value: '1' }).plan).toMatchObject({
      kind: 'failed',
      msg: expect.stringContaining('not a regular file'),
    });
    const bad = (args: Record<string, unknown>) => checkSchema(iniFileModule.schema, { path: '/x', ...args }, "module 'ini_file'");
    expect(bad({ option: 'k', value: 'a\nb' })).not.toEqual([]);
    expect(bad({ option: 'k', value: 'a', values: ['b'] })).not.toEqual([]);
    expect(bad({ section: null, option: 'k', value: 1 })).toEqual([]);
  });
});

describe("ini_file's result message", () => {
  it("is Ansible's msg, in check mode and in the real run", async () => {
    const file = path.join(dir, 'x.ini');
    writeFileSync(file, '[a]\nk = 1\n');
    expect(await run({ path: file, section: 'a', option: 'k', value: '1' }).plan).toMatchObject({ kind: 'ok', msg: 'OK' });
    expect(await run({ path: file, section: 'a', option: 'j', value: '2' }, true).plan).toMatchObject({
      kind: 'change',
      msg: 'option added',
    });
    const plan = await run({ path: file, section: 'a', option: 'k', value: '3' }).plan;
    if (plan.kind !== 'change') throw new Error(`expected a change, got ${plan.kind}`);
    expect(await plan.apply()).toMatchObject({ kind: 'changed', msg: 'option changed', data: { path: file } });
  });
});
