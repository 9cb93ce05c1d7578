// modprobe: probe parsing, decisions (built-in, loadable, no module support, persistence), and the apply
// script's file writes run under a real /bin/sh in a temporary directory.
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, lstatSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import {
  decideModprobe,
  modprobeApplyScript,
  modprobeModule,
  parseModprobeProbe,
  type ModprobeRequest,
  type ModuleStatus,
} from '../../../../modules/modprobe/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const none: ModuleStatus = { sys: false, loadable: false, proc: false, moduleSupport: true, builtin: false, listed: [] };
const req = (r: Partial<ModprobeRequest>): ModprobeRequest => ({
  name: 'br_netfilter',
  params: '',
  state: 'present',
  persistent: 'disabled',
  ...r,
});

describe('modprobe probe parsing', () => {
  it('reads flags, listing files and the options file', () => {
    const s = parseModprobeProbe(
      `@sys\n@modules\n@listed=/etc/modules-load.d/k8s.conf\t${b64('overlay\nbr_netfilter\n')}\n@options=${b64('options br_netfilter x=1\n')}\n`,
    );
    expect(s).toEqual({
      sys: true,
      loadable: false,
      proc: false,
      moduleSupport: true,
      builtin: false,
      listed: [{ path: '/etc/modules-load.d/k8s.conf', text: 'overlay\nbr_netfilter\n' }],
      options: 'options br_netfilter x=1\n',
    });
  });
});

describe('decideModprobe', () => {
  it('is ok for a built-in module (/sys/module without initstate) and never loads it', () => {
    expect(decideModprobe(req({ name: 'overlay' }), { ...none, sys: true })).toEqual({
      kind: 'ok',
      msg: 'overlay is loaded (built into the kernel)',
    });
  });

  it('is ok, saying why, on a kernel without module support', () => {
    expect(decideModprobe(req({}), { ...none, moduleSupport: false })).toEqual({
      kind: 'ok',
      msg: 'br_netfilter is built in or unavailable: this kernel cannot load modules (no /proc/modules), so nothing was loaded',
    });
  });

  it('loads a loadable module with its params quoted word by word', () => {
    const d = decideModprobe(req({ params: `max_loop=8 "x=a b"` }), none);
    expect(d).toMatchObject({
      kind: 'change',
      msg: 'load br_netfilter max_loop=8 "x=a b"',
      command: "modprobe -- br_netfilter max_loop=8 'x=a b'",
    });
  });

  it('unloads a loadable module but refuses a built-in one', () => {
    expect(decideModprobe(req({ state: 'absent' }), { ...none, sys: true, loadable: true, proc: true })).toMatchObject({
      command: 'modprobe -r -- br_netfilter',
    });
    expect(decideModprobe(req({ state: 'absent' }), { ...none, sys: true })).toEqual({
      kind: 'failed',
      msg: 'br_netfilter is built into the kernel and cannot be unloaded',
    });
    expect(decideModprobe(req({ state: 'absent' }), none).kind).toBe('ok');
  });

  it('persistent: writes its own modules-load.d file unless some file already lists the module', () => {
    const built = { ...none, sys: true };
    expect(decideModprobe(req({ persistent: 'present' }), built)).toMatchObject({
      kind: 'change',
      msg: 'write /etc/modules-load.d/br_netfilter.conf',
      files: [{ path: '/etc/modules-load.d/br_netfilter.conf', text: 'br_netfilter\n', remove: false }],
      diff: [{ header: '/etc/modules-load.d/br_netfilter.conf', before: '', after: 'br_netfilter\n' }],
    });
    const listed = { ...built, listed: [{ path: '/etc/modules-load.d/k8s.conf', text: 'overlay\nbr_netfilter\n' }] };
    expect(decideModprobe(req({ persistent: 'present' }), listed).kind).toBe('ok');
    expect(decideModprobe(req({ persistent: 'present', params: 'x=1' }), listed)).toMatchObject({
      files: [{ path: '/etc/modprobe.d/br_netfilter.conf', text: 'options br_netfilter x=1\n' }],
    });
  });

  it('persistent absent: removes only the module lines, and its own file when nothing else is left', () => {
    const s = {
      ...none,
      sys: true,
      listed: [
        { path: '/etc/modules-load.d/k8s.conf', text: 'overlay\n br_netfilter \n' },
        { path: '/etc/modules-load.d/br_netfilter.conf', text: 'br_netfilter\n' },
      ],
      options: 'options br_netfilter x=1\n',
    };
    expect(decideModprobe(req({ persistent: 'absent' }), s)).toMatchObject({
      files: [
        { path: '/etc/modules-load.d/k8s.conf', text: 'overlay\n', remove: false },
        { path: '/etc/modules-load.d/br_netfilter.conf', remove: true },
        { path: '/etc/modprobe.d/br_netfilter.conf', remove: true },
      ],
    });
  });

  it('validates names so they are safe in paths', () => {
    const issues = (a: unknown) => checkSchema(modprobeModule.schema, a, "module 'modprobe'");
    expect(issues({ name: 'br_netfilter', persistent: 'present', params: 'a=1' })).toEqual([]);
    expect(issues({ name: '../../etc/passwd' })).toHaveLength(1);
    expect(issues({ name: 'x', persistent: 'yes' })).toHaveLength(1);
  });
});

describe('modprobe in check mode: predicted state', () => {
  it('records the module loaded and its boot file; the same task again is ok', async () => {
    const host = fakeHost({ check: true, reply: '@modules\n' });
    const args = { name: 'br_netfilter', persistent: 'present' };
    expect(await planModule(modprobeModule, args, host)).toMatchObject({
      kind: 'change',
      msg: 'load br_netfilter; write /etc/modules-load.d/br_netfilter.conf',
    });
    expect(host.predicted.file('/sys/module/br_netfilter')).toEqual({ type: 'directory' });
    expect(host.predicted.file('/etc/modules-load.d/br_netfilter.conf')).toMatchObject({
      type: 'file',
      content: 'br_netfilter\n',
      mode: '0644',
      size: 13,
    });
    expect(await planModule(modprobeModule, args, host)).toMatchObject({
      kind: 'ok',
      msg: 'br_netfilter is loaded, listed in /etc/modules-load.d/br_netfilter.conf',
    });
    expect(host.commands).toHaveLength(2);
  });

  it('reads predicted texts of listing and options files, and is unknown for a text it cannot know', async () => {
    const host = fakeHost({
      check: true,
      reply: `@sys\n@modules\n@listed=/etc/modules-load.d/k8s.conf\t${b64('overlay\nbr_netfilter\n')}\n@attrs=/etc/modules-load.d/k8s.conf\t640 root root /etc/modules-load.d/k8s.conf\n`,
    });
    const args = { name: 'br_netfilter', persistent: 'present' };
    expect((await planModule(modprobeModule, args, host)).kind).toBe('ok');
    host.predicted.setFile('/etc/modules-load.d/k8s.conf', { type: 'file', content: 'overlay\n' });
    expect(await planModule(modprobeModule, args, host)).toMatchObject({
      kind: 'change',
      msg: 'write /etc/modules-load.d/br_netfilter.conf',
    });
    host.predicted.setFile('/etc/modules-load.d/k8s.conf', { type: 'file', checksum: 'ab'.repeat(32) });
    expect(await planModule(modprobeModule, { name: 'overlay', persistent: 'present' }, host)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(/k8s.conf with text check mode does not know/),
    });
  });

  it("keeps an existing file's mode when it records a rewrite", async () => {
    const host = fakeHost({
      check: true,
      reply: `@sys\n@loadable\n@proc\n@modules\n@listed=/etc/modules-load.d/k8s.conf\t${b64('overlay\nbr_netfilter\n')}\n@attrs=/etc/modules-load.d/k8s.conf\t640 root adm /etc/modules\n`,
    });
    await planModule(modprobeModule, { name: 'br_netfilter', persistent: 'absent' }, host);
    expect(host.predicted.file('/etc/modules')).toMatchObject({ type: 'file', content: 'overlay\n', mode: '0640', group: 'adm' });
  });
});

describe('modprobe apply script (real /bin/sh)', () => {
  it('writes through a symlinked listing file, replaces atomically and removes files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-modprobe-'));
    writeFileSync(path.join(dir, 'modules'), 'loop\nbr_netfilter\n', { mode: 0o640 });
    symlinkSync('modules', path.join(dir, 'modules.conf'));
    writeFileSync(path.join(dir, 'old.conf'), 'x\n');
    const script = modprobeApplyScript({
      kind: 'change',
      msg: '',
      done: '',
      diff: [],
      files: [
        { path: path.join(dir, 'modules.conf'), text: 'loop\n', remove: false },
        { path: path.join(dir, 'sub', "it's.conf"), text: "it's\n", remove: false },
        { path: path.join(dir, 'old.conf'), text: '', remove: true },
      ],
    });
    const r = await new LocalConnection('local').exec(script);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(lstatSync(path.join(dir, 'modules.conf')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'modules'), 'utf8')).toBe('loop\n');
    expect(lstatSync(path.join(dir, 'modules')).mode & 0o777).toBe(0o640);
    expect(readFileSync(path.join(dir, 'sub', "it's.conf"), 'utf8')).toBe("it's\n");
    expect(existsSync(path.join(dir, 'old.conf'))).toBe(false);
  });
});
