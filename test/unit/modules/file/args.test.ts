// file's Ansible arguments on a real shell: symbolic modes, a missing state, follow, recurse, times and
// touch; every change is planned, applied, then planned again (ok), and check mode predicts the same plan.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import { fileModule } from '../../../../modules/file/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-file-args-'));
const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

async function plan(written: Record<string, unknown>, check = false, predicted = createPredictedState()) {
  const { args } = canonicalArgs(fileModule.schema as Record<string, unknown>, written);
  return planModule(fileModule, args, fakeHost({ reply: runLocally, check, predicted }));
}

/** Plans in check mode, then for real (the same kind and message), applies, and plans again: ok. */
async function converge(args: Record<string, unknown>, checkFirst = true): Promise<string> {
  // (Check mode reads a file whose attributes change, for its prediction: that read moves its access time.)
  const check = checkFirst ? await plan(args, true) : undefined;
  const real = await plan(args);
  if (check) expect({ kind: check.kind, msg: check.msg }).toEqual({ kind: real.kind, msg: real.msg });
  if (real.kind !== 'change') return real.kind;
  expect(await real.apply()).toMatchObject({ kind: 'changed' });
  const again = await plan(args);
  expect(again.kind, again.msg).toBe('ok');
  return 'changed';
}

describe('file modes', () => {
  it('applies a symbolic mode against the current one, and an int mode as YAML 0644 gives it', async () => {
    const d = tmp();
    const f = path.join(d, 'f');
    writeFileSync(f, 'x');
    chmodSync(f, 0o600);
    expect(await converge({ dest: f, mode: 'u=rw,g=r,o=' })).toBe('changed');
    expect(modeOf(f)).toBe('0640');
    expect(await converge({ name: f, mode: 'u+x,g-w' })).toBe('changed');
    expect(modeOf(f)).toBe('0740');
    // a+X on a file with an x bit sets every x bit.
    expect(await converge({ path: f, mode: 'a+X' })).toBe('changed');
    expect(modeOf(f)).toBe('0751');
    expect(await converge({ path: f, mode: 0o644 })).toBe('changed');
    expect(modeOf(f)).toBe('0644');
    // a+X on a file without x bits changes nothing.
    expect(await converge({ path: f, mode: 'a+X' })).toBe('ok');
    expect(await plan({ path: f, mode: 'u+q' })).toMatchObject({ kind: 'failed', msg: 'bad symbolic permission for mode: u+q' });
  });

  it('keeps a directory a directory without state (Ansible: the current state), and refuses recurse on a file', async () => {
    const d = tmp();
    chmodSync(d, 0o700);
    expect(await converge({ path: d, mode: 'go+rX' })).toBe('changed');
    expect(modeOf(d)).toBe('0755');
    const f = path.join(d, 'f');
    writeFileSync(f, '');
    expect(await plan({ path: f, recurse: true, mode: '0600' })).toMatchObject({
      kind: 'failed',
      msg: "recurse option requires state to be 'directory'",
    });
    expect(await plan({ path: path.join(d, 'nope'), mode: '0600' })).toMatchObject({
      kind: 'failed',
      msg: `file (${path.join(d, 'nope')}) is absent, cannot continue`,
    });
  });
});

describe('file follow', () => {
  it('sets the attributes on a link’s target by default, and refuses the link itself with follow: false', async () => {
    const d = tmp();
    const f = path.join(d, 'target');
    writeFileSync(f, '');
    chmodSync(f, 0o644);
    const l = path.join(d, 'link');
    symlinkSync('target', l);
    expect(await converge({ path: l, state: 'file', mode: '0600' })).toBe('changed');
    expect(modeOf(f)).toBe('0600');
    expect(await plan({ path: l, state: 'file', follow: false, mode: '0640' })).toMatchObject({
      kind: 'failed',
      msg: `file (${l}) is link, cannot continue`,
    });
    const dl = path.join(d, 'dirlink');
    mkdirSync(path.join(d, 'dir'), { mode: 0o755 });
    symlinkSync('dir', dl);
    expect(await converge({ path: dl, state: 'directory', mode: '0700' })).toBe('changed');
    expect(modeOf(path.join(d, 'dir'))).toBe('0700');
    expect(lstatSync(dl).isSymbolicLink()).toBe(true);
  });
});

describe('file recurse', () => {
  it('sets mode on the whole tree, resolved per entry (a+X: directories and executables only), links untouched with follow: false', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'a/b'), { recursive: true });
    writeFileSync(path.join(d, 'a/plain'), '1');
    writeFileSync(path.join(d, 'a/b/tool'), '2');
    chmodSync(path.join(d, 'a/plain'), 0o600);
    chmodSync(path.join(d, 'a/b/tool'), 0o700);
    chmodSync(path.join(d, 'a/b'), 0o700);
    symlinkSync('plain', path.join(d, 'a/l'));
    const args = { path: path.join(d, 'a'), state: 'directory', recurse: true, mode: 'u=rwX,go=rX', follow: false };
    const check = await plan(args, true);
    expect(check).toMatchObject({ kind: 'change', msg: `set 3 entries below of ${path.join(d, 'a')}` });
    expect(await converge(args)).toBe('changed');
    expect([
      modeOf(path.join(d, 'a')),
      modeOf(path.join(d, 'a/b')),
      modeOf(path.join(d, 'a/plain')),
      modeOf(path.join(d, 'a/b/tool')),
    ]).toEqual(['0755', '0755', '0644', '0755']);
  });

  it('in check mode predicts the tree’s states for later tasks, and is unknown when an earlier task changes files below', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'f'), 'abc');
    chmodSync(path.join(d, 'f'), 0o600);
    const predicted = createPredictedState();
    expect(await plan({ path: d, recurse: true, mode: 'a+r' }, true, predicted)).toMatchObject({ kind: 'change' });
    expect(predicted.file(path.join(d, 'f'))).toMatchObject({
      type: 'file',
      mode: '0644',
      size: 3,
      checksum: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(await plan({ path: d, recurse: true, mode: 'a+r' }, true, predicted)).toMatchObject({
      kind: 'unknown',
      msg: `an earlier task would change files under ${d}; check mode cannot list them`,
    });
  });
});

describe('file times and touch', () => {
  it('sets a modification time given in the default format once, keeps the access time with preserve', async () => {
    const d = tmp();
    const f = path.join(d, 'f');
    writeFileSync(f, '');
    utimesSync(f, 1_000_000_000, 1_000_000_000);
    expect(await plan({ path: f, modification_time: '202001021530.45' }, true)).toMatchObject({
      kind: 'change',
      msg: `set modification time of ${f}`,
    });
    utimesSync(f, 1_000_000_000, 1_000_000_000);
    expect(await converge({ path: f, modification_time: '202001021530.45' }, false)).toBe('changed');
    const st = statSync(f);
    expect(st.mtime.getFullYear()).toBe(2020);
    expect([st.mtime.getMonth(), st.mtime.getDate(), st.mtime.getHours(), st.mtime.getMinutes(), st.mtime.getSeconds()]).toEqual([
      0, 2, 15, 30, 45,
    ]);
    expect(st.atimeMs).toBe(1_000_000_000_000);
    expect(await converge({ path: f, access_time: '2021-06-01 08:00', access_time_format: '%Y-%m-%d %H:%M' })).toBe('changed');
    expect(statSync(f).atime.getFullYear()).toBe(2021);
    expect(await plan({ path: f, modification_time: 'soon' })).toMatchObject({
      kind: 'failed',
      msg: "Error while obtaining timestamp for time soon using format %Y%m%d%H%M.%S: time data 'soon' does not match format '%Y%m%d%H%M.%S'",
    });
  });

  it('touch creates, always changes with now, and is ok with preserve and nothing to set', async () => {
    const d = tmp();
    const f = path.join(d, 't');
    const first = await plan({ path: f, state: 'touch', mode: 'u=rw,go=' }, true);
    expect(first).toMatchObject({ kind: 'change', msg: `touch ${f}` });
    const real = await plan({ path: f, state: 'touch', mode: 'u=rw,go=' });
    if (real.kind === 'change') await real.apply();
    expect(modeOf(f)).toBe('0600');
    expect((await plan({ path: f, state: 'touch' })).kind).toBe('change');
    const keep = { path: f, state: 'touch', access_time: 'preserve', modification_time: 'preserve' };
    expect(await plan(keep)).toMatchObject({ kind: 'ok' });
    utimesSync(f, 5, 5);
    const fixed = { path: f, state: 'touch', modification_time: '199901010000.00', access_time: 'preserve' };
    expect(await converge(fixed, false)).toBe('changed');
    expect(statSync(f).atimeMs).toBe(5000);
  });

  it('creates every missing directory with the mode, as Ansible does', async () => {
    const d = tmp();
    const deep = path.join(d, 'x/y/z');
    expect(await converge({ path: deep, state: 'directory', mode: '0700' })).toBe('changed');
    expect([modeOf(path.join(d, 'x')), modeOf(path.join(d, 'x/y')), modeOf(deep)]).toEqual(['0700', '0700', '0700']);
  });
});

describe('file state: link and follow', () => {
  it("sets the attributes on the link's target by default (Ansible's realpath), on the link with follow: false", async () => {
    const d = tmp();
    const t = path.join(d, 't');
    writeFileSync(t, '');
    chmodSync(t, 0o644);
    const l = path.join(d, 'l');
    expect(await converge({ path: l, src: 't', state: 'link', mode: '0600' })).toBe('changed');
    expect([lstatSync(l).isSymbolicLink(), modeOf(t)]).toEqual([true, '0600']);
    // A link left without state stays a link; mode goes to its target.
    expect(await converge({ path: l, mode: 'g+r' })).toBe('changed');
    expect(modeOf(t)).toBe('0640');
    expect(await plan({ path: l, mode: '0600', follow: false })).toMatchObject({ kind: 'ok' });
  });
});

describe('file state: hard', () => {
  it('links a second name to src, compares inodes, and refuses a different file without force', async () => {
    const d = tmp();
    const src = path.join(d, 'src');
    writeFileSync(src, 'data');
    const h = path.join(d, 'h');
    expect(await converge({ path: h, src, state: 'hard', mode: '0600' })).toBe('changed');
    expect([statSync(h).ino, modeOf(src)]).toEqual([statSync(src).ino, '0600']);
    const other = path.join(d, 'other');
    writeFileSync(other, 'x');
    expect(await plan({ path: other, src, state: 'hard' })).toMatchObject({
      kind: 'failed',
      msg: 'Cannot link, file exists at destination',
    });
    expect(await converge({ path: other, src, state: 'hard', force: true })).toBe('changed');
    expect(statSync(other).ino).toBe(statSync(src).ino);
    expect(await plan({ path: path.join(d, 'n'), src: path.join(d, 'missing'), state: 'hard' })).toMatchObject({
      kind: 'failed',
      msg: 'src does not exist',
    });
    expect(await plan({ path: path.join(d, 'n'), state: 'hard' })).toMatchObject({
      kind: 'failed',
      msg: 'src is required for creating new hardlinks',
    });
  });
});

describe('file attributes', () => {
  it('sets lsattr flags with chattr, compared as Ansible compares them', async () => {
    const d = tmp();
    const f = path.join(d, 'f');
    writeFileSync(f, '');
    const flags = () => execFileSync('lsattr', ['-d', f], { encoding: 'utf8' }).split(' ')[0]!.replace(/-/g, '');
    const have = flags();
    const add = await plan({ path: f, attributes: `${have}A` }, true);
    expect(add).toMatchObject({ kind: 'change', diff: [{ header: `attributes of ${f}`, before: have, after: `=${have}A` }] });
    const real = await plan({ path: f, attributes: `${have}A` });
    if (real.kind === 'change') await real.apply();
    const now = flags();
    expect([...now].sort()).toEqual([...have, 'A'].sort());
    // The string is compared as lsattr prints it (Ansible: give the flags in lsattr's order).
    expect(await plan({ path: f, attributes: now })).toMatchObject({ kind: 'ok' });
    // '-' always runs chattr (Ansible reports changed every time).
    const minus = await plan({ path: f, attr: '-A' });
    expect(minus).toMatchObject({ kind: 'change' });
    if (minus.kind === 'change') await minus.apply();
    expect(flags()).toBe(have);
  });
});
