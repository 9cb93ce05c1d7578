// The tempfile module (modules/tempfile/) on a fake host: one mktemp, the path it printed, and check mode.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { mktempCommand, tempfileModule } from '../../../../modules/tempfile/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

describe('tempfile', () => {
  it('creates a directory with mktemp -d and returns its path, always changed, reading nothing first', async () => {
    const ctx = fakeHost({ reply: '/tmp/ansible.abcd1234.test\n' });
    const p = await planModule(tempfileModule, { state: 'directory', suffix: '.test' }, ctx);
    expect(p.kind).toBe('change');
    if (p.kind !== 'change') return;
    expect(ctx.commands).toHaveLength(0);
    expect(await p.apply()).toMatchObject({ kind: 'changed', data: { path: '/tmp/ansible.abcd1234.test', state: 'directory' } });
    expect(ctx.commands).toEqual(['mktemp -d -p "${TMPDIR:-/tmp}" --suffix=.test -- ansible.XXXXXXXX']);
  });

  it('makes a file by default, in `path` with `prefix`, quoted for the shell', () => {
    expect(mktempCommand({ directory: false, path: '/var/my dir', prefix: "x'y", suffix: '' })).toBe(
      `mktemp -p '/var/my dir' -- 'x'\\''yXXXXXXXX'`,
    );
  });

  it("fails with mktemp's message when it fails", async () => {
    const ctx = fakeHost({ reply: { stdout: '', stderr: 'mktemp: failed to create directory', exitCode: 1 } });
    const p = await planModule(tempfileModule, { state: 'directory', path: '/nope' }, ctx);
    if (p.kind !== 'change') throw new Error(p.kind);
    expect(await p.apply()).toMatchObject({ kind: 'failed', msg: 'mktemp: failed to create directory' });
  });

  it('is unknown in check mode and runs nothing (Ansible skips it there)', async () => {
    const ctx = fakeHost({ check: true, reply: '' });
    const p = await planModule(tempfileModule, {}, ctx);
    expect(p.kind).toBe('unknown');
    expect(ctx.commands).toEqual([]);
  });

  it('refuses a prefix or suffix with a slash and an unknown state', () => {
    expect(checkSchema(tempfileModule.schema, { prefix: '../x' }, "module 'tempfile'")).not.toEqual([]);
    expect(checkSchema(tempfileModule.schema, { suffix: 'a/b' }, "module 'tempfile'")).not.toEqual([]);
    expect(checkSchema(tempfileModule.schema, { state: 'link' }, "module 'tempfile'")).not.toEqual([]);
    expect(checkSchema(tempfileModule.schema, { state: 'file', prefix: 'p', suffix: '.s' }, "module 'tempfile'")).toEqual([]);
  });
});
