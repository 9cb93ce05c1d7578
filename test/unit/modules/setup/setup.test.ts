// The setup module (modules/setup/) on a fake host and on this machine: one read, the filter, its failures.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { setupModule } from '../../../../modules/setup/index.ts';
import type { Vars } from '../../../../engine/types.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';
import { moduleRegistry } from '../../../../modules/index.ts';

const OUTPUT = [
  'uname\tLinux web-1 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64',
  'os\tID=debian',
  'os\tVERSION_ID="12"',
  'os\tPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'debian_version\t12.5',
].join('\n');

const factsOf = (p: { data?: Vars }): Vars => (p.data?.ansible_facts ?? {}) as Vars;

describe('setup', () => {
  it('returns ansible_-prefixed facts from one read-only command, in check mode as well', async () => {
    for (const check of [false, true]) {
      const ctx = fakeHost({ check, reply: OUTPUT });
      const p = await planModule(setupModule, {}, ctx);
      expect(p.kind).toBe('ok');
      expect(factsOf(p)).toMatchObject({
        ansible_distribution: 'Debian',
        ansible_distribution_version: '12.5',
        ansible_kernel: '6.1.0-18-amd64',
      });
      expect(factsOf(p).ansible_gather_subset).toEqual(['all']);
      expect(ctx.commands).toHaveLength(1);
    }
  });

  it('keeps what the filter names, and gathers only the subsets asked for', async () => {
    const ctx = fakeHost({ reply: OUTPUT });
    const p = await planModule(setupModule, { filter: 'ansible_distribution*,kernel', gather_subset: ['!all'] }, ctx);
    expect(Object.keys(factsOf(p)).sort()).toEqual([
      'ansible_distribution',
      'ansible_distribution_file_parsed',
      'ansible_distribution_file_path',
      'ansible_distribution_file_variety',
      'ansible_distribution_major_version',
      'ansible_distribution_minor_version',
      'ansible_distribution_release',
      'ansible_distribution_version',
      'ansible_kernel',
    ]);
    expect(ctx.commands[0]).not.toContain('/proc/cpuinfo');
  });

  it('fails on a bad subset before anything is sent, and on a command that fails or times out', async () => {
    const bad = fakeHost({ reply: OUTPUT });
    await expect(planModule(setupModule, { gather_subset: ['hardwar'] }, bad)).rejects.toThrow("Bad subset 'hardwar' given to Ansible");
    expect(bad.commands).toHaveLength(0);
    const failing = await planModule(setupModule, {}, fakeHost({ reply: { exitCode: 2, stderr: 'boom' } }));
    expect(failing).toMatchObject({ kind: 'failed', msg: 'fact gathering failed: boom' });
    const slow = await planModule(setupModule, { gather_timeout: 3 }, fakeHost({ reply: { exitCode: -1, timedOut: true } }));
    expect(slow).toMatchObject({ kind: 'failed', msg: 'fact gathering timed out after 3 s (gather_timeout)' });
  });

  it('refuses arguments Ansible does not have here (fact_path: no local facts)', () => {
    expect(checkSchema(setupModule.schema, { fact_path: '/etc/ansible/facts.d' }, "module 'setup'")).not.toEqual([]);
    expect(checkSchema(setupModule.schema, { gather_timeout: 0 }, "module 'setup'")).not.toEqual([]);
  });

  it('on this machine: its own facts', async () => {
    const p = await planModule(setupModule, { filter: ['ansible_user_uid', 'ansible_system'] }, fakeHost({ reply: runLocally }));
    expect(factsOf(p)).toEqual({ ansible_system: 'Linux', ansible_user_uid: process.getuid?.() });
  });

  it('is also the gather_facts action, under its short and ansible.builtin. names', () => {
    expect(moduleRegistry.find('gather_facts')?.name).toBe('setup');
    expect(moduleRegistry.find('ansible.builtin.gather_facts')?.name).toBe('setup');
  });
});
