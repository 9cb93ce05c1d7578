// hostname: the one read, the strategy chosen as Ansible does (systemd when systemd runs and hostnamectl
// is there), the commands each strategy runs (permanent name first), the diff, and check mode (exact:
// a second hostname task after a predicted one is ok).
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { hostnameModule } from '../../../../modules/hostname/index.ts';
import { HOSTNAME_READ, parseHostnameFacts } from '../../../../modules/hostname/read.ts';
import { findModule } from '../../../../modules/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const host = (systemd: boolean, current: string, file: string | undefined) =>
  `systemd=${systemd ? 'yes' : 'no'}\nhostnamectl=yes\ncurrent=${current}\n--etc-hostname--\n${file ?? ''}`;

describe('hostname arguments and read', () => {
  it('needs a name of host-name characters; use is systemd or debian', () => {
    const issues = (args: Record<string, unknown>) => checkSchema(hostnameModule.schema, args, "module 'hostname'");
    expect(issues({ name: 'web-1.example.org', use: 'systemd' })).toEqual([]);
    expect(issues({ name: 'web1', use: 'debian' })).toEqual([]);
    expect(issues({ name: '-x' }).map((i) => i.path)).toEqual([['name']]);
    expect(issues({ name: 'a b;reboot' }).map((i) => i.path)).toEqual([['name']]);
    expect(issues({ name: 'a', use: 'alpine' }).map((i) => i.path)).toEqual([['use']]);
    expect(issues({})).toHaveLength(1);
    expect(findModule('ansible.builtin.hostname')).toBe(hostnameModule);
  });

  it('parses the read: systemd, hostnamectl, the live name and /etc/hostname trimmed', () => {
    expect(parseHostnameFacts(host(true, 'old', 'old-static\n'))).toEqual({
      systemd: true,
      hostnamectl: true,
      current: 'old',
      permanent: 'old-static',
    });
    expect(parseHostnameFacts('systemd=no\nhostnamectl=no\ncurrent=x\n--etc-hostname--\n')).toEqual({
      systemd: false,
      hostnamectl: false,
      current: 'x',
      permanent: '',
    });
  });
});

describe('hostname plan and apply', () => {
  it('ok when both names are set already, with the facts Ansible returns', async () => {
    const h = fakeHost({ answers: [['uname -n', host(true, 'web1.lan', 'web1.lan\n')]] });
    expect(await planModule(hostnameModule, { name: 'web1.lan' }, h)).toEqual({
      kind: 'ok',
      msg: 'the host name is web1.lan',
      data: { name: 'web1.lan', ansible_facts: { ansible_hostname: 'web1', ansible_nodename: 'web1.lan' } },
    });
    expect(h.commands).toEqual([HOSTNAME_READ]);
  });

  it('systemd: hostnamectl sets the permanent name first, then the live one; diff as Ansible', async () => {
    const h = fakeHost({ answers: [['uname -n', host(true, 'old', 'old\n')]] });
    const plan = await planModule(hostnameModule, { name: 'new' }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: "set the permanent (was 'old') and live (was 'old') host name to new",
      diff: [{ header: 'hostname', before: 'hostname = old\n', after: 'hostname = new\n' }],
    });
    if (plan.kind !== 'change') throw new Error('expected a change');
    expect(await plan.apply()).toMatchObject({ kind: 'changed', data: { name: 'new' } });
    expect(h.commands.slice(1)).toEqual(['hostnamectl --pretty --static set-hostname new', 'hostnamectl --transient set-hostname new']);
  });

  it('debian (no systemd running): writes /etc/hostname atomically and runs hostname; only what differs', async () => {
    const h = fakeHost({ answers: [['uname -n', host(false, 'old', 'new\n')]] });
    const plan = await planModule(hostnameModule, { name: 'new' }, h);
    if (plan.kind !== 'change') throw new Error('expected a change');
    await plan.apply();
    expect(h.commands.slice(1)).toEqual(['hostname new']);
    const file = fakeHost({ answers: [['uname -n', host(false, 'new', 'old\n')]] });
    const p2 = await planModule(hostnameModule, { name: 'new', use: 'debian' }, file);
    if (p2.kind !== 'change') throw new Error('expected a change');
    await p2.apply();
    expect(file.calls[1]?.command).toMatch(/mktemp[\s\S]*mv -f -- "\$tmp" \/etc\/hostname/);
    expect(file.calls[1]?.stdin).toBe('new\n');
    expect(file.commands).toHaveLength(2);
  });

  it('fails clearly: a failing hostnamectl, no hostnamectl with use: systemd, a name over 64 characters', async () => {
    const h = fakeHost({
      answers: [
        ['uname -n', host(true, 'old', 'old\n')],
        ['hostnamectl', { exitCode: 1, stderr: 'Could not set static hostname: Access denied' }],
      ],
    });
    const plan = await planModule(hostnameModule, { name: 'new' }, h);
    if (plan.kind !== 'change') throw new Error('expected a change');
    expect(await plan.apply()).toEqual({
      kind: 'failed',
      msg: 'hostnamectl --pretty --static set-hostname new failed: Could not set static hostname: Access denied',
    });
    const none = fakeHost({ answers: [['uname -n', 'systemd=no\nhostnamectl=no\ncurrent=a\n--etc-hostname--\na\n']] });
    expect(await planModule(hostnameModule, { name: 'b', use: 'systemd' }, none)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/hostnamectl/),
    });
    const long = fakeHost({ answers: [['uname -n', host(true, 'a', 'a\n')]] });
    expect(await planModule(hostnameModule, { name: 'x'.repeat(65) }, long)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/64 characters/),
    });
  });

  it('check mode is exact: it never applies, and a later task sees the predicted names', async () => {
    const h = fakeHost({ check: true, answers: [['uname -n', host(true, 'old', 'old\n')]] });
    expect(await planModule(hostnameModule, { name: 'new' }, h)).toMatchObject({ kind: 'change' });
    expect(await planModule(hostnameModule, { name: 'new' }, h)).toMatchObject({ kind: 'ok' });
    expect(await planModule(hostnameModule, { name: 'third' }, h)).toMatchObject({
      kind: 'change',
      diff: [{ header: 'hostname', before: 'hostname = new\n', after: 'hostname = third\n' }],
    });
    expect(h.commands.every((c) => c === HOSTNAME_READ)).toBe(true);
  });
});
