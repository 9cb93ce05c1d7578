// copy on the module contract: literal content, a controller src, a dest ending in '/', and what is read when.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { sha256 } from '../../../../modules/lib/fileContent.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-'));
const src = path.join(dir, 'app.conf');
writeFileSync(src, 'a=1\n');
mkdirSync(path.join(dir, 'sub'));

const file = (content: string, mode = '644') =>
  `type=file\nmode=${mode}\nowner=root\ngroup=root\nsize=${content.length}\nchecksum=${sha256(content)}\n`;
const directory = 'type=directory\nmode=755\nowner=root\ngroup=root\n';

describe('copy', () => {
  it('is ok in one read when the bytes and attributes match', async () => {
    const h = fakeHost({ reply: file('a=1\n') });
    expect(await planModule(copyModule, { content: 'a=1\n', dest: '/etc/a.conf' }, h)).toMatchObject({
      kind: 'ok',
      msg: '/etc/a.conf is up to date',
    });
    expect(h.commands).toHaveLength(1);
  });

  it('fixes attribute drift alone with chmod, without an upload', async () => {
    const h = fakeHost({ reply: file('a=1\n', '600') });
    const plan = await planModule(copyModule, { content: 'a=1\n', dest: '/etc/a.conf', mode: '0644' }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: 'set mode of /etc/a.conf',
      diff: [{ header: 'mode of /etc/a.conf', before: '0600', after: '0644' }],
    });
    if (plan.kind !== 'change') return;
    expect(await plan.apply()).toMatchObject({ kind: 'changed', msg: 'set mode of /etc/a.conf' });
    expect(h.commands[1]).toBe('chmod -- 0644 /etc/a.conf');
  });

  it('reads the host text for the diff of a changed file, and leaves an existing file alone with force: false', async () => {
    const h = fakeHost({ reply: (c) => (c.startsWith('cat ') ? 'a=0\n' : file('a=0\n')) });
    expect(await planModule(copyModule, { content: 'a=1\n', dest: '/etc/a.conf' }, h)).toMatchObject({
      kind: 'change',
      msg: 'update /etc/a.conf (4 bytes)',
      diff: [{ header: '/etc/a.conf', before: 'a=0\n', after: 'a=1\n' }],
    });
    const kept = fakeHost({ reply: file('a=0\n') });
    expect(await planModule(copyModule, { content: 'a=1\n', dest: '/etc/a.conf', force: false }, kept)).toMatchObject({
      kind: 'ok',
      msg: '/etc/a.conf exists and force is false',
    });
    expect(kept.commands).toHaveLength(1);
  });

  it('copies a controller file into a dest ending in / and creates the missing directories', async () => {
    const h = fakeHost({ reply: (c) => (c.includes('/opt/app') ? 'type=absent\n' : directory) });
    const plan = await planModule(copyModule, { src, dest: '/opt/app/etc/' }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: 'create /opt/app/etc/app.conf (4 bytes)',
      // Ansible's result: the SHA1 and MD5 of the content, and the path info the new file will have.
      data: {
        dest: '/opt/app/etc/app.conf',
        checksum: createHash('sha1').update('a=1\n').digest('hex'),
        md5sum: createHash('md5').update('a=1\n').digest('hex'),
        mode: '0644',
        owner: 'root',
        state: 'file',
      },
    });
    if (plan.kind !== 'change') return;
    const reads = h.commands.length;
    await plan.apply();
    expect(h.commands[reads]).toBe('mkdir -p -- /opt/app/etc');
    expect(h.calls[reads + 1]?.stdin?.toString()).toBe('a=1\n');
  });

  it('fails on a missing directory', async () => {
    const h = fakeHost({ reply: 'type=absent\n' });
    expect(await planModule(copyModule, { content: 'x', dest: '/nope/a.conf' }, h)).toMatchObject({
      kind: 'failed',
      msg: 'Destination directory /nope does not exist',
    });
  });

  it("gives a look ahead dest's read first, the src's bytes are read after it", () => {
    const stage = firstStage(copyModule, { src, dest: '/etc/' }, moduleView(fakeHost()));
    expect(stage?.kind).toBe('reads');
    if (stage?.kind === 'reads') expect(stage.reads[0]?.command).toContain('/etc/app.conf');
  });
});
