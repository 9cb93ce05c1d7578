// template's backup and validate, on a real shell: the rendered file is validated before the rename, the old one backed up.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { templateModule } from '../../../../modules/template/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

function setup(template: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-template-bv-'));
  const src = path.join(dir, 'src.j2');
  writeFileSync(src, template);
  // The controller's template and the host's dest share the directory (both are this machine).
  const dest = path.join(dir, 'dest.conf');
  return { dir, src, dest };
}

async function run(args: Record<string, unknown>, x: string) {
  const h = fakeHost({ reply: runLocally, renderFile: (text) => text.replace('{{ x }}', x) });
  const plan = await planModule(templateModule, args, h);
  return plan.kind === 'change' ? plan.apply() : plan;
}

describe('template backup and validate', () => {
  it('backs up the old file and reports backup_file; a rejected render leaves dest as it was', async () => {
    const { dir, src, dest } = setup('x={{ x }}\n');
    writeFileSync(dest, 'x=0\n');
    const validate = 'grep -q ^x=[0-9] %s';
    const out = await run({ src, dest, backup: true, validate }, '1');
    expect(out).toMatchObject({
      kind: 'changed',
      data: { backup_file: expect.stringMatching(/dest\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/) },
    });
    const backup = String(out.data?.backup_file);
    expect(readFileSync(backup, 'utf8')).toBe('x=0\n');
    expect(readFileSync(dest, 'utf8')).toBe('x=1\n');
    expect(await run({ src, dest, validate }, 'oops')).toMatchObject({
      kind: 'failed',
      msg: 'failed to validate',
      data: { exit_status: 1 },
    });
    expect(readFileSync(dest, 'utf8')).toBe('x=1\n');
    expect(readdirSync(dir).sort()).toEqual([path.basename(backup), 'dest.conf', 'src.j2'].sort());
  });

  it('refuses validate without %s when the render changes dest', async () => {
    const { src, dest } = setup('x={{ x }}\n');
    writeFileSync(dest, 'x=0\n');
    expect(await run({ src, dest, validate: 'true' }, '2')).toMatchObject({ kind: 'failed', msg: 'validate must contain %s: true' });
    expect(readFileSync(dest, 'utf8')).toBe('x=0\n');
  });
});

describe('template validate left empty', () => {
  it("is no validation, as Ansible reads ''", async () => {
    const { src, dest } = setup('x={{ x }}\n');
    expect(await run({ src, dest, validate: '' }, '3')).toMatchObject({ kind: 'changed' });
    expect(readFileSync(dest, 'utf8')).toBe('x=3\n');
  });
});

describe('template output_encoding and follow', () => {
  it('writes the rendered text in output_encoding, and refuses an encoding it does not know', async () => {
    const { src, dest } = setup('x={{ x }}\n');
    expect(await run({ src, dest, output_encoding: 'latin-1' }, 'é')).toMatchObject({ kind: 'changed' });
    expect(readFileSync(dest).equals(Buffer.from('x=\xe9\n', 'latin1'))).toBe(true);
    expect(await run({ src, dest, output_encoding: 'ISO-8859-1' }, 'é')).toMatchObject({ kind: 'ok' });
    await expect(run({ src, dest, output_encoding: 'ebcdic-x' }, 'é')).rejects.toThrow(/unknown encoding: ebcdic-x/);
  });

  it('writes through a symlink with follow: true, and replaces the link without it', async () => {
    const { dir, src } = setup('x={{ x }}\n');
    const target = path.join(dir, 'real.conf');
    writeFileSync(target, 'x=0\n');
    const link = path.join(dir, 'link.conf');
    symlinkSync(target, link);
    expect(await run({ src, dest: link, follow: true }, '1')).toMatchObject({ kind: 'changed', data: { dest: target } });
    expect(readFileSync(target, 'utf8')).toBe('x=1\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await run({ src, dest: link }, '2')).toMatchObject({ kind: 'changed' });
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('x=1\n');
  });
});
