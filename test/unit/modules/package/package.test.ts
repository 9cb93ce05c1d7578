// package: arguments (apt's, plus use and the old state words), how the package manager is found
// (use, ansible_package_use, gathered facts, else one fact read), and dispatch to the apt module's own
// steps on apt hosts with a clear failure elsewhere; check mode predicts as apt does.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { createSlotStore } from '../../../../engine/stateSlots.ts';
import type { Plan, Vars } from '../../../../engine/types.ts';
import { aptModule } from '../../../../modules/apt/index.ts';
import { findModule } from '../../../../modules/index.ts';
import { knownManager } from '../../../../modules/package/detect.ts';
import { packageModule, unsupportedManager } from '../../../../modules/package/index.ts';
import { toAptArgs } from '../../../../modules/package/schema.ts';
import { fakeHost, type FakeHostOptions } from '../../../support/fakeHost.ts';

const framed = (name: string, out: string, rc = 0, err = '') =>
  `@@begin ${name}\n${out}\n@@end ${name} ${rc}\n${err
    .split('\n')
    .filter(Boolean)
    .map((l) => `@@err ${name} ${l}\n`)
    .join('')}`;
const cacheLines = (now: number, lists: number) => `@@kv now ${now}\n@@kv stamp \n@@kv lists ${lists}\n@@kv indexes 1\n`;
const TREE_MISSING = framed('dpkg', '', 1, 'dpkg-query: no packages found matching tree') + cacheLines(1000, 900);
const TREE_INSTALLED = framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') + cacheLines(1000, 900);
const TREE_SIM = framed('sim', 'Inst tree (2.1.0-1 Debian:12.15/oldstable [amd64])\nConf tree (2.1.0-1 Debian)');

// What the fact command prints for the pkg_mgr collector (and the distribution it needs).
const factsOutput = (os: string[], managers: string[]) =>
  [...os.map((l) => `os\t${l}`), ...managers.map((m) => `pm\t${m}`), 'uname\tLinux h 6.1.0 #1 SMP x86_64', ''].join('\n');
const DEBIAN = factsOutput(['ID=debian', 'NAME="Debian GNU/Linux"', 'VERSION_ID="12"'], ['/usr/bin/apt-get']);
const FEDORA = factsOutput(['ID=fedora', 'NAME="Fedora Linux"', 'VERSION_ID=40', 'ID_LIKE=""'], ['/usr/bin/dnf', '/usr/bin/dnf5']);
const isDetection = (c: string) => c.includes('_fp_v pm');

const apt = { ansible_facts: { pkg_mgr: 'apt', distribution: 'Debian' } };
const host = (o: FakeHostOptions) => fakeHost({ vars: apt, ...o });
const ok = (args: Record<string, unknown>) => checkSchema(packageModule.schema, args, "module 'package'");

describe('package arguments', () => {
  it("takes apt's arguments and Ansible's package spellings, and refuses what apt would", () => {
    expect(ok({ name: 'tree', state: 'present' })).toEqual([]);
    expect(ok({ name: ['containerd.io', 'docker-ce'], state: 'latest', use: 'auto' })).toEqual([]);
    expect(ok({ pkg: 'tree', state: 'installed', use: 'apt' })).toEqual([]);
    expect(ok({ name: 'tree', state: 'removed', purge: true, update_cache: true, cache_valid_time: 3600 })).toEqual([]);
    expect(ok({ name: 'tree', pkg: 'hello' })).not.toEqual([]);
    expect(ok({ name: '--force-yes' })).not.toEqual([]);
    expect(ok({ name: 'tree', state: 'build-dep' })).toEqual([]);
    expect(ok({ name: 'tree', state: 'gone' }).map((i) => i.path)).toEqual([['state']]);
    expect(ok({ name: 'tree', use: 'yum' }).map((i) => i.path)).toEqual([['use']]);
    // Every apt argument passes through, as Ansible's package passes them to the backend module.
    expect(ok({ name: 'tree', default_release: 'bookworm-backports', install_recommends: false, dpkg_options: 'force-confold' })).toEqual(
      [],
    );
    const unknown = ok({ name: 'tree', colour: 'blue' });
    expect(unknown).toHaveLength(1);
    expect(unknown[0]?.message).toMatch(/^unknown argument 'colour' for module 'package'; valid: name, pkg, package, deb, state, .*use$/);
  });

  it('hands apt its arguments without use, the old state words as present and absent', () => {
    expect(toAptArgs({ name: ['a', 'b'], state: 'installed', use: 'apt', update_cache: true })).toEqual({
      name: ['a', 'b'],
      state: 'present',
      update_cache: true,
    });
    expect(toAptArgs({ pkg: 'a', state: 'removed', purge: true })).toEqual({ pkg: 'a', state: 'absent', purge: true });
    expect(toAptArgs({ name: 'a', state: 'latest' })).toEqual({ name: 'a', state: 'latest' });
    expect(toAptArgs({ name: 'a' })).toEqual({ name: 'a' });
    expect(toAptArgs({ name: 'a', allow_downgrade: true })).toEqual({ name: 'a', allow_downgrade: true });
  });

  it("takes apt's allow_downgrade under apt's spellings (the docker role passes it through package)", () => {
    expect(ok({ name: ['docker-ce'], state: 'present', allow_downgrade: true })).toEqual([]);
    for (const spelling of ['allow-downgrade', 'allow_downgrades', 'allow-downgrades']) {
      expect(canonicalArgs(packageModule.schema, { name: 'a', [spelling]: true }).args).toEqual({ name: 'a', allow_downgrade: true });
    }
    expect(ok({ name: 'a', allow_downgrade: 'sometimes' }).map((i) => i.path)).toEqual([['allow_downgrade']]);
  });

  it('is registered as package and ansible.builtin.package, apart from apt', () => {
    expect(findModule('package')).toBe(packageModule);
    expect(findModule('ansible.builtin.package')).toBe(packageModule);
    expect(findModule('ansible.legacy.package')).toBe(packageModule);
    expect(findModule('apt')).toBe(aptModule);
  });
});

describe('finding the package manager', () => {
  it("use, then ansible_package_use, then gathered facts, as Ansible's package action", () => {
    const facts: Vars = { ansible_facts: { pkg_mgr: 'dnf', distribution: 'Fedora' }, ansible_package_use: 'yum' };
    expect(knownManager({ use: 'apt' }, facts)).toMatchObject({ name: 'apt', source: "the task's `use` argument" });
    expect(knownManager({ use: 'auto' }, facts)).toMatchObject({ name: 'yum', source: 'the variable ansible_package_use' });
    expect(knownManager({}, { ...facts, ansible_package_use: '' })).toEqual({
      name: 'dnf',
      source: 'gathered facts (ansible_facts.pkg_mgr)',
      distribution: 'Fedora',
    });
    expect(knownManager({}, {})).toBeUndefined();
    expect(knownManager({}, { ansible_facts: {} })).toBeUndefined();
  });

  it('with gathered facts: no extra read, the first read is apt’s own probe', async () => {
    const h = host({ answers: [['dpkg-query', TREE_INSTALLED]] });
    expect(await planModule(packageModule, { name: 'tree', state: 'present' }, h)).toMatchObject({
      kind: 'ok',
      msg: 'already installed: tree 2.1.0-1',
    });
    expect(h.commands).toHaveLength(1);
    expect(h.commands[0]).toContain('dpkg-query');
    expect(h.commands.some(isDetection)).toBe(false);
  });

  it('without facts: one fact read first, then apt’s probe; each task reads again, as Ansible runs setup each time', async () => {
    const runState = createSlotStore();
    for (const name of ['h', 'h']) {
      const h = fakeHost({
        name,
        runState,
        answers: [
          [isDetection, DEBIAN],
          ['dpkg-query', TREE_INSTALLED],
        ],
      });
      expect((await planModule(packageModule, { name: 'tree' }, h)).kind).toBe('ok');
      expect(h.commands).toHaveLength(2);
      expect(isDetection(h.commands[0] as string)).toBe(true);
      expect(h.commands[1]).toContain('dpkg-query');
    }
  });

  it('use: apt skips detection even when the facts name another manager', async () => {
    const h = fakeHost({ vars: { ansible_facts: { pkg_mgr: 'dnf' } }, answers: [['dpkg-query', TREE_INSTALLED]] });
    expect((await planModule(packageModule, { name: 'tree', use: 'apt' }, h)).kind).toBe('ok');
    expect(h.commands).toHaveLength(1);
  });
});

describe('a host without apt', () => {
  it('fails naming the detected package manager and the distribution, in both modes, without touching apt', async () => {
    for (const check of [false, true]) {
      const h = fakeHost({ check, answers: [[isDetection, FEDORA]] });
      const plan = await planModule(packageModule, { name: 'tree', state: 'present' }, h);
      expect(plan).toEqual({
        kind: 'failed',
        msg: "package: this host (Fedora) uses the 'dnf' package manager (from the host (pkg_mgr fact)); fleetplay's package module supports only apt (Debian and Ubuntu hosts)",
      });
      expect(h.commands).toHaveLength(1);
    }
  });

  it('gathered facts naming yum fail without any read; no package manager at all is said so', async () => {
    const h = fakeHost({ vars: { ansible_facts: { pkg_mgr: 'yum', distribution: 'CentOS' } } });
    expect(await planModule(packageModule, { name: 'httpd' }, h)).toMatchObject({
      kind: 'failed',
      msg: expect.stringContaining("this host (CentOS) uses the 'yum' package manager (from gathered facts (ansible_facts.pkg_mgr))"),
    });
    expect(h.commands).toHaveLength(0);
    const bare = fakeHost({ answers: [[isDetection, factsOutput(['ID=alpine'], [])]] });
    expect(await planModule(packageModule, { name: 'tree' }, bare)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^package: no package manager was found on this host .*pkg_mgr is 'unknown'/),
    });
    expect(unsupportedManager({ name: 'zypper', source: 'x' })).toBe(
      "package: this host uses the 'zypper' package manager (from x); fleetplay's package module supports only apt (Debian and Ubuntu hosts)",
    );
  });

  it('a detection read that fails is the task’s failure', async () => {
    const h = fakeHost({ answers: [[isDetection, { exitCode: 2, stderr: 'sh: broken' }]] });
    expect(await planModule(packageModule, { name: 'tree' }, h)).toEqual({
      kind: 'failed',
      msg: 'package: reading the package manager (pkg_mgr fact) failed: sh: broken',
    });
  });
});

describe('dispatch to apt', () => {
  const answers = (): FakeHostOptions['answers'] => [
    ['apt-get -s', TREE_SIM],
    ['dpkg-query', TREE_MISSING],
  ];

  it("plans exactly what apt plans, with apt's reads, for the same task", async () => {
    for (const [args, aptArgs] of [
      [
        { name: 'tree', state: 'present' },
        { name: 'tree', state: 'present' },
      ],
      [
        { name: ['tree'], state: 'installed', use: 'auto' },
        { name: ['tree'], state: 'present' },
      ],
      [{ pkg: 'tree' }, { pkg: 'tree' }],
    ] as const) {
      const viaPackage = host({ check: true, answers: answers() });
      const viaApt = host({ check: true, answers: answers() });
      const a = (await planModule(packageModule, args, viaPackage)) as Extract<Plan, { kind: 'change' }>;
      const b = (await planModule(aptModule, aptArgs, viaApt)) as Extract<Plan, { kind: 'change' }>;
      expect(a.kind).toBe('change');
      expect(a.msg).toBe('install 1 package: tree');
      expect({ ...a, apply: undefined }).toEqual({ ...b, apply: undefined });
      expect(viaPackage.commands).toEqual(viaApt.commands);
    }
  });

  it('allow_downgrade plans exactly what apt plans with it, versions or not', async () => {
    for (const name of ['tree', ['tree=2.0.2-1', 'hello']]) {
      const viaPackage = host({ answers: answers() });
      const viaApt = host({ answers: answers() });
      const a = await planModule(packageModule, { name, allow_downgrade: true }, viaPackage);
      const b = await planModule(aptModule, { name, allow_downgrade: true }, viaApt);
      expect({ ...a, apply: undefined }).toEqual({ ...b, apply: undefined });
      expect(viaPackage.commands).toEqual(viaApt.commands);
      expect(viaPackage.commands.length).toBeGreaterThan(0);
    }
  });

  it('state: removed removes, as state: absent does', async () => {
    const h = host({
      answers: [
        ['apt-get -s -y remove', framed('sim', 'Remv tree [2.1.0-1]')],
        ['dpkg-query', TREE_INSTALLED],
      ],
    });
    expect(await planModule(packageModule, { name: 'tree', state: 'removed' }, h)).toMatchObject({
      kind: 'change',
      msg: 'remove 1 package: tree',
    });
    expect(h.commands.at(-1)).toContain('apt-get -s -y remove -- tree');
  });

  it("check mode records apt's prediction for later tasks", async () => {
    const h = host({ check: true, answers: answers() });
    await planModule(packageModule, { name: 'tree' }, h);
    expect(h.predicted.packageState('tree')).toBe('present');
    expect(h.predicted.opaqueTask()).toBe('installing tree');
    // A later package task on the same host sees the predicted install: nothing left to do, no simulation.
    const later = fakeHost({ vars: apt, check: true, predicted: h.predicted, answers: answers() });
    expect(await planModule(packageModule, { name: 'tree', state: 'present' }, later)).toMatchObject({ kind: 'ok' });
    expect(later.commands.some((c) => c.includes('apt-get -s'))).toBe(false);
  });

  it("apply runs apt's change and reports what dpkg says changed", async () => {
    const applyReply = `${framed('before', '')}${framed('apt', 'Setting up tree (2.1.0-1) ...')}${framed('after', 'tree\tinstall ok installed\t2.1.0-1')}@@kv now 1000\n`;
    const h = host({ answers: [['DEBIAN_FRONTEND=noninteractive', applyReply], ...(answers() ?? [])] });
    const plan = (await planModule(packageModule, { name: 'tree' }, h)) as Extract<Plan, { kind: 'change' }>;
    expect(h.commands.some((c) => c.includes('DEBIAN_FRONTEND'))).toBe(false);
    expect(await plan.apply()).toMatchObject({ kind: 'changed', msg: 'installed 1 package: tree' });
    expect(h.commands.at(-1)).toContain('install -- tree');
  });
});
