// Issue #12, item 7: a template, copy or unarchive `src` on the controller that is a FIFO, /dev/zero, a
// symlink loop or a directory is refused at once with what it is, never read (a FIFO blocked the controller
// forever, Ctrl-C included; /dev/zero grew memory without limit; a loop was "could not find").
import { planModule } from '../../../engine/executor/moduleDriver.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { copyModule } from '../../../modules/copy/index.ts';
import { describeFsError, inspectControllerFile, MAX_CONTENT_BYTES, readControllerFile } from '../../../modules/lib/controllerFile.ts';
import { templateModule } from '../../../modules/template/index.ts';
import { unarchiveModule } from '../../../modules/unarchive/index.ts';
import { fakeHost } from '../../support/fakeHost.ts';

const limits = { what: 'template src', maxBytes: MAX_CONTENT_BYTES };
const ROOT = path.join(import.meta.dirname, '../../..');

function fixtures() {
  const d = mkdtempSync(path.join(os.tmpdir(), 'fp-ctlfile-'));
  const fifo = path.join(d, 'pipe.j2');
  execFileSync('mkfifo', [fifo]);
  symlinkSync(path.join(d, 'b'), path.join(d, 'a'));
  symlinkSync(path.join(d, 'a'), path.join(d, 'b'));
  symlinkSync(fifo, path.join(d, 'to-pipe'));
  mkdirSync(path.join(d, 'dir'));
  writeFileSync(path.join(d, 'ok.j2'), 'hello {{ x }}\n');
  return { d, fifo, loop: path.join(d, 'a'), linkToFifo: path.join(d, 'to-pipe'), dir: path.join(d, 'dir'), ok: path.join(d, 'ok.j2') };
}

describe('readControllerFile', () => {
  it('reads a regular file', () => {
    const f = fixtures();
    expect(readControllerFile(f.ok, limits).toString()).toBe('hello {{ x }}\n');
  });

  it('refuses a FIFO, and a symlink to one, without opening it', () => {
    const f = fixtures();
    expect(() => readControllerFile(f.fifo, limits)).toThrow(FleetError);
    expect(() => readControllerFile(f.fifo, limits)).toThrow(
      `template src ${f.fifo} is a FIFO (named pipe), not a regular file; only regular files are read`,
    );
    expect(() => readControllerFile(f.linkToFifo, limits)).toThrow(/is a FIFO \(named pipe\)/);
  });

  it('refuses /dev/zero as a character device', () => {
    expect(() => readControllerFile('/dev/zero', limits)).toThrow(
      'template src /dev/zero is a character device, not a regular file; only regular files are read',
    );
  });

  it('reports a symlink loop as one, and a directory as a directory', () => {
    const f = fixtures();
    expect(() => readControllerFile(f.loop, limits)).toThrow(`template src ${f.loop}: symlink loop (too many levels of symbolic links)`);
    expect(() => readControllerFile(f.dir, limits)).toThrow(`template src ${f.dir} is a directory, not a regular file`);
    expect(inspectControllerFile(f.dir, { ...limits, allowDirectory: true })).toEqual({ kind: 'directory', path: f.dir });
  });

  it('refuses a file over the size limit, saying the limit', () => {
    const f = fixtures();
    expect(() => readControllerFile(f.ok, { what: 'copy src', maxBytes: 4 })).toThrow(
      `copy src ${f.ok} is 14 bytes, over the limit of 4 bytes`,
    );
    expect(inspectControllerFile(f.ok, { what: 'copy src', maxBytes: 4 }).kind).toBe('refused');
  });

  it('names permission denied, a missing file and a link to one', () => {
    const f = fixtures();
    symlinkSync(path.join(f.d, 'gone'), path.join(f.d, 'dangling'));
    expect(inspectControllerFile(path.join(f.d, 'dangling'), limits)).toMatchObject({
      kind: 'refused',
      problem: `template src ${path.join(f.d, 'dangling')} is a symbolic link to a missing file`,
    });
    expect(describeFsError(Object.assign(new Error('x'), { code: 'EACCES' }), '/etc/x', 'copy src')).toBe(
      'copy src /etc/x: permission denied',
    );
    expect(inspectControllerFile('/nonexistent/fp-x', limits)).toEqual({
      kind: 'refused',
      path: '/nonexistent/fp-x',
      problem: 'template src /nonexistent/fp-x does not exist on the controller',
    });
  });
});

describe('the modules that read controller files', () => {
  it('template, copy and unarchive refuse a FIFO, /dev/zero and a loop before the host is asked', async () => {
    const f = fixtures();
    // Answers like a host without the file, should a module ask anyway.
    const ctx = fakeHost({ reply: 'type=absent\n' });
    await expect(planModule(templateModule, { src: f.fifo, dest: '/etc/x' }, ctx)).rejects.toThrow(/is a FIFO \(named pipe\)/);
    await expect(planModule(copyModule, { src: '/dev/zero', dest: '/etc/x' }, ctx)).rejects.toThrow(
      /copy src \/dev\/zero is a character device/,
    );
    await expect(planModule(copyModule, { src: f.loop, dest: '/etc/x' }, ctx)).rejects.toThrow(/symlink loop/);
    // A directory src is copied as a tree (test/unit/modules/copy/args.test.ts), so it asks the host: not here.
    const archive = await planModule(unarchiveModule, { src: f.fifo.replace(/\.j2$/, '.tar'), dest: '/opt' }, ctx);
    expect(archive).toMatchObject({ kind: 'failed', msg: expect.stringContaining('does not exist on the controller') });
    execFileSync('mkfifo', [path.join(f.d, 'a.tar.gz')]);
    expect(await planModule(unarchiveModule, { src: path.join(f.d, 'a.tar.gz'), dest: '/opt' }, ctx)).toMatchObject({
      kind: 'failed',
      msg: `unarchive src ${path.join(f.d, 'a.tar.gz')} is a FIFO (named pipe), not a regular file; only regular files are read`,
    });
    expect(ctx.commands).toEqual([]);
  });

  it('a template run on a FIFO ends at once in a separate process (it used to block forever)', () => {
    const f = fixtures();
    const script = `import { templateModule } from ${JSON.stringify(path.join(ROOT, 'modules/template/index.ts'))};
import { fakeHost } from ${JSON.stringify(path.join(ROOT, 'test/support/fakeHost.ts'))};
import { planModule } from ${JSON.stringify(path.join(ROOT, 'engine/executor/moduleDriver.ts'))};
const ctx = fakeHost();
planModule(templateModule, { src: ${JSON.stringify(f.fifo)}, dest: '/etc/x' }, ctx).then(() => console.log('planned'), (e) => console.log('refused: ' + e.message));`;
    const file = path.join(f.d, 'run.ts');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout).toContain(`refused: template src ${f.fifo} is a FIFO (named pipe)`);
  }, 20_000);
});
