// sysctl: ignoreerrors, switches given as templated words, values given as numbers, booleans and
// templates, and Ansible's other argument names (key, val).
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { renderValue } from '../../../../engine/template/render.ts';
import type { Plan } from '../../../../engine/types.ts';
import { normalizeValue, sysctlModule } from '../../../../modules/sysctl/index.ts';
import { flag } from '../../../../modules/sysctl/text.ts';
import { fakeHost, type FakeHost } from '../../../support/fakeHost.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const FILE = '/etc/sysctl.d/90-kernel.conf';
const WHERE = { file: 'roles/kernel/tasks/main.yml', line: 3, column: 5 };

/** A host whose probe says: the key exists (live value given) or not, and the file's text. */
function host(probe: { live?: string; file?: string }, check = false): FakeHost {
  const out = [
    ...(probe.live !== undefined ? [`@live=${b64(`${probe.live}\n`)}`, '@writable', '@exists'] : []),
    ...(probe.file !== undefined ? [`@file=${b64(probe.file)}`] : []),
  ].join('\n');
  return fakeHost({
    check,
    answers: [
      [(c) => c.startsWith('p='), `${out}\n`],
      [(c) => c.startsWith('set -e'), `@live=${b64('1\n')}\n@reload=0 \n`],
    ],
  });
}

/** The task's arguments rendered with the variables, as the run renders them before the schema check. */
function rendered(args: Record<string, unknown>, vars: Record<string, unknown>): Record<string, unknown> {
  const a = renderValue(canonicalArgs(sysctlModule.schema, args).args, vars, WHERE) as Record<string, unknown>;
  expect(checkSchema(sysctlModule.schema, a, "module 'sysctl'")).toEqual([]);
  return a;
}

describe('ignoreerrors', () => {
  const unknown = { name: 'net.netfilter.nf_conntrack_max', value: '262144', sysctl_file: FILE };

  it('writes the file of a key the kernel does not have, and says the key was ignored', async () => {
    const h = host({ file: '' });
    const plan = (await planModule(sysctlModule, { ...unknown, ignoreerrors: true }, h)) as Extract<Plan, { kind: 'change' }>;
    expect(plan).toMatchObject({
      kind: 'change',
      msg: `write net.netfilter.nf_conntrack_max=262144 to ${FILE} (unknown key net.netfilter.nf_conntrack_max ignored: ignoreerrors); reload ${FILE}`,
      diff: [{ header: FILE, before: '', after: 'net.netfilter.nf_conntrack_max=262144\n' }],
    });
    await plan.apply();
    // Only the file is written and reloaded with -e: no sysctl -w for a key without a /proc/sys entry.
    expect(h.commands[1]).not.toMatch(/sysctl -w/);
    expect(h.commands[1]).toMatch(/mv -f -- "\$tmp" "\$f"\nr=0; err=\$\(sysctl -e -p -- \/etc\/sysctl.d\/90-kernel.conf /);
  });

  it('is ok when the file already has the line, and fails without ignoreerrors', async () => {
    const file = 'net.netfilter.nf_conntrack_max=262144\n';
    expect(await planModule(sysctlModule, { ...unknown, ignoreerrors: 'yes' }, host({ file }))).toMatchObject({
      kind: 'ok',
      msg: `net.netfilter.nf_conntrack_max = 262144 in ${FILE} (unknown key net.netfilter.nf_conntrack_max ignored: ignoreerrors)`,
    });
    expect(await planModule(sysctlModule, { ...unknown, ignoreerrors: false }, host({ file }))).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^unknown sysctl key net\.netfilter\.nf_conntrack_max/),
    });
  });

  it('changes nothing for a key the kernel has: its live value is still set', async () => {
    const plan = await planModule(sysctlModule, { ...unknown, ignoreerrors: true }, host({ live: '65536', file: '' }));
    expect(plan).toMatchObject({
      kind: 'change',
      msg: `set net.netfilter.nf_conntrack_max = 262144 live (was 65536); write net.netfilter.nf_conntrack_max=262144 to ${FILE}; reload ${FILE}`,
    });
  });

  it('in check mode predicts the file and no live value for an ignored key', async () => {
    const h = host({ file: '' }, true);
    await planModule(sysctlModule, { ...unknown, ignoreerrors: true }, h);
    expect(h.predicted.file(FILE)).toMatchObject({ type: 'file', content: 'net.netfilter.nf_conntrack_max=262144\n' });
    expect(h.predicted.file('/proc/sys/net/netfilter/nf_conntrack_max')).toBeUndefined();
    expect(await planModule(sysctlModule, { ...unknown, ignoreerrors: true }, h)).toMatchObject({ kind: 'ok' });
  });
});

describe('the iamenr0s kernel-configuration task, templated', () => {
  const task = {
    name: '{{ item.key }}',
    value: '{{ item.value }}',
    state: 'present',
    sysctl_file: '{{ f }}',
    reload: '{{ kernel_reload_effective }}',
    sysctl_set: true,
    ignoreerrors: '{{ kernel_parameters_sysctl_ignoreerrors }}',
  };

  it('takes switches rendered as booleans or as words, and a value rendered as a number', async () => {
    const vars = {
      item: { key: 'vm.swappiness', value: 10 },
      f: FILE,
      kernel_reload_effective: 'no',
      kernel_parameters_sysctl_ignoreerrors: false,
    };
    const a = rendered(task, vars);
    expect(a).toMatchObject({ value: 10, reload: 'no', ignoreerrors: false });
    expect(await planModule(sysctlModule, a, host({ live: '10', file: 'vm.swappiness = 10\n' }))).toMatchObject({
      kind: 'ok',
      msg: `vm.swappiness = 10 in ${FILE} and live`,
    });
    // sysctl_set: true still manages the live value with reload rendered to 'no'.
    expect((await planModule(sysctlModule, a, host({ live: '60', file: 'vm.swappiness = 10\n' }))).kind).toBe('change');
    // Neither reload nor sysctl_set: the live value is left alone.
    const fileOnly = rendered({ ...task, sysctl_set: '{{ 0 }}' }, vars);
    expect(await planModule(sysctlModule, fileOnly, host({ live: '60', file: 'vm.swappiness = 10\n' }))).toMatchObject({
      kind: 'ok',
      msg: `vm.swappiness = 10 in ${FILE}`,
    });
  });

  it('refuses a switch that renders to something that is not a boolean, naming where', () => {
    const a = renderValue(
      task,
      { item: { key: 'a.b', value: 1 }, f: FILE, kernel_reload_effective: 'sometimes', kernel_parameters_sysctl_ignoreerrors: true },
      WHERE,
    );
    const issues = checkSchema(sysctlModule.schema, a, "module 'sysctl'");
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['reload']);
  });

  it('compares values given as numbers, booleans, words and templates the way Ansible parses them', async () => {
    for (const value of [1, true, 'yes', 'True', 'on', 'y', 't', '1', ' 1 ', '{{ one }}', '{{ yes_ }}']) {
      const a = rendered({ key: 'net.ipv4.ip_forward', val: value, sysctl_file: FILE }, { one: 1, yes_: true });
      const plan = await planModule(sysctlModule, a, host({ live: '1', file: 'net.ipv4.ip_forward=1\n' }));
      expect(plan.kind, String(value)).toBe('ok');
    }
    for (const value of [0, false, 'no', 'off', 'n', 'f', 'False']) expect(normalizeValue(value), String(value)).toBe('0');
    const two = rendered({ key: 'net.ipv4.ip_local_port_range', val: '{{ lo }} {{ hi }}', sysctl_file: FILE }, { lo: 32768, hi: 60999 });
    expect(
      await planModule(sysctlModule, two, host({ live: '32768\t60999', file: 'net.ipv4.ip_local_port_range = 32768 60999\n' })),
    ).toMatchObject({ kind: 'ok' });
  });

  it('reads switch words as Ansible booleans', () => {
    expect([flag(undefined, true), flag(undefined, false), flag('yes', false), flag('Off', true), flag(1, false), flag(0, true)]).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });
});
