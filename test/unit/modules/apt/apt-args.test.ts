// apt: Ansible's arguments beyond names and states (issue #16): their command lines, the request they make,
// and the plans they give over a fake host; `deb` also against a real .deb built here, probed under /bin/sh.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { Plan } from '../../../../engine/types.ts';
import { applyCommand, simulateCommand } from '../../../../modules/apt/aptGet.ts';
import { applyOutcome, applyScript } from '../../../../modules/apt/apply.ts';
import { aptModule } from '../../../../modules/apt/index.ts';
import { aptRequest } from '../../../../modules/apt/request.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const framed = (name: string, out: string, rc = 0, err = '') =>
  `@@begin ${name}\n${out}\n@@end ${name} ${rc}\n${err
    .split('\n')
    .filter(Boolean)
    .map((l) => `@@err ${name} ${l}\n`)
    .join('')}`;
const cacheLines = (now: number, lists: number) => `@@kv now ${now}\n@@kv stamp \n@@kv lists ${lists}\n@@kv indexes 1\n`;
const ok = (args: Record<string, unknown>) => checkSchema(aptModule.schema, args, "module 'apt'").length === 0;
type Change = Extract<Plan, { kind: 'change' }>;

describe('apt arguments', () => {
  it("takes Ansible's aliases and values, and refuses what Ansible refuses", () => {
    const renamed = canonicalArgs(aptModule.schema, {
      name: 'tree',
      'allow-downgrades': true,
      'default-release': 'bookworm-backports',
      'install-recommends': false,
      'update-cache': true,
      'allow-unauthenticated': true,
    }).args;
    expect(renamed).toEqual({
      name: 'tree',
      allow_downgrade: true,
      default_release: 'bookworm-backports',
      install_recommends: false,
      update_cache: true,
      allow_unauthenticated: true,
    });
    expect(ok(renamed)).toBe(true);
    for (const upgrade of ['dist', 'full', 'safe', 'yes', 'no', true, false]) expect(ok({ upgrade })).toBe(true);
    expect(ok({ upgrade: 'everything' })).toBe(false);
    expect(ok({ deb: '/tmp/x.deb', name: 'tree' })).toBe(false);
    expect(ok({ clean: true })).toBe(true);
    expect(ok({ autoclean: true })).toBe(true);
    expect(ok({ name: 'tree', state: 'build-dep' })).toBe(true);
    expect(ok({ name: 'tree', state: 'fixed', force_apt_get: true, policy_rc_d: 101, force: false })).toBe(true);
    expect(ok({ name: 'tree', dpkg_options: 'force-confnew,force-overwrite' })).toBe(true);
    expect(ok({ name: 'tree', dpkg_options: 'force-confnew; rm -rf /' })).toBe(false);
    expect(ok({ name: '*', state: 'latest' })).toBe(true);
  });

  it("normalises them with Ansible's defaults and refusals", () => {
    expect(aptRequest({ upgrade: 'full' }).upgrade).toBe('dist');
    expect(aptRequest({ upgrade: true }).upgrade).toBe('safe');
    expect(aptRequest({ upgrade: 'no', update_cache: true }).upgrade).toBeUndefined();
    expect(aptRequest({ name: '*', state: 'latest' })).toMatchObject({ upgrade: 'safe', packages: [] });
    expect(aptRequest({ name: ['*', 'tree'], state: 'latest' }).error).toBe(
      'unable to install additional packages when upgrading all installed packages',
    );
    expect(aptRequest({ name: 'tree', upgrade: 'dist' }).error).toMatch(/^parameters are mutually exclusive: deb\|package\|upgrade/);
    expect(aptRequest({ deb: '/tmp/x.deb', state: 'absent' }).error).toBe('deb only supports state=present');
    expect(aptRequest({ deb: 'x.deb' }).error).toMatch(/absolute path/);
    expect(aptRequest({ deb: 'http://h/x.deb' }).deb).toEqual({ kind: 'url', url: 'http://h/x.deb' });
    // cache_valid_time: 0 does not turn update_cache on (Ansible tests `update_cache or cache_valid_time`).
    expect(aptRequest({ cache_valid_time: 0, autoremove: true }).updateCache).toBe(false);
    expect(aptRequest({ name: 'a', force: true })).toMatchObject({ force: true, allowDowngrade: true, allowUnauthenticated: true });
    expect(aptRequest({ name: 'a' })).toMatchObject({
      dpkgOptions: ['force-confdef', 'force-confold'],
      updateRetries: 5,
      updateMaxDelay: 12,
    });
  });

  it('puts each option on the apt-get verbs Ansible puts it on, quoted', () => {
    const flags = {
      defaultRelease: "bookworm-backports'x",
      allowDowngrade: true,
      allowUnauthenticated: true,
      onlyUpgrade: true,
      failOnAutoremove: true,
      installRecommends: false,
      allowChangeHeld: true,
    };
    expect(simulateCommand({ verb: 'install', packages: ['tree'], autoremove: true, purge: false, fixBroken: true, ...flags })).toBe(
      "apt-get -s -y install --autoremove --only-upgrade --fix-broken --no-remove -t 'bookworm-backports'\\''x' -o APT::Install-Recommends=false --allow-unauthenticated --allow-downgrades --allow-change-held-packages -- tree",
    );
    expect(simulateCommand({ verb: 'upgrade', packages: [], autoremove: true, purge: false, ...flags })).toBe(
      "apt-get -s -y upgrade --with-new-pkgs --autoremove --no-remove -t 'bookworm-backports'\\''x' --allow-unauthenticated --allow-downgrades",
    );
    expect(simulateCommand({ verb: 'remove', packages: ['tree'], autoremove: false, purge: false, ...flags })).toBe(
      'apt-get -s -y remove --allow-change-held-packages -- tree',
    );
    expect(applyCommand({ verb: 'dist-upgrade', packages: [], autoremove: false, purge: false }, 5, ['force-confnew'])).toBe(
      'DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=5 -o Dpkg::Options::=--force-confnew dist-upgrade',
    );
  });
});

describe('apt upgrade, clean and autoclean', () => {
  it('upgrade: plans exactly what apt-get -s upgrade --with-new-pkgs (or dist-upgrade) lists, ok when nothing', async () => {
    const sim = 'Inst libc6 [2.36-9] (2.36-9+deb12u4 Debian [amd64])\nInst tzdata [2024a-0] (2025b-0 Debian [all])';
    const h = fakeHost({ check: true, answers: [['apt-get -s -y upgrade', cacheLines(100, 90) + framed('sim', sim)]] });
    const plan = (await planModule(aptModule, { upgrade: 'yes' }, h)) as Change;
    expect(plan).toMatchObject({ kind: 'change', msg: 'upgrade 2 packages: libc6, tzdata' });
    expect(h.commands).toHaveLength(1);
    expect(h.commands[0]).toContain('apt-get -s -y upgrade --with-new-pkgs');
    const dist = fakeHost({
      check: true,
      answers: [['dist-upgrade', cacheLines(100, 90) + framed('sim', '0 upgraded, 0 newly installed')]],
    });
    expect(await planModule(aptModule, { upgrade: 'dist' }, dist)).toMatchObject({ kind: 'ok', msg: 'nothing to dist-upgrade' });
    expect(dist.commands[0]).toContain('apt-get -s -y dist-upgrade');
    // Ansible's upgrade ends the run before autoclean.
    const withClean = fakeHost({ check: true, answers: [['dist-upgrade', cacheLines(100, 90) + framed('sim', '')]] });
    await planModule(aptModule, { upgrade: 'dist', autoclean: true }, withClean);
    expect(withClean.commands[0]).not.toContain('autoclean');
    const all = fakeHost({ check: true, answers: [['upgrade --with-new-pkgs', cacheLines(100, 90) + framed('sim', sim)]] });
    expect((await planModule(aptModule, { name: '*', state: 'latest' }, all)).kind).toBe('change');
  });

  it('upgrade after an earlier predicted package change is unknown in check mode (its simulation cannot carry it)', async () => {
    const h = fakeHost({
      check: true,
      answers: [
        ['apt-get -s -y install', framed('sim', 'Inst tree (2.1.0-1 Debian [amd64])')],
        ['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching tree') + cacheLines(100, 90)],
        ['upgrade --with-new-pkgs', cacheLines(100, 90) + framed('sim', '')],
      ],
    });
    expect((await planModule(aptModule, { name: 'tree' }, h)).kind).toBe('change');
    expect(await planModule(aptModule, { upgrade: 'safe' }, h)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(/earlier task changes packages .* apt-get -s upgrade can only simulate/),
    });
  });

  it('clean is a change every time, as in Ansible; autoclean a change when its simulation deletes files', async () => {
    const clean = fakeHost({ check: true, answers: [['dpkg-query', cacheLines(100, 90)]] });
    const c = (await planModule(aptModule, { clean: true }, clean)) as Change;
    expect(c).toMatchObject({ kind: 'change', msg: 'clear the local repository of retrieved package files (apt-get clean)' });
    const del = 'Del tree 2.0.0-1 [47.1 kB]\nDel hello 2.10-2 [56 kB]';
    const ac = fakeHost({ check: true, answers: [['apt-get -s autoclean', cacheLines(100, 90) + framed('autoclean', del)]] });
    expect(await planModule(aptModule, { autoclean: true }, ac)).toMatchObject({
      kind: 'change',
      msg: 'autoclean: delete 2 package files that can no longer be downloaded: tree 2.0.0-1, hello 2.10-2',
    });
    const none = fakeHost({
      check: true,
      answers: [['apt-get -s autoclean', cacheLines(100, 90) + framed('autoclean', 'Reading package lists...')]],
    });
    expect(await planModule(aptModule, { autoclean: true }, none)).toMatchObject({ kind: 'ok', msg: 'nothing to autoclean' });
  });

  it('apply: clean first, autoclean counted by its Del lines, policy-rc.d put back, update retried with backoff', () => {
    const script = applyScript({
      update: true,
      clean: true,
      autoclean: true,
      lockTimeout: 60,
      updateRetries: 3,
      updateMaxDelay: 4,
      policyRcD: 101,
      action: { verb: 'install', packages: ['tree'], autoremove: false, purge: false },
    });
    expect(script.indexOf('apt-get clean')).toBeLessThan(script.indexOf('fp_update'));
    expect(script).toContain('[ "$n" -lt 3 ]');
    expect(script).toContain('[ "$w" -le 4 ] || w=4');
    expect(script).toContain("printf '#!/bin/sh\\nexit %d\\n' 101 > /usr/sbin/policy-rc.d");
    expect(script.indexOf('policy-rc.d')).toBeLessThan(script.indexOf('install -- tree'));
    expect(script.lastIndexOf('policy-rc.d')).toBeGreaterThan(script.indexOf('install -- tree'));
    const snap = 'tree\tinstall ok installed\t2.1.0-1\n';
    const out = framed('before', snap) + framed('clean', '') + framed('autoclean', 'Del hello 2.10-2 [56 kB]') + framed('after', snap);
    expect(applyOutcome(out, { update: false, clean: true, autoclean: true, lockTimeout: 60 })).toMatchObject({
      kind: 'changed',
      msg: 'cleared the local repository of retrieved package files; autoclean deleted 1 package file',
    });
    const quiet = framed('before', snap) + framed('autoclean', '') + framed('after', snap);
    expect(applyOutcome(quiet, { update: false, autoclean: true, lockTimeout: 60 }).kind).toBe('ok');
  });
});

describe('apt packages: versions, only_upgrade, build-dep', () => {
  it('a wildcard version that the installed one matches still asks apt (a newer match is installed, as in Ansible)', async () => {
    const h = fakeHost({
      check: true,
      answers: [
        ['apt-get -s -y install', framed('sim', 'Inst tree [2.1.0-1] (2.1.1-1 Debian [amd64])')],
        ['dpkg-query', framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') + cacheLines(100, 90)],
      ],
    });
    expect(await planModule(aptModule, { name: 'tree=2.1*' }, h)).toMatchObject({ kind: 'change', msg: 'upgrade 1 package: tree' });
    expect(h.commands.at(-1)).toContain("install -- 'tree=2.1*'");
    const exact = fakeHost({
      check: true,
      answers: [['dpkg-query', framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') + cacheLines(100, 90)]],
    });
    expect((await planModule(aptModule, { name: 'tree=2.1.0-1' }, exact)).kind).toBe('ok');
    expect(exact.commands).toHaveLength(1);
  });

  it('only_upgrade leaves a package that is not installed alone; build-dep is always simulated', async () => {
    const h = fakeHost({
      check: true,
      answers: [['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching tree') + cacheLines(100, 90)]],
    });
    expect((await planModule(aptModule, { name: 'tree', only_upgrade: true }, h)).kind).toBe('ok');
    expect(h.commands).toHaveLength(1);
    const bd = fakeHost({
      check: true,
      answers: [
        [
          'dpkg-query',
          framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') +
            cacheLines(100, 90) +
            framed('sim', 'Inst debhelper (13.11 Debian [all])'),
        ],
      ],
    });
    expect(await planModule(aptModule, { name: 'tree', state: 'build-dep' }, bd)).toMatchObject({
      kind: 'change',
      msg: 'install 1 package: debhelper',
    });
    expect(bd.commands[0]).toContain('apt-get -s -y build-dep -- tree');
  });
});

/** A real .deb built with dpkg-deb, in a fresh directory. */
function buildDeb(name: string, version: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fp-apt-deb-'));
  mkdirSync(path.join(dir, 'pkg', 'DEBIAN'), { recursive: true });
  writeFileSync(
    path.join(dir, 'pkg', 'DEBIAN', 'control'),
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: fleetplay <t@example.org>\nDescription: test\n`,
  );
  const file = path.join(dir, `${name}.deb`);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', path.join(dir, 'pkg'), file], { stdio: 'ignore' });
  return file;
}

describe('apt deb', () => {
  it('reads the .deb on the host (dpkg-deb -f) and plans its install from apt-get -s, removing its temporary copy', async () => {
    const file = buildDeb('fp-unit-test-deb', '1.0-1');
    const h = fakeHost({ check: true, reply: runLocally });
    const plan = (await planModule(aptModule, { deb: file }, h)) as Change;
    expect(plan).toMatchObject({ kind: 'change', msg: 'install 1 package: fp-unit-test-deb' });
    expect(plan.diff).toContainEqual({ header: 'packages', before: '', after: 'fp-unit-test-deb 1.0-1' });
    expect(h.commands).toHaveLength(1);
    expect(h.commands[0]).toContain('apt-get -s -y install -- ./package.deb');
    const gone = execFileSync('sh', ['-c', 'ls -d "${TMPDIR:-/tmp}"/fleetplay-deb.* 2>/dev/null | wc -l']).toString().trim();
    expect(gone).toBe('0');
    const missing = fakeHost({ check: true, reply: runLocally });
    expect(await planModule(aptModule, { deb: `${file}.nope` }, missing)).toMatchObject({
      kind: 'failed',
      msg: `cannot read ${file}.nope: no readable file ${file}.nope on the host`,
    });
    const notDeb = fakeHost({ check: true, reply: runLocally });
    writeFileSync(`${file}.txt`, 'not a deb\n');
    expect(await planModule(aptModule, { deb: `${file}.txt` }, notDeb)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/is not a readable \.deb/),
    });
  });

  it('is ok when dpkg has the .deb version; an older .deb fails unless allow_downgrade', async () => {
    const fields = framed('fetch', '') + framed('fields', 'Package: tree\nVersion: 2.0.0-1\nArchitecture: amd64');
    const same = fakeHost({
      answers: [['dpkg-deb', fields + framed('dpkg', 'tree\tinstall ok installed\t2.0.0-1') + cacheLines(100, 90)]],
    });
    expect(await planModule(aptModule, { deb: '/root/tree.deb' }, same)).toMatchObject({
      kind: 'ok',
      msg: 'tree 2.0.0-1 is already installed',
    });
    const newer = fields + framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') + cacheLines(100, 90) + '@@kv older yes\n';
    const refused = fakeHost({ answers: [['dpkg-deb', newer]] });
    expect(await planModule(aptModule, { deb: '/root/tree.deb' }, refused)).toMatchObject({
      kind: 'failed',
      msg: 'a later version of tree is already installed (2.1.0-1; the .deb has 2.0.0-1); allow_downgrade: true installs it anyway',
    });
    const sim = framed('sim', 'Inst tree [2.1.0-1] (2.0.0-1 local-deb [amd64])');
    const allowed = fakeHost({ answers: [['dpkg-deb', newer + sim]] });
    const plan = (await planModule(aptModule, { deb: '/root/tree.deb', allow_downgrade: true }, allowed)) as Change;
    expect(plan.kind).toBe('change');
    expect(allowed.commands[0]).toContain('install --allow-downgrades -- ./package.deb');
    expect(plan.diff).toContainEqual({ header: 'packages', before: 'tree 2.1.0-1', after: 'tree 2.0.0-1' });
  });

  it('downloads a URL into the temporary directory, and apply installs from there', async () => {
    const h = fakeHost({ answers: [['dpkg-deb', framed('fetch', '', 22, 'curl: (22) The requested URL returned error: 404')]] });
    expect(await planModule(aptModule, { deb: 'http://127.0.0.1:9/x.deb' }, h)).toMatchObject({
      kind: 'failed',
      msg: 'cannot download http://127.0.0.1:9/x.deb: curl: (22) The requested URL returned error: 404',
    });
    expect(h.commands[0]).toMatch(/curl -fsSL .* -o \.\/package\.deb -- http:\/\/127\.0\.0\.1:9\/x\.deb/);
    const script = applyScript({
      update: false,
      lockTimeout: 60,
      deb: { kind: 'url', url: 'http://127.0.0.1:9/x.deb' },
      action: { verb: 'install', packages: ['./package.deb'], autoremove: false, purge: false },
    });
    expect(script.indexOf('-o ./package.deb')).toBeLessThan(script.indexOf('install -- ./package.deb'));
  });
});
