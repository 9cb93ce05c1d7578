// sysctl: key paths, value normalisation, file editing, the plan over a fake host, and the apply
// script's file write under a real /bin/sh.
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { Plan } from '../../../../engine/types.ts';
import {
  keyPath,
  normalizeValue,
  parseSysctlProbe,
  removeLines,
  setLine,
  sysctlApplyScript,
  sysctlModule,
} from '../../../../modules/sysctl/index.ts';
import { fakeHost, type FakeHost } from '../../../support/fakeHost.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('keys and values', () => {
  it('maps keys to /proc/sys paths the way sysctl does', () => {
    expect(keyPath('net.ipv4.ip_forward')).toBe('net/ipv4/ip_forward');
    expect(keyPath('net/ipv4/conf/eth0.100/forwarding')).toBe('net/ipv4/conf/eth0.100/forwarding');
    expect(keyPath('net.ipv4.conf.eth0/100.forwarding')).toBe('net/ipv4/conf/eth0.100/forwarding');
  });

  it('normalises booleans and whitespace', () => {
    expect(normalizeValue(true)).toBe('1');
    expect(normalizeValue('no')).toBe('0');
    expect(normalizeValue(1)).toBe('1');
    expect(normalizeValue('32768\t60999\n')).toBe('32768 60999');
  });
});

describe('file editing', () => {
  it('appends, replaces the first line in place and drops duplicates', () => {
    expect(setLine('', 'net.ipv4.ip_forward', '1')).toBe('net.ipv4.ip_forward=1\n');
    expect(setLine('# c\nvm.swappiness=10', 'net.ipv4.ip_forward', '1')).toBe('# c\nvm.swappiness=10\nnet.ipv4.ip_forward=1\n');
    expect(setLine('a=1\nnet.ipv4.ip_forward = 0\nb=2\nnet/ipv4/ip_forward=1\n', 'net.ipv4.ip_forward', '1')).toBe(
      'a=1\nnet.ipv4.ip_forward=1\nb=2\n',
    );
    expect(setLine('# net.ipv4.ip_forward=0\n', 'net.ipv4.ip_forward', '1')).toBe('# net.ipv4.ip_forward=0\nnet.ipv4.ip_forward=1\n');
  });

  it('leaves a file that already says so untouched, whatever its spacing', () => {
    const text = 'net.ipv4.ip_forward = 1\n';
    expect(setLine(text, 'net.ipv4.ip_forward', '1')).toBe(text);
    expect(setLine('-net.ipv4.ip_local_port_range =  1024   65000', 'net.ipv4.ip_local_port_range', '1024 65000')).toBe(
      '-net.ipv4.ip_local_port_range =  1024   65000',
    );
  });

  it('removes every line of the key', () => {
    expect(removeLines('a=1\nnet.ipv4.ip_forward=1\n', 'net.ipv4.ip_forward')).toBe('a=1\n');
    expect(removeLines('a=1\n', 'net.ipv4.ip_forward')).toBe('a=1\n');
  });
});

/** The answer to reload's read of a file's keys: the first three exist and are writable. */
const RELOAD_KEYS = '@e0\n@w0\n@e1\n@w1\n@e2\n@w2\n';

/** A fake host answering the probe with given live value and file, and the live write with the new value. */
function sysctlHost(probe: { live?: string; writable?: boolean; file?: string }, check = false): FakeHost {
  const out = [
    ...(probe.live !== undefined ? [`@live=${b64(`${probe.live}\n`)}`, ...(probe.writable !== false ? ['@writable'] : []), '@exists'] : []),
    ...(probe.file !== undefined ? [`@file=${b64(probe.file)}`] : []),
  ].join('\n');
  return fakeHost({
    check,
    answers: [
      // reload's read of the file's keys (sysctl -p sets them all): each exists and is writable.
      [(c) => c.includes('echo @e0'), RELOAD_KEYS],
      [(c) => c.startsWith('p='), `${out}\n`],
      [(c) => c.startsWith('set -e'), `@live=${b64(`${probe.live === '0' ? '1' : probe.live}\n`)}\n@reload=0 \n`],
    ],
  });
}

const FILE = '/etc/sysctl.d/99-kubernetes-cri.conf';
const args = { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: FILE };

describe('sysctl plan', () => {
  it('parses the probe', () => {
    expect(parseSysctlProbe(`@live=${b64('0\n')}\n@writable\n@exists\n@file=${b64('x=1\n')}\n`)).toEqual({
      live: '0\n',
      liveReadable: true,
      writable: true,
      file: 'x=1\n',
      fileIsOther: false,
    });
    expect(parseSysctlProbe('')).toEqual({ liveReadable: false, writable: false, fileIsOther: false });
  });

  it('is ok with one probe when file and live value agree', async () => {
    const host = sysctlHost({ live: '1', file: 'net.ipv4.ip_forward=1\n' });
    expect(await planModule(sysctlModule, args, host)).toMatchObject({ kind: 'ok', msg: `net.ipv4.ip_forward = 1 in ${FILE} and live` });
    expect(host.commands).toHaveLength(1);
  });

  it('corrects a drifted live value even when the file is right', async () => {
    const host = sysctlHost({ live: '0', file: 'net.ipv4.ip_forward=1\n' });
    const plan = (await planModule(sysctlModule, args, host)) as Extract<Plan, { kind: 'change' }>;
    expect(plan).toMatchObject({
      kind: 'change',
      msg: `set net.ipv4.ip_forward = 1 live (was 0); reload ${FILE}`,
      diff: [{ header: 'live value of net.ipv4.ip_forward', before: '0', after: '1' }],
    });
    expect(await plan.apply()).toEqual({ kind: 'changed', msg: `set net.ipv4.ip_forward = 1 live (was 0); reloaded ${FILE}` });
    // Ansible's reload: sysctl -p <file> after the change, its exit code and stderr sent back.
    expect(host.commands[1]).toBe(
      [
        'set -e',
        'sysctl -w -- net.ipv4.ip_forward=1 >/dev/null',
        `printf '@live=%s\\n' "$(base64 -w0 < /proc/sys/net/ipv4/ip_forward)"`,
        `r=0; err=$(sysctl -p -- ${FILE} 2>&1 >/dev/null) || r=$?`,
        `printf '@reload=%s %s\\n' "$r" "$(printf '%s' "$err" | base64 -w0)"`,
      ].join('\n'),
    );
  });

  it('leaves the live value alone with reload: false, and sets it with sysctl_set', async () => {
    expect(
      (await planModule(sysctlModule, { ...args, reload: false }, sysctlHost({ live: '0', file: 'net.ipv4.ip_forward=1\n' }))).kind,
    ).toBe('ok');
    expect(
      (
        await planModule(
          sysctlModule,
          { ...args, reload: false, sysctl_set: true },
          sysctlHost({ live: '0', file: 'net.ipv4.ip_forward=1\n' }),
        )
      ).kind,
    ).toBe('change');
  });

  it('fails on an unknown key before writing anything', async () => {
    const host = sysctlHost({ file: '' });
    expect(await planModule(sysctlModule, { ...args, name: 'net.ipv4.no_such_key' }, host)).toMatchObject({
      kind: 'failed',
      msg: `unknown sysctl key net.ipv4.no_such_key: /proc/sys/net/ipv4/no_such_key does not exist on this host; ${FILE} was not changed`,
    });
    expect(host.commands).toHaveLength(1);
    // With neither reload nor sysctl_set only the file is managed, so the key may be one that appears later.
    expect((await planModule(sysctlModule, { ...args, name: 'net.ipv4.no_such_key', reload: false }, sysctlHost({ file: '' }))).kind).toBe(
      'change',
    );
  });

  it('fails in the plan when the live value differs and /proc/sys is read-only', async () => {
    expect(await planModule(sysctlModule, args, sysctlHost({ live: '0', writable: false, file: '' }))).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/read-only on this host/),
    });
  });

  it('removes the key from the file for state: absent, without touching the live value', async () => {
    const plan = await planModule(
      sysctlModule,
      { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: FILE },
      sysctlHost({ live: '1', file: 'a=1\nnet.ipv4.ip_forward=1\n' }),
    );
    expect(plan).toMatchObject({
      kind: 'change',
      msg: `remove net.ipv4.ip_forward from ${FILE}; reload ${FILE}`,
      // sysctl -p sets the file's other keys too (the fake host shows a live value '' for a).
      diff: [
        { header: FILE, after: 'a=1\n' },
        { header: `live value of a (reloaded from ${FILE})`, before: '', after: '1' },
      ],
    });
  });

  it('validates its arguments', () => {
    const issues = (a: unknown) => checkSchema(sysctlModule.schema, a, "module 'sysctl'").map((i) => i.message);
    expect(issues({ name: 'net.ipv4.ip_forward', value: 1, sysctl_set: true, reload: true })).toEqual([]);
    expect(issues({ name: 'net.ipv4.ip_forward', state: 'absent' })).toEqual([]);
    expect(issues({ name: 'net.ipv4.ip_forward' })[0]).toMatch(/missing required argument 'value'/);
    expect(issues({ name: '../../etc/shadow', value: 1 })).toHaveLength(1);
    expect(issues({ name: 'a.b', value: 1, ignoreerrors: true })).toEqual([]);
    expect(issues({ name: 'a.b', value: 1, ignoreerrors: 'maybe' })).toHaveLength(1);
    expect(issues({ name: 'a.b', value: 1, reload: 2 })).toHaveLength(1);
    expect(issues({ name: 'a.b', value: 1, reloads: true })[0]).toMatch(/unknown argument 'reloads'/);
  });
});

describe('sysctl in check mode: predicted state', () => {
  it('loop items writing one file see each other: the file text and live values are predicted', async () => {
    const host = sysctlHost({ live: '0' }, true);
    const first = await planModule(sysctlModule, args, host);
    expect(first).toMatchObject({
      kind: 'change',
      msg: `set net.ipv4.ip_forward = 1 live (was 0); write net.ipv4.ip_forward=1 to ${FILE}; reload ${FILE}`,
    });
    expect(host.predicted.file(FILE)).toMatchObject({
      type: 'file',
      content: 'net.ipv4.ip_forward=1\n',
      mode: '0644',
      owner: 'root',
      size: 22,
    });
    expect(host.predicted.file('/proc/sys/net/ipv4/ip_forward')).toEqual({ type: 'file', content: '1\n' });
    const second = await planModule(sysctlModule, { ...args, name: 'net.ipv4.conf.all.forwarding' }, host);
    expect(second).toMatchObject({
      diff: [
        { header: 'live value of net.ipv4.conf.all.forwarding' },
        { header: FILE, before: 'net.ipv4.ip_forward=1\n', after: 'net.ipv4.ip_forward=1\nnet.ipv4.conf.all.forwarding=1\n' },
      ],
    });
    // The first key again: as the real run would find it after the loop.
    expect(await planModule(sysctlModule, args, host)).toMatchObject({ kind: 'ok', msg: `net.ipv4.ip_forward = 1 in ${FILE} and live` });
    // Three probes: the first key, which the second item's reload sets too, is known from the first
    // item's prediction, so no read of it.
    expect(host.commands).toHaveLength(3);
    expect(host.commands.some((c) => c.includes('echo @e0'))).toBe(false);
  });

  it("keeps the mode and owner of an existing file, and writes a symlink's target", async () => {
    const host = sysctlHost({ live: '1', file: 'a=1\n' }, true);
    const run = host.run;
    host.run = async (c, o) => {
      const r = await run(c, o);
      return c.startsWith('p=') ? { ...r, stdout: `${r.stdout}@real=600 root adm /etc/sysctl.conf\n` } : r;
    };
    await planModule(sysctlModule, { ...args, sysctl_file: '/etc/sysctl.d/99-sysctl.conf' }, host);
    expect(host.predicted.file('/etc/sysctl.conf')).toMatchObject({
      type: 'file',
      content: 'a=1\nnet.ipv4.ip_forward=1\n',
      mode: '0600',
      group: 'adm',
    });
  });

  it('is unknown when an earlier task writes the file with text check mode does not know', async () => {
    const host = sysctlHost({ live: '1' }, true);
    host.predicted.setFile(FILE, { type: 'file', checksum: 'ab'.repeat(32) });
    expect(await planModule(sysctlModule, args, host)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(/earlier task would write .* with text check mode does not know/),
    });
    host.predicted.setFile(FILE, { type: 'absent' });
    expect(await planModule(sysctlModule, args, host)).toMatchObject({
      kind: 'change',
      msg: `write net.ipv4.ip_forward=1 to ${FILE}; reload ${FILE}`,
    });
  });

  it('records nothing outside check mode', async () => {
    const host = sysctlHost({ live: '0' });
    await planModule(sysctlModule, args, host);
    expect(host.predicted.file(FILE)).toBeUndefined();
  });
});

describe('sysctl: a new file in a missing directory (#14: its read is a second probe stage)', () => {
  const NEW = '/etc/sysctl.d/new/90-fp.conf';
  /** The probe says the file's directory is missing; stat answers: /etc/sysctl.d/new absent, its parent a directory or a file. */
  const host = (parent: 'directory' | 'file', check: boolean): FakeHost =>
    fakeHost({
      check,
      answers: [
        [(c) => c.startsWith('p='), `@live=${b64('0\n')}\n@writable\n@exists\n@noparent\n`],
        ['[ -L /etc/sysctl.d/new ]', 'type=absent\n'],
        ['[ -L /etc/sysctl.d ]', `type=${parent}\nmode=755\nowner=root\ngroup=root\nsize=0\n`],
      ],
    });

  it('reads the missing directories after the probe and, in check mode, predicts them', async () => {
    const h = host('directory', true);
    const plan = await planModule(sysctlModule, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: NEW }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: `set net.ipv4.ip_forward = 1 live (was 0); write net.ipv4.ip_forward=1 to ${NEW}; reload ${NEW}`,
    });
    expect(h.commands).toHaveLength(3);
    expect(h.predicted.file('/etc/sysctl.d/new')).toEqual({ type: 'directory', mode: '0755', owner: 'root', group: 'root' });
    expect(h.predicted.file(NEW)).toMatchObject({ type: 'file', content: 'net.ipv4.ip_forward=1\n', mode: '0644' });
  });

  it('fails in both modes when an ancestor is a file (mkdir -p would)', async () => {
    for (const check of [false, true]) {
      const h = host('file', check);
      expect(await planModule(sysctlModule, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: NEW }, h)).toMatchObject({
        kind: 'failed',
        msg: 'sysctl net.ipv4.ip_forward: cannot create /etc/sysctl.d/new: /etc/sysctl.d exists and is not a directory',
        data: { name: 'net.ipv4.ip_forward' },
      });
      expect(h.predicted.file('/etc/sysctl.d/new')).toBeUndefined();
    }
  });

  it('reads no directory when the file exists or only the live value changes', async () => {
    const h = sysctlHost({ live: '0', file: 'net.ipv4.ip_forward=1\n' });
    await planModule(sysctlModule, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: NEW }, h);
    expect(h.commands).toHaveLength(1);
  });
});

describe('sysctl apply script (real /bin/sh)', () => {
  it('writes the target of a symlinked file atomically, keeping its mode and the link', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-sysctl-'));
    writeFileSync(path.join(dir, 'sysctl.conf'), 'old\n', { mode: 0o600 });
    symlinkSync('sysctl.conf', path.join(dir, '99-sysctl.conf'));
    const content = "net.ipv4.ip_forward=1\n# it's $(not run)\n";
    const script = sysctlApplyScript({
      name: 'net.ipv4.ip_forward',
      value: '1',
      file: path.join(dir, '99-sysctl.conf'),
      setLive: false,
      content,
      done: '',
    });
    const r = await new LocalConnection('local').exec(script, { stdin: content });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'sysctl.conf'), 'utf8')).toBe(content);
    expect(lstatSync(path.join(dir, '99-sysctl.conf')).isSymbolicLink()).toBe(true);
    expect(lstatSync(path.join(dir, 'sysctl.conf')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['99-sysctl.conf', 'sysctl.conf']);
  });
});
