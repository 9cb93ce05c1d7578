// lineinfile's and replace's backup, validate, encoding and path aliases, on a real shell.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import { lineinfileModule } from '../../../../modules/lineinfile/index.ts';
import { lineinfileSchema } from '../../../../modules/lineinfile/schema.ts';
import { replaceModule, replaceSchema } from '../../../../modules/replace/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

function file(content: string | Buffer): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-lines-'));
  const f = path.join(dir, 'x.conf');
  writeFileSync(f, content);
  return { dir, file: f };
}

// biome-ignore lint/suspicious/noExplicitAny: either module
async function run(mod: any, args: Record<string, unknown>, check = false) {
  const h = fakeHost({ reply: runLocally, check });
  const plan = await planModule(mod, args, h);
  return plan.kind === 'change' && !check ? plan.apply() : plan;
}

const BACKUP = /x\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/;

describe('lineinfile backup and validate', () => {
  it('copies the file aside before a change and reports it as `backup`, with Ansible message', async () => {
    const { dir, file: f } = file('a=1\n');
    const out = await run(lineinfileModule, { path: f, regexp: '^a=', line: 'a=2', backup: true });
    expect(out).toMatchObject({ kind: 'changed', msg: 'line replaced', data: { backup: expect.stringMatching(BACKUP) } });
    expect(readFileSync(String(out.data?.backup), 'utf8')).toBe('a=1\n');
    expect(readFileSync(f, 'utf8')).toBe('a=2\n');
    // No change: no second copy.
    expect(await run(lineinfileModule, { path: f, regexp: '^a=', line: 'a=2', backup: true })).toMatchObject({ kind: 'ok' });
    expect(readdirSync(dir).filter((n) => n.includes('~'))).toHaveLength(1);
  });

  it('writes only when validate passes, and fails with Ansible words and the file untouched otherwise', async () => {
    const { file: f } = file('a=1\n');
    const ok = await run(lineinfileModule, { path: f, line: 'b=2', validate: 'grep -q ^b= %s' });
    expect(ok).toMatchObject({ kind: 'changed', msg: 'line added' });
    expect(readFileSync(f, 'utf8')).toBe('a=1\nb=2\n');
    const bad = await run(lineinfileModule, { path: f, line: 'c=3', validate: "sh -c 'echo nope >&2; exit 4' x %s" });
    expect(bad).toMatchObject({ kind: 'failed', msg: 'failed to validate: rc:4 error:nope' });
    expect(readFileSync(f, 'utf8')).toBe('a=1\nb=2\n');
  });

  it('fails in check mode too when validate has no %s, and only when the content changes', async () => {
    const { file: f } = file('a=1\n');
    expect(await run(lineinfileModule, { path: f, line: 'b', validate: 'true' }, true)).toMatchObject({
      kind: 'failed',
      msg: 'validate must contain %s: true',
    });
    expect(await run(lineinfileModule, { path: f, line: 'a=1', validate: 'true' }, true)).toMatchObject({ kind: 'ok' });
  });

  it("says Ansible's words for a missing file and for attributes", async () => {
    const { dir, file: f } = file('a=1\n');
    expect(await run(lineinfileModule, { path: path.join(dir, 'none'), line: 'a' })).toMatchObject({
      kind: 'failed',
      msg: `Destination ${path.join(dir, 'none')} does not exist !`,
    });
    expect(await run(lineinfileModule, { path: dir, line: 'a' })).toMatchObject({ kind: 'failed', msg: `Path ${dir} is a directory !` });
    expect(await run(replaceModule, { path: dir, regexp: 'a' })).toMatchObject({ kind: 'failed', msg: `Path ${dir} is a directory !` });
    expect(await run(lineinfileModule, { path: f, line: 'b', mode: '0600' }, true)).toMatchObject({
      msg: 'line added and ownership, perms or SE linux context changed',
    });
  });

  it("renames Ansible's other names of path, line and regexp", () => {
    expect(canonicalArgs(lineinfileSchema, { destfile: '/a', value: 'x', regex: '^x' }).args).toEqual({
      path: '/a',
      line: 'x',
      regexp: '^x',
    });
    expect(canonicalArgs(lineinfileSchema, { name: '/a', line: 'x' }).args).toEqual({ path: '/a', line: 'x' });
    expect(canonicalArgs(replaceSchema, { dest: '/a', regexp: 'x' }).args).toEqual({ path: '/a', regexp: 'x' });
    expect(canonicalArgs(replaceSchema, { path: '/a', name: '/b', regexp: 'x' }).problems).toHaveLength(1);
  });
});

describe('replace backup, validate and encoding', () => {
  it('reports `backup_file` and "N replacements made"', async () => {
    const { file: f } = file('a 1\nb 1\n');
    const out = await run(replaceModule, { path: f, regexp: '1', replace: '2', backup: true });
    expect(out).toMatchObject({ kind: 'changed', msg: '2 replacements made', data: { backup_file: expect.stringMatching(BACKUP) } });
    expect(readFileSync(String(out.data?.backup_file), 'utf8')).toBe('a 1\nb 1\n');
    expect(readFileSync(f, 'utf8')).toBe('a 2\nb 2\n');
  });

  it('keeps the file when validate fails (the backup is made first, as in Ansible)', async () => {
    const { dir, file: f } = file('a 1\n');
    const out = await run(replaceModule, { path: f, regexp: '1', replace: '2', backup: true, validate: 'grep -q 3 %s' });
    expect(out).toMatchObject({ kind: 'failed', msg: 'failed to validate: rc:1 error:' });
    expect(readFileSync(f, 'utf8')).toBe('a 1\n');
    expect(readdirSync(dir).filter((n) => n.includes('~'))).toHaveLength(1);
  });

  it('reads and writes latin-1 and utf-16, and refuses an unknown encoding and text it cannot hold', async () => {
    const { file: f } = file(Buffer.from('caf\xe9 = 1\n', 'latin1'));
    expect(await run(replaceModule, { path: f, regexp: 'é = 1', replace: 'é = 2', encoding: 'latin-1' })).toMatchObject({
      kind: 'changed',
    });
    expect(readFileSync(f).equals(Buffer.from('caf\xe9 = 2\n', 'latin1'))).toBe(true);
    expect(await run(replaceModule, { path: f, regexp: '2', replace: '€', encoding: 'ISO-8859-1' })).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/cannot write .* as latin-1/),
    });
    const u = file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('k=v\n', 'utf16le')]));
    expect(await run(replaceModule, { path: u.file, regexp: 'v', replace: 'w', encoding: 'utf-16' })).toMatchObject({ kind: 'changed' });
    expect(readFileSync(u.file).equals(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('k=w\n', 'utf16le')]))).toBe(true);
    await expect(run(replaceModule, { path: f, regexp: 'x', encoding: 'klingon' })).rejects.toThrow(/unknown encoding: klingon/);
  });
});
