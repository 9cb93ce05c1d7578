// synchronize: Ansible's rsync command line; refused arguments; and real rsync runs on this machine, the
// "host" side started through a streamed command (LocalConnection.stream) exactly as over ssh: check mode's
// dry run, the real run, idempotence, delete, checksum, names with shell characters, and check mode's
// prediction for the tasks after it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { ModuleContext, Plan, PredictedState } from '../../../../engine/types.ts';
import { findModule } from '../../../../modules/index.ts';
import { synchronizeModule } from '../../../../modules/synchronize/index.ts';
import { runRsync } from '../../../../modules/synchronize/relay.ts';
import { itemized, predictedPath, rsyncArgs } from '../../../../modules/synchronize/options.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const local = new LocalConnection('l');
const TAIL = ['--protect-args', '--out-format=<<CHANGED>>%i %n%L'];

describe('synchronize arguments', () => {
  it('takes src and dest (required) and the rsync switches; is ansible.posix.synchronize', () => {
    const issues = (args: Record<string, unknown>) => checkSchema(synchronizeModule.schema, args, "module 'synchronize'");
    expect(issues({ src: 'a', dest: '/b', delete: true, checksum: true, rsync_opts: ['--exclude=.git'], owner: false })).toEqual([]);
    expect(issues({ src: 'a' })).not.toEqual([]);
    expect(issues({ src: 'a', dest: '/b', private_key: 'k' })).not.toEqual([]);
    expect(findModule('ansible.posix.synchronize')).toBe(synchronizeModule);
  });

  it("builds Ansible's rsync command line", () => {
    expect(rsyncArgs({ src: 's', dest: '/d' }, '/s', false)).toEqual([
      '--delay-updates',
      '-F',
      '--compress',
      '--archive',
      ...TAIL,
      '/s',
      'fleetplay:/d',
    ]);
    expect(
      rsyncArgs(
        { src: 's', dest: '/d', owner: false, group: false, links: false, delete: true, checksum: true, compress: false },
        '/s',
        true,
      ),
    ).toEqual([
      '--delay-updates',
      '-F',
      '--dry-run',
      '--delete-after',
      '--checksum',
      '--archive',
      '--no-links',
      '--no-owner',
      '--no-group',
      ...TAIL,
      '/s',
      'fleetplay:/d',
    ]);
    expect(
      rsyncArgs(
        { src: 's', dest: 'd', archive: false, recursive: true, times: true, dirs: true, rsync_opts: '--exclude=a, --exclude=b' },
        's',
        false,
      ),
    ).toEqual([
      '--delay-updates',
      '-F',
      '--compress',
      '--recursive',
      '--times',
      '--dirs',
      ...TAIL,
      '--exclude=a',
      '--exclude=b',
      's',
      'fleetplay:d',
    ]);
  });

  it('refuses pull, delegation and rsync options that change the transport, in check mode as in the real run', async () => {
    for (const check of [true, false]) {
      const h = withStream(fakeHost({ check, reply: runLocally }));
      const msg = async (args: Record<string, unknown>) =>
        ((await planModule(synchronizeModule, { src: '/tmp', dest: '/x', ...args }, h)) as Plan).msg;
      expect(await msg({ mode: 'pull' })).toMatch(/mode: pull is not supported/);
      for (const o of ['-e ssh', '-avze', '--rsh=ssh', '--rsync-path=sudo rsync', '--old-args'])
        expect(await msg({ rsync_opts: [o] })).toMatch(/is not supported: synchronize sends rsync over the task's own connection/);
      expect(h.commands).toEqual([]);
    }
    const delegated = await planModule(synchronizeModule, { src: '/tmp', dest: '/x' }, fakeHost({ check: true }));
    expect(delegated).toMatchObject({ kind: 'failed', msg: expect.stringMatching(/delegate_to is not supported/) });
  });

  it('reads the itemized lines and what they leave under dest', () => {
    expect(itemized('created directory /d\n<<CHANGED>>cd+++++++++ s/\n<<CHANGED>>*deleting   s/old\nsent 1 bytes\n')).toEqual([
      'cd+++++++++ s/',
      '*deleting   s/old',
    ]);
    expect(predictedPath('<f+++++++++ s/a b', '/d/')).toEqual({ path: '/d/s/a b', state: { type: 'file' } });
    expect(predictedPath('*deleting   s/old', '/d')).toEqual({ path: '/d/s/old', state: { type: 'absent' } });
    expect(predictedPath('cL+++++++++ s/l -> a', '/d')).toEqual({ path: '/d/s/l', state: { type: 'link', target: 'a' } });
    expect(predictedPath('.d..t...... ./', '/d')).toEqual({ path: '/d', state: { type: 'directory' } });
  });
});

/** A fake host whose streamed commands run on this machine (as a host's `rsync --server` would). */
function withStream<T extends ModuleContext>(h: T): T {
  return Object.assign(h, { stream: (command: string) => local.stream(command) });
}

/** Plans the task (check mode or not) and, in a real run, applies it; the status and the plan. */
async function run(args: Record<string, unknown>, check: boolean, predicted?: PredictedState) {
  const h = withStream(fakeHost({ check, reply: runLocally, ...(predicted ? { predicted } : {}) }));
  const plan = await planModule(synchronizeModule, args, h);
  if (check || plan.kind !== 'change') return { status: plan.kind === 'change' ? 'changed' : plan.kind, plan, commands: h.commands };
  const out = await plan.apply();
  return { status: out.kind, plan, out, commands: h.commands };
}

function tree() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-sync-'));
  const src = path.join(dir, 'src');
  mkdirSync(path.join(src, 'sub'), { recursive: true });
  writeFileSync(path.join(src, 'a.txt'), 'hello\n');
  writeFileSync(path.join(src, 'sub', 'b.sh'), '#!/bin/sh\n', { mode: 0o750 });
  symlinkSync('a.txt', path.join(src, 'link'));
  // rsync makes dest itself, not its parents (nor does Ansible's synchronize).
  mkdirSync(path.join(dir, 'dest dir'));
  return { dir, src, dest: path.join(dir, "dest dir/it's") };
}

describe('synchronize over a streamed command (real rsync)', () => {
  it('check mode says what the real run does and changes nothing; the real run copies; then both are ok', async () => {
    const { src, dest } = tree();
    const args = { src, dest };
    const predicted = createPredictedState();
    const check = await run(args, true, predicted);
    expect(check.status).toBe('changed');
    expect(check.plan.kind === 'change' && check.plan.diff?.[0]?.after.split('\n')).toEqual(
      expect.arrayContaining(['cd+++++++++ src/', '<f+++++++++ src/a.txt', 'cL+++++++++ src/link -> a.txt', '<f+++++++++ src/sub/b.sh']),
    );
    expect(check.commands).toEqual(['command -v rsync']);
    expect(existsSync(path.join(dest, 'src'))).toBe(false);
    expect(predicted.file(path.join(dest, 'src/a.txt'))).toEqual({ type: 'file' });
    expect(predicted.file(path.join(dest, 'src/link'))).toEqual({ type: 'link', target: 'a.txt' });

    const real = await run(args, false);
    expect(real.status).toBe('changed');
    expect(real.out).toMatchObject({ data: { rc: 0, stdout_lines: expect.arrayContaining(['<f+++++++++ src/a.txt']) } });
    expect(readFileSync(path.join(dest, 'src/a.txt'), 'utf8')).toBe('hello\n');
    expect(statSync(path.join(dest, 'src/sub/b.sh')).mode & 0o777).toBe(0o750);

    expect((await run(args, true)).status).toBe('ok');
    expect((await run(args, false)).status).toBe('ok');
  });

  it('a trailing slash copies the contents; delete removes what src does not have, in check mode first', async () => {
    const { src, dest } = tree();
    const args = { src: `${src}/`, dest, delete: true };
    expect((await run(args, false)).status).toBe('changed');
    writeFileSync(path.join(dest, 'extra'), 'x');
    utimesSync(dest, 1000, 1000);
    const check = await run(args, true);
    // The directory's time changed too (set here so the test does not depend on the clock): rsync puts it back.
    expect(check.plan.kind === 'change' && check.plan.diff?.[0]?.after).toBe('.d..t...... ./\n*deleting   extra\n');
    expect(existsSync(path.join(dest, 'extra'))).toBe(true);
    expect((await run(args, false)).status).toBe('changed');
    expect(existsSync(path.join(dest, 'extra'))).toBe(false);
    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('hello\n');
  });

  it('checksum finds a change that size and time alone miss', async () => {
    const { src, dest } = tree();
    const args = { src: `${src}/`, dest };
    await run(args, false);
    writeFileSync(path.join(dest, 'a.txt'), 'HELLO\n');
    const t = statSync(path.join(src, 'a.txt')).mtime;
    utimesSync(path.join(dest, 'a.txt'), t, t);
    expect((await run(args, true)).status).toBe('ok');
    const check = await run({ ...args, checksum: true }, true);
    expect(check.plan.kind === 'change' && check.plan.diff?.[0]?.after).toBe('<fc........ a.txt\n');
    expect((await run({ ...args, checksum: true }, false)).status).toBe('changed');
    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('hello\n');
  });

  it("fails with rsync's reason, in check mode as in the real run", async () => {
    const { dir } = tree();
    for (const check of [true, false]) {
      const r = await run({ src: path.join(dir, 'src', 'a.txt'), dest: path.join(dir, 'no', 'such', 'dir', 'x') }, check);
      expect(r.status).toBe('failed');
      expect((r.out ?? r.plan).msg).toMatch(/rsync failed \(exit \d+\): .*No such file or directory/s);
    }
  });

  it('a session that cannot open fails the task and leaves no rsync behind', async () => {
    const { src, dest } = tree();
    const args = rsyncArgs({ src, dest }, src, false);
    await expect(runRsync(args, () => Promise.reject(new Error('cannot open a session on h')))).rejects.toThrow(/cannot open a session/);
    const left = spawnSync('pgrep', ['-f', `${path.basename(path.dirname(src))}/src`], { encoding: 'utf8' });
    expect([left.status, left.stdout]).toEqual([1, '']);
  });

  it('fails when the host has no rsync', async () => {
    for (const check of [true, false]) {
      const h = withStream(fakeHost({ check, answers: [['command -v rsync', { exitCode: 1 }]] }));
      const plan = await planModule(synchronizeModule, { src: '/tmp', dest: '/x' }, h);
      const out = plan.kind === 'change' ? await plan.apply() : plan;
      expect(out).toMatchObject({ kind: 'failed', msg: 'rsync is not installed on the host (synchronize runs rsync at both ends)' });
    }
  });
});
