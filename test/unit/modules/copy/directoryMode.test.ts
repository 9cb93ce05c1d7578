// copy's directory_mode: the directories made for a dest ending in '/' get it, with owner and group (not the file's mode).
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const directory = 'type=directory\nmode=755\nowner=root\ngroup=root\n';

describe('copy directory_mode', () => {
  it('sets directory_mode on each directory it creates, on a real shell, and the file keeps its own mode', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-dirmode-'));
    const src = path.join(mkdtempSync(path.join(os.tmpdir(), 'fp-copy-src-')), 'f');
    writeFileSync(src, 'x');
    const plan = await planModule(
      copyModule,
      { src, dest: `${dir}/a/b/f`, mode: '0600', directory_mode: '0750' },
      fakeHost({ reply: runLocally }),
    );
    // A dest not ending in '/' needs its directory: nothing is created.
    expect(plan).toMatchObject({ kind: 'failed', msg: `Destination directory ${dir}/a/b does not exist` });
    const h = fakeHost({ reply: runLocally });
    const made = await planModule(copyModule, { src, dest: `${dir}/a/b/`, mode: '0600', directory_mode: '0750' }, h);
    if (made.kind !== 'change') throw new Error(made.msg);
    expect(await made.apply()).toMatchObject({ kind: 'changed' });
    expect(statSync(`${dir}/a`).mode & 0o777).toBe(0o750);
    expect(statSync(`${dir}/a/b`).mode & 0o777).toBe(0o750);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(`${dir}/a/b/f`).mode & 0o777).toBe(0o600);
  });

  it('gives the new directories owner and group too, and predicts them in check mode', async () => {
    const reply = (c: string) => (c.includes('/opt/app') ? 'type=absent\n' : directory);
    const h = fakeHost({ reply });
    const src = path.join(mkdtempSync(path.join(os.tmpdir(), 'fp-copy-src-')), 'a.conf');
    writeFileSync(src, 'x');
    const args = { src, dest: '/opt/app/etc/', owner: 'app', directory_mode: 448 };
    const plan = await planModule(copyModule, args, h);
    if (plan.kind !== 'change') throw new Error(plan.msg);
    const reads = h.commands.length;
    await plan.apply();
    expect(h.commands[reads]).toBe(
      [
        'mkdir -p -- /opt/app/etc',
        'chown -- app /opt/app && chmod -- 0700 /opt/app',
        'chown -- app /opt/app/etc && chmod -- 0700 /opt/app/etc',
      ].join(' && '),
    );
    const check = fakeHost({ check: true, reply });
    await planModule(copyModule, args, check);
    expect(check.predicted.file('/opt/app/etc')).toEqual({ type: 'directory', mode: '0700', owner: 'app', group: 'root' });
    expect(check.predicted.file('/opt/app/etc/a.conf')).toMatchObject({ type: 'file', owner: 'app', mode: '0644' });
  });

  it('applies to remote_src as well', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-dirmode-'));
    writeFileSync(`${dir}/src`, 's');
    const plan = await planModule(
      copyModule,
      { src: `${dir}/src`, remote_src: true, dest: `${dir}/n/`, directory_mode: '0711' },
      fakeHost({ reply: runLocally }),
    );
    if (plan.kind !== 'change') throw new Error(plan.msg);
    await plan.apply();
    expect(statSync(`${dir}/n`).mode & 0o777).toBe(0o711);
    expect(statSync(`${dir}/n/src`).size).toBe(1);
  });
});

describe('copy content to a directory', () => {
  it("fails in Ansible's words before the host is asked", async () => {
    const h = fakeHost();
    expect(await planModule(copyModule, { content: 'x', dest: '/etc/app/' }, h)).toMatchObject({
      kind: 'failed',
      msg: 'can not use content with a dir as dest',
    });
    expect(h.commands).toEqual([]);
  });
});

describe('copy into an existing directory', () => {
  it("puts a controller src under its own name; content fails in Ansible's words", async () => {
    const src = path.join(mkdtempSync(path.join(os.tmpdir(), 'fp-copy-src-')), 'app.conf');
    writeFileSync(src, 'x');
    const h = fakeHost({ reply: (c) => (c.includes('/etc/app/app.conf') ? 'type=absent\n' : directory) });
    expect(await planModule(copyModule, { src, dest: '/etc/app' }, h)).toMatchObject({
      kind: 'change',
      msg: 'create /etc/app/app.conf (1 bytes)',
      data: { dest: '/etc/app/app.conf' },
    });
    expect(await planModule(copyModule, { content: 'x', dest: '/etc/app' }, fakeHost({ reply: directory }))).toMatchObject({
      kind: 'failed',
      msg: 'can not use content with a dir as dest',
    });
  });
});
