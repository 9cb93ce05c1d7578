// fetch: host files (here this machine under /bin/sh) copied to a controller directory, changed only when
// the sha1s differ; check mode writes nothing and predicts the same outcome; dest never escapes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import type { Plan } from '../../../../engine/types.ts';
import { fetchDestPath } from '../../../../modules/fetch/controllerDest.ts';
import { fetchModule } from '../../../../modules/fetch/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-fetch-'));
const sha1 = (b: string | Buffer) => createHash('sha1').update(b).digest('hex');

async function run(plan: Plan) {
  if (plan.kind !== 'change') return plan;
  return plan.apply();
}

function setup() {
  const remote = tmp();
  const ctl = tmp();
  writeFileSync(path.join(remote, 'app.log'), 'line 1\n');
  const vars = { inventory_hostname: 'web1', playbook_dir: ctl };
  return { remote, ctl, vars, src: path.join(remote, 'app.log') };
}

describe('fetch', () => {
  it('copies into dest/<host>/<src>, then is ok; changed again only when the host file differs', async () => {
    const { ctl, vars, src } = setup();
    const h = fakeHost({ vars, reply: runLocally });
    const want = path.join(ctl, 'out', 'web1', src);
    const first = await planModule(fetchModule, { src, dest: 'out' }, h);
    expect(first).toMatchObject({ kind: 'change', data: { dest: want, remote_checksum: sha1('line 1\n') } });
    expect(await run(first)).toMatchObject({ kind: 'changed', data: { dest: want, checksum: sha1('line 1\n') } });
    expect(readFileSync(want, 'utf8')).toBe('line 1\n');
    expect(readdirSync(path.dirname(want))).toEqual(['app.log']);
    expect(await planModule(fetchModule, { src, dest: 'out' }, h)).toMatchObject({
      kind: 'ok',
      data: { dest: want, file: src, checksum: sha1('line 1\n') },
    });
    writeFileSync(src, 'line 2\n');
    expect(await run(await planModule(fetchModule, { src, dest: path.join(ctl, 'out') }, h))).toMatchObject({ kind: 'changed' });
    expect(readFileSync(want, 'utf8')).toBe('line 2\n');
  });

  it('flat: dest as given, or dest/ + the basename; an existing directory without a slash is refused', async () => {
    const { ctl, vars, src } = setup();
    const h = fakeHost({ vars, reply: runLocally });
    await run(await planModule(fetchModule, { src, dest: 'prefix-web1', flat: true }, h));
    expect(readFileSync(path.join(ctl, 'prefix-web1'), 'utf8')).toBe('line 1\n');
    await run(await planModule(fetchModule, { src, dest: 'special/', flat: true }, h));
    expect(readFileSync(path.join(ctl, 'special', 'app.log'), 'utf8')).toBe('line 1\n');
    expect(await planModule(fetchModule, { src, dest: 'special', flat: true }, h)).toEqual({
      kind: 'failed',
      msg: 'dest is an existing directory, use a trailing slash if you want to fetch src into that directory',
    });
  });

  it("a missing src fails by default, and with fail_on_missing: false is ok with Ansible's message", async () => {
    const { remote, vars } = setup();
    const h = fakeHost({ vars, reply: runLocally });
    const src = path.join(remote, 'nope');
    expect(await planModule(fetchModule, { src, dest: '/tmp/x' }, h)).toEqual({
      kind: 'failed',
      msg: 'the remote file does not exist',
      data: { file: src },
    });
    expect(await planModule(fetchModule, { src, dest: '/tmp/x', fail_on_missing: false }, h)).toEqual({
      kind: 'ok',
      msg: 'the remote file does not exist, not transferring, ignored',
      data: { file: src },
    });
    expect(await planModule(fetchModule, { src: remote, dest: '/tmp/x' }, h)).toMatchObject({
      kind: 'failed',
      msg: 'remote file is a directory, fetch cannot work on directories',
    });
  });

  it('never writes outside dest: .. in src or the host name, and a directory link under dest', () => {
    const ctl = tmp();
    expect(fetchDestPath('/a/../etc/passwd', 'out', 'web1', false, ctl)).toEqual({ ok: true, path: path.join(ctl, 'out/web1/etc/passwd') });
    expect(fetchDestPath('/../../etc/passwd', 'out', 'web1', false, ctl)).toEqual({
      ok: false,
      msg: `Detected directory traversal, expected to be contained in '${path.join(ctl, 'out')}' but got '${path.join(ctl, 'etc/passwd')}'`,
    });
    expect(fetchDestPath('../../../x', 'out', 'web1', false, ctl)).toMatchObject({
      ok: false,
      msg: expect.stringContaining('Detected directory traversal'),
    });
    expect(fetchDestPath('/x', 'out', '..', false, ctl)).toMatchObject({ ok: false });
    expect(fetchDestPath('/a/..', 'out/', 'web1', true, ctl)).toMatchObject({ ok: false });
    const outside = tmp();
    mkdirSync(path.join(ctl, 'out'));
    symlinkSync(outside, path.join(ctl, 'out', 'web1'));
    expect(fetchDestPath('/etc/x', 'out', 'web1', false, ctl)).toMatchObject({ ok: false, msg: expect.stringContaining('symbolic link') });
  });

  it('validate_checksum: a file that changed since the probe fails as a mismatch and nothing is written', async () => {
    const { ctl, vars, src } = setup();
    const h = fakeHost({ vars, reply: runLocally });
    const plan = await planModule(fetchModule, { src, dest: 'out' }, h);
    writeFileSync(src, 'changed under us\n');
    expect(await run(plan)).toMatchObject({ kind: 'failed', msg: 'checksum mismatch' });
    expect(existsSync(path.join(ctl, 'out'))).toBe(false);
    const lax = await planModule(fetchModule, { src, dest: 'out', validate_checksum: false }, h);
    writeFileSync(src, 'again\n');
    expect(await run(lax)).toMatchObject({ kind: 'changed' });
  });

  it('check mode: writes nothing, predicts changed then ok for the same copy, and ok when already equal', async () => {
    const { ctl, vars, src } = setup();
    const predicted = createPredictedState();
    const c = fakeHost({ vars, check: true, predicted, reply: runLocally });
    expect(await planModule(fetchModule, { src, dest: 'out' }, c)).toMatchObject({ kind: 'change' });
    expect(existsSync(path.join(ctl, 'out'))).toBe(false);
    expect(await planModule(fetchModule, { src, dest: 'out' }, c)).toMatchObject({ kind: 'ok' });
    const real = fakeHost({ vars, reply: runLocally });
    await run(await planModule(fetchModule, { src, dest: 'other' }, real));
    const fresh = fakeHost({ vars, check: true, reply: runLocally });
    expect(await planModule(fetchModule, { src, dest: 'other' }, fresh)).toMatchObject({ kind: 'ok' });
  });

  it("check mode: an earlier task's predicted content of src is what is compared", async () => {
    const { vars, src } = setup();
    const predicted = createPredictedState();
    predicted.setFile(src, { type: 'file', content: 'line 1\n' });
    const real = fakeHost({ vars, reply: runLocally });
    await run(await planModule(fetchModule, { src, dest: 'out' }, real));
    writeFileSync(src, 'host differs\n');
    const c = fakeHost({ vars, check: true, predicted, reply: runLocally });
    expect(await planModule(fetchModule, { src, dest: 'out' }, c)).toMatchObject({ kind: 'ok' });
    predicted.setFile(src, { type: 'file', checksum: 'x' });
    expect(await planModule(fetchModule, { src, dest: 'out' }, c)).toMatchObject({ kind: 'unknown' });
  });

  it('refuses a controller dest that is not a regular file (here a directory) instead of reading it', async () => {
    const { ctl, vars, src } = setup();
    mkdirSync(path.join(ctl, 'out', 'web1', src), { recursive: true });
    const h = fakeHost({ vars, reply: runLocally });
    expect(await planModule(fetchModule, { src, dest: 'out' }, h)).toMatchObject({
      kind: 'failed',
      msg: expect.stringContaining('is a directory, not a regular file'),
    });
  });
});
