// package_facts: dpkg-query's listing as Ansible's ansible_facts.packages (installed packages only, foreign
// architectures named name:arch), the one read it sends, and check mode (predicted removals left out;
// unknown after an install or a task it cannot predict). The last part reads this machine's dpkg.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { findModule } from '../../../../modules/index.ts';
import { packageFactsModule } from '../../../../modules/package_facts/index.ts';
import { PACKAGE_FACTS_COMMAND, type PackageFact, parseDpkgQuery } from '../../../../modules/package_facts/parse.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const LISTING = `amd64
ii \tbash\t5.2.15-2+b2\tamd64\tshells
ii \tadduser\t3.134\tall\tadmin
ii \tlibc6\t2.36-9\tamd64\tlibs
ii \tlibc6\t2.36-9\ti386\tlibs
rc \told-thing\t1.0\tamd64\tutils
un \tnever\t\t\t
iU \thalf\t2.0\tamd64\tmisc
`;

type Packages = Record<string, PackageFact[]>;

/** The packages a decision returns; throws when it returns none. */
function packagesOf(d: { data?: Record<string, unknown> }): Packages {
  const facts = d.data?.ansible_facts as { packages?: Packages } | undefined;
  if (!facts?.packages) throw new Error('no ansible_facts.packages');
  return facts.packages;
}

describe('package_facts arguments and parsing', () => {
  it('takes manager auto or apt (a list too) and strategy; other managers are refused', () => {
    const issues = (args: Record<string, unknown>) => checkSchema(packageFactsModule.schema, args, "module 'package_facts'");
    expect(issues({})).toEqual([]);
    expect(issues({ manager: 'auto', strategy: 'all' })).toEqual([]);
    expect(issues({ manager: ['apt'] })).toEqual([]);
    expect(issues({ manager: 'rpm' })).not.toEqual([]);
    expect(issues({ strategy: 'some' })).not.toEqual([]);
    expect(findModule('ansible.builtin.package_facts')).toBe(packageFactsModule);
    expect(packageFactsModule.setsVariables?.({})).toEqual(['packages', 'ansible_facts.packages']);
  });

  it('keeps installed packages (not config-files or not-installed), names foreign architectures name:arch', () => {
    expect(parseDpkgQuery(LISTING)).toEqual({
      bash: [{ name: 'bash', version: '5.2.15-2+b2', arch: 'amd64', category: 'shells', source: 'apt' }],
      adduser: [{ name: 'adduser', version: '3.134', arch: 'all', category: 'admin', source: 'apt' }],
      libc6: [{ name: 'libc6', version: '2.36-9', arch: 'amd64', category: 'libs', source: 'apt' }],
      'libc6:i386': [{ name: 'libc6:i386', version: '2.36-9', arch: 'i386', category: 'libs', source: 'apt' }],
      half: [{ name: 'half', version: '2.0', arch: 'amd64', category: 'misc', source: 'apt' }],
    });
    const odd = parseDpkgQuery('amd64\nii \t__proto__\t1\tamd64\tx\n');
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.keys(odd)).toEqual(['__proto__']);
  });
});

describe('package_facts plan', () => {
  it('sends one read and returns ansible_facts.packages, in check mode too', async () => {
    for (const check of [false, true]) {
      const h = fakeHost({ check, answers: [['dpkg-query', LISTING]] });
      const d = await planModule(packageFactsModule, { manager: 'auto' }, h);
      expect(d).toMatchObject({ kind: 'ok', msg: '5 packages' });
      expect(packagesOf(d).bash?.[0]?.version).toBe('5.2.15-2+b2');
      expect(h.commands).toEqual([PACKAGE_FACTS_COMMAND]);
    }
  });

  it("fails with Ansible's message where there is no dpkg", async () => {
    const h = fakeHost({ answers: [['dpkg-query', { exitCode: 127, stderr: 'sh: 1: dpkg: not found' }]] });
    expect(await planModule(packageFactsModule, {}, h)).toEqual({
      kind: 'failed',
      msg: "Could not detect a supported package manager from the following list: ['apt']",
    });
  });

  it('check mode: predicted removals are left out; after an install or an opaque task the result is unknown', async () => {
    const removed = fakeHost({ check: true, answers: [['dpkg-query', LISTING]] });
    removed.predicted.setPackage('bash', 'absent');
    const d = await planModule(packageFactsModule, {}, removed);
    expect(d).toMatchObject({ kind: 'ok', msg: '4 packages' });
    expect(Object.keys(packagesOf(d))).not.toContain('bash');
    const installed = fakeHost({ check: true, answers: [['dpkg-query', LISTING]] });
    installed.predicted.setPackage('nginx', 'present');
    installed.predicted.markOpaque('installing nginx');
    expect(await planModule(packageFactsModule, {}, installed)).toEqual({
      kind: 'unknown',
      msg: "the packages are read from the host now, but 'installing nginx' runs first and check mode cannot predict its effects (it may install packages), so the result is unknown",
    });
    // a real run ignores predictions (there are none), and reads what the host has
    const real = fakeHost({ answers: [['dpkg-query', LISTING]] });
    expect(packagesOf(await planModule(packageFactsModule, {}, real)).bash).toHaveLength(1);
  });

  it("reads this machine's dpkg database", async () => {
    const h = fakeHost({ reply: runLocally });
    const packages = packagesOf(await planModule(packageFactsModule, {}, h));
    expect(packages.dpkg?.[0]).toMatchObject({ name: 'dpkg', source: 'apt', version: expect.stringMatching(/^\d/) });
  });
});
