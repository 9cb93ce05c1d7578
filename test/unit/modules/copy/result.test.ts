// copy's result fields (Ansible's checksum, md5sum and path info); its dest, and src with remote_src, are expanded on the host as Ansible's `path` arguments
// ($VAR, ${VAR}, a leading ~), by one read-only command; paths without them are sent as written.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-expand-'));

describe('copy path expansion', () => {
  afterEach(() => {
    delete process.env.FP_COPY_DIR;
  });

  it('expands $VAR and ${VAR} in a host src and in dest, on the host', async () => {
    process.env.FP_COPY_DIR = dir;
    writeFileSync(path.join(dir, 'src.txt'), 'from host\n');
    const h = fakeHost({ reply: runLocally });
    const plan = await planModule(copyModule, { src: '$FP_COPY_DIR/src.txt', remote_src: true, dest: '${FP_COPY_DIR}/dest.txt' }, h);
    expect(plan).toMatchObject({ kind: 'change' });
    if (plan.kind === 'change') await plan.apply();
    expect(readFileSync(path.join(dir, 'dest.txt'), 'utf8')).toBe('from host\n');
    expect(existsSync(path.join(process.cwd(), '$FP_COPY_DIR'))).toBe(false);
  });

  it('expands a leading ~ to the home of the user the module runs as, and leaves an unset variable as written', async () => {
    const h = fakeHost({ reply: runLocally, check: true });
    const plan = await planModule(copyModule, { content: 'x', dest: '~/fp-never-written/$FP_UNSET_VAR/f' }, h);
    expect(plan.msg).toBe(`Destination directory ${os.homedir()}/fp-never-written/$FP_UNSET_VAR does not exist`);
  });

  it('sends no expansion read for plain paths', async () => {
    const h = fakeHost({ reply: 'type=absent\n' });
    await planModule(copyModule, { content: 'x', dest: '/etc/plain.conf' }, h);
    expect(h.commands.some((c) => c.includes('fp_tilde'))).toBe(false);
  });
});

describe('copy result fields', () => {
  it('reports the SHA1, the MD5 of written content and the file’s path info, as Ansible’s copy', async () => {
    const dest = path.join(dir, 'result.txt');
    const h = fakeHost({ reply: runLocally });
    const plan = await planModule(copyModule, { content: 'foo.txt\n', dest, mode: '0547' }, h);
    if (plan.kind !== 'change') throw new Error(plan.msg);
    const done = await plan.apply();
    const ids = { uid: process.getuid?.(), gid: process.getgid?.() };
    expect(done.data).toMatchObject({
      dest,
      checksum: createHash('sha1').update('foo.txt\n').digest('hex'),
      md5sum: createHash('md5').update('foo.txt\n').digest('hex'),
      mode: '0547',
      size: 8,
      state: 'file',
      ...ids,
    });
    // Nothing to do: the same fields from what the probe read, without md5sum.
    const again = await planModule(copyModule, { content: 'foo.txt\n', dest, mode: '0547' }, fakeHost({ reply: runLocally }));
    expect(again).toMatchObject({ kind: 'ok', data: { mode: '0547', size: 8, state: 'file', ...ids } });
    expect(again.data).not.toHaveProperty('md5sum');
  });
});

describe('copy result fields of a src copy', () => {
  it('names the controller src, and reports a host copy’s resulting mode', async () => {
    const src = path.join(dir, 'src-for-result.txt');
    writeFileSync(src, 'foo.txt\n');
    const plan = await planModule(copyModule, { src, dest: path.join(dir, 'r1') }, fakeHost({ reply: runLocally }));
    expect(plan.data).toMatchObject({ src });
    const remote = await planModule(
      copyModule,
      { src, dest: path.join(dir, 'r2'), remote_src: true, mode: '0547' },
      fakeHost({ reply: runLocally }),
    );
    if (remote.kind !== 'change') throw new Error(remote.msg);
    expect((await remote.apply()).data).toMatchObject({ mode: '0547', state: 'file', size: 8 });
  });
});

describe('copy with an empty src', () => {
  it('fails as Ansible’s action does, before reading anything', async () => {
    const h = fakeHost({ reply: runLocally });
    expect(await planModule(copyModule, { src: '', dest: dir }, h)).toMatchObject({ kind: 'failed', msg: 'src (or content) is required' });
    expect(h.commands).toEqual([]);
  });
});
