// copy with remote_src: src is read and copied on the host; check mode reads src through the predicted state.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { firstStage, moduleView, planModule } from '../../../../engine/executor/moduleDriver.ts';
import { copyModule } from '../../../../modules/copy/index.ts';
import { sha256 } from '../../../../modules/lib/fileContent.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const file = (content: string, mode = '644') =>
  `type=file\nmode=${mode}\nowner=root\ngroup=root\nsize=${content.length}\nchecksum=${sha256(content)}\n`;
const srcFile = (content: string) => `type=file\nsize=${content.length}\nchecksum=${sha256(content)}\n`;
const directory = 'type=directory\nmode=755\nowner=root\ngroup=root\n';

function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'fp-copy-remote-'));
}

describe('copy remote_src on a real shell', () => {
  it('copies a host file, keeps an existing mode, applies mode, then is ok', async () => {
    const dir = tmpDir();
    const src = path.join(dir, 'src.conf');
    const dest = path.join(dir, 'dest.conf');
    writeFileSync(src, 'new\n');
    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o600);
    const h = fakeHost({ reply: runLocally });
    const plan = await planModule(copyModule, { src, dest, remote_src: true }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: `update ${dest} from ${src} (4 bytes)`,
      diff: [{ header: dest, before: 'old\n', after: 'new\n' }],
      data: { dest, src, checksum: sha256('new\n') },
    });
    if (plan.kind !== 'change') return;
    expect(await plan.apply()).toMatchObject({ kind: 'changed', msg: `updated ${dest} from ${src} (4 bytes)` });
    expect(readFileSync(dest, 'utf8')).toBe('new\n');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    // No temp file left beside dest.
    expect(readdirSync(dir).sort()).toEqual(['dest.conf', 'src.conf']);
    expect(await planModule(copyModule, { src, dest, remote_src: true }, fakeHost({ reply: runLocally }))).toMatchObject({
      kind: 'ok',
      msg: `${dest} is up to date`,
    });
    const modePlan = await planModule(copyModule, { src, dest, remote_src: true, mode: '0640' }, fakeHost({ reply: runLocally }));
    expect(modePlan).toMatchObject({ kind: 'change', msg: `set mode of ${dest}` });
    if (modePlan.kind === 'change') await modePlan.apply();
    expect(statSync(dest).mode & 0o777).toBe(0o640);
  });

  it('fails like Ansible when src is missing on the host, and copies into a dest directory under src name', async () => {
    const dir = tmpDir();
    const missing = path.join(dir, 'nope');
    expect(
      await planModule(copyModule, { src: missing, dest: path.join(dir, 'x'), remote_src: true }, fakeHost({ reply: runLocally })),
    ).toMatchObject({
      kind: 'failed',
      msg: `Source ${missing} not found`,
    });
    const src = path.join(dir, 'a.txt');
    writeFileSync(src, 'a');
    mkdirSync(path.join(dir, 'into'));
    const plan = await planModule(copyModule, { src, dest: path.join(dir, 'into'), remote_src: true }, fakeHost({ reply: runLocally }));
    expect(plan).toMatchObject({ kind: 'change', data: { dest: path.join(dir, 'into', 'a.txt') } });
    if (plan.kind === 'change') await plan.apply();
    expect(readFileSync(path.join(dir, 'into', 'a.txt'), 'utf8')).toBe('a');
  });

  it('leaves dest alone when src changed between the probe and the copy', async () => {
    const dir = tmpDir();
    const src = path.join(dir, 's');
    const dest = path.join(dir, 'd');
    writeFileSync(src, 'one');
    const plan = await planModule(copyModule, { src, dest, remote_src: true }, fakeHost({ reply: runLocally }));
    writeFileSync(src, 'two');
    if (plan.kind !== 'change') throw new Error(plan.msg);
    await expect(plan.apply()).resolves.toMatchObject({ kind: 'failed', msg: expect.stringContaining('changed since it was read') });
    expect(existsSync(dest)).toBe(false);
  });
});

describe('copy remote_src in check mode', () => {
  it('reads a src an earlier task would write from the prediction (containerd role), without asking the host', async () => {
    const predicted = createPredictedState();
    const toml = 'version = 2\n';
    // The first task: copy content to /tmp/containerd_config.toml (absent on the host).
    const first = fakeHost({ check: true, predicted, reply: (c) => (c.includes('containerd_config') ? 'type=absent\n' : directory) });
    expect(await planModule(copyModule, { dest: '/tmp/containerd_config.toml', content: toml }, first)).toMatchObject({ kind: 'change' });
    // The second: remote_src copy of it over a config that differs.
    const second = fakeHost({ check: true, predicted, reply: (c) => (c.startsWith('cat ') ? 'version = 1\n' : file('version = 1\n')) });
    const args = { remote_src: true, src: '/tmp/containerd_config.toml', dest: '/etc/containerd/config.toml' };
    expect(await planModule(copyModule, args, second)).toMatchObject({
      kind: 'change',
      msg: 'update /etc/containerd/config.toml from /tmp/containerd_config.toml (12 bytes)',
      diff: [{ header: '/etc/containerd/config.toml', before: 'version = 1\n', after: toml }],
    });
    expect(second.commands.some((c) => c.includes('containerd_config'))).toBe(false);
    expect(predicted.file('/etc/containerd/config.toml')).toMatchObject({
      type: 'file',
      checksum: sha256(toml),
      content: toml,
      mode: '0644',
    });
    // Same bytes at dest: ok.
    const same = fakeHost({ check: true, predicted: createPredictedStateWith('/tmp/c', toml), reply: file(toml) });
    expect(await planModule(copyModule, { remote_src: true, src: '/tmp/c', dest: '/etc/c' }, same)).toMatchObject({ kind: 'ok' });
  });

  it('reads src and dest in one stage (a look ahead sends both)', () => {
    const stage = firstStage(copyModule, { remote_src: true, src: '/tmp/s', dest: '/etc/d' }, moduleView(fakeHost()));
    expect(stage?.kind).toBe('reads');
    if (stage?.kind !== 'reads') return;
    expect(stage.reads.map((r) => r.command.includes('/etc/d'))).toEqual([true, false]);
    expect(stage.reads[1]?.command).toContain('/tmp/s');
  });

  it('fails for a src missing on the host, unless an earlier task check mode could not predict may create it', async () => {
    const reply = (c: string) => (c.includes('/tmp/s') ? 'type=absent\n' : file('x'));
    expect(
      await planModule(copyModule, { remote_src: true, src: '/tmp/s', dest: '/etc/d' }, fakeHost({ check: true, reply })),
    ).toMatchObject({
      kind: 'failed',
      msg: 'Source /tmp/s not found',
    });
    const predicted = createPredictedState();
    predicted.markOpaque('make s');
    expect(
      await planModule(copyModule, { remote_src: true, src: '/tmp/s', dest: '/etc/d' }, fakeHost({ check: true, predicted, reply })),
    ).toMatchObject({
      kind: 'unknown',
      msg: expect.stringContaining("'make s'"),
    });
  });

  it('follows a predicted link to src, and leaves an existing dest alone with force: false', async () => {
    const predicted = createPredictedStateWith('/srv/real', 'r');
    predicted.setFile('/srv/link', { type: 'link', target: 'real' });
    const h = fakeHost({ check: true, predicted, reply: (c) => (c.includes('/etc/d') ? 'type=absent\n' : directory) });
    expect(await planModule(copyModule, { remote_src: true, src: '/srv/link', dest: '/etc/d' }, h)).toMatchObject({
      kind: 'change',
      data: { checksum: sha256('r') },
    });
    const kept = fakeHost({ reply: (c) => (c.includes('/etc/d') ? file('old') : srcFile('new')) });
    expect(await planModule(copyModule, { remote_src: true, src: '/tmp/s', dest: '/etc/d', force: false }, kept)).toMatchObject({
      kind: 'ok',
      msg: '/etc/d exists and force is false',
    });
    // dest's state and src's, no texts.
    expect(kept.commands).toHaveLength(2);
  });
});

function createPredictedStateWith(at: string, content: string) {
  const predicted = createPredictedState();
  predicted.setFile(at, { type: 'file', checksum: sha256(content), size: Buffer.byteLength(content), content });
  return predicted;
}
