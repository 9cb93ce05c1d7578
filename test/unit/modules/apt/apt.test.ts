// apt: parsers of dpkg-query and apt-get output, the script framing (run under a real /bin/sh), and the
// plan's decisions over a fake host that answers with canned outputs.
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import type { Plan } from '../../../../engine/types.ts';
import { aptModule } from '../../../../modules/apt/index.ts';
import {
  aptErrors,
  applyCommand,
  isMissingFromCache,
  lockHolder,
  parseSimulation,
  simulateCommand,
  simulationWithFilesCommand,
} from '../../../../modules/apt/aptGet.ts';
import { applyOutcome, applyScript, updateFunction } from '../../../../modules/apt/apply.ts';
import { comparePackages, parseDpkgQuery } from '../../../../modules/apt/dpkg.ts';
import { cacheDecision } from '../../../../modules/apt/cache.ts';
import { aptRequest } from '../../../../modules/apt/request.ts';
import { keyValue, parseScript, section } from '../../../../modules/apt/script.ts';
import { APT_STATE_DIGEST } from '../../../../modules/apt/sharedSimulation.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const DOCKER =
  'containerd\tinstall ok installed\t1.6.20~ds1-1+deb12u3\ndocker.io\tinstall ok installed\t20.10.24+dfsg1-1+deb12u1+b6\nrunc\tinstall ok installed\t1.1.5+ds1-1+deb12u1\n';
const REMOVE_SIM = [
  'Reading package lists...',
  'The following packages will be REMOVED:',
  '  containerd docker.io runc tini',
  '0 upgraded, 0 newly installed, 4 to remove and 0 not upgraded.',
  'Remv docker.io [20.10.24+dfsg1-1+deb12u1+b6]',
  'Remv containerd [1.6.20~ds1-1+deb12u3]',
  'Remv runc [1.1.5+ds1-1+deb12u1]',
  'Remv tini [0.19.0-1+b3]',
].join('\n');

describe('dpkg-query parsing', () => {
  it('reads package lines and names unknown packages from stderr', () => {
    const s = parseDpkgQuery(
      `${DOCKER}netbase\tdeinstall ok config-files\t6.4\n`,
      'dpkg-query: no packages found matching no-such-package-xyz\n',
    );
    expect(s.packages.get('runc')).toEqual({ name: 'runc', want: 'install', status: 'installed', version: '1.1.5+ds1-1+deb12u1' });
    expect(s.packages.get('netbase')?.status).toBe('config-files');
    expect(s.unknown).toEqual(['no-such-package-xyz']);
    expect(() => parseDpkgQuery('', 'dpkg-query: error: cannot access the status file\n')).toThrow(/dpkg-query failed/);
  });

  it('sorts snapshot differences into installed, upgraded, removed and purged', () => {
    const before = parseDpkgQuery(
      `${DOCKER}old\tinstall ok installed\t1\nlibx:amd64\tinstall ok installed\t1\nconf\tdeinstall ok config-files\t1\n`,
    );
    const after = parseDpkgQuery(
      'containerd\tdeinstall ok config-files\t1.6.20~ds1-1+deb12u3\nold\tinstall ok installed\t2\ntree\tinstall ok installed\t2.1.0-1\n',
    );
    expect(comparePackages(before, after, { purge: false })).toEqual({
      installed: ['tree'],
      upgraded: ['old'],
      removed: ['containerd', 'docker.io', 'libx', 'runc'],
      purged: ['conf'],
    });
    expect(comparePackages(before, after, { purge: true }).purged).toEqual(['conf', 'docker.io', 'libx', 'runc']);
  });
});

describe('apt-get output', () => {
  it('parses Inst/Remv/Purg lines of a simulation', () => {
    expect(parseSimulation(REMOVE_SIM).map((c) => `${c.action} ${c.name} ${c.from}`)).toEqual([
      'remove containerd 1.6.20~ds1-1+deb12u3',
      'remove docker.io 20.10.24+dfsg1-1+deb12u1+b6',
      'remove runc 1.1.5+ds1-1+deb12u1',
      'remove tini 0.19.0-1+b3',
    ]);
    const inst =
      'Inst tree (2.1.0-1 Debian:12.15/oldstable [amd64])\nInst libc6 [2.36-9] (2.36-9+deb12u4 Debian [amd64])\nConf tree (2.1.0-1 Debian)\nPurg netbase [6.4]\n';
    expect(parseSimulation(inst)).toEqual([
      { action: 'upgrade', name: 'libc6', from: '2.36-9', to: '2.36-9+deb12u4' },
      { action: 'purge', name: 'netbase', from: '6.4' },
      { action: 'install', name: 'tree', to: '2.1.0-1' },
    ]);
  });

  it('finds errors and the lock holder', () => {
    const text =
      'Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 84 (python3)...\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n';
    expect(lockHolder(text)).toBe('/var/lib/dpkg/lock-frontend is held by process 84 (python3)');
    expect(aptErrors(text)).toEqual([
      'Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
    ]);
    expect(isMissingFromCache(['Unable to locate package tree'])).toBe(true);
    expect(isMissingFromCache(['Unable to locate package tree', 'Broken packages'])).toBe(false);
  });

  it('builds quoted commands that stop option parsing before package names', () => {
    const action = { verb: 'remove' as const, packages: ['docker.io', 'runc'], autoremove: true, purge: false };
    expect(simulateCommand(action)).toBe('apt-get -s -y remove --autoremove -- docker.io runc');
    expect(applyCommand(action, 60)).toBe(
      'DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold remove --autoremove -- docker.io runc',
    );
  });
});

describe('script framing under /bin/sh', () => {
  it('keeps stdout, stderr and exit codes of each step apart', async () => {
    const script = [
      section('one', `printf 'a\\nb\\n'; echo oops >&2; exit 3`),
      section('two', `printf 'no newline'`),
      keyValue('answer', '$(echo 42)'),
    ].join('\n');
    const r = await new LocalConnection('local').exec(script);
    const out = parseScript(r.stdout);
    expect(out.sections.get('one')).toEqual({ out: 'a\nb', err: 'oops\n', rc: 3 });
    expect(out.sections.get('two')).toEqual({ out: 'no newline', err: '', rc: 0 });
    expect(out.values.get('answer')).toBe('42');
  });
});

describe('arguments', () => {
  it('accepts Ansible spellings and rejects option-like names', () => {
    const ok = (args: Record<string, unknown>) => checkSchema(aptModule.schema, args, "module 'apt'").length === 0;
    expect(ok({ name: ['docker.io', 'containerd'], state: 'absent', autoremove: true })).toBe(true);
    expect(ok({ pkg: 'tree, hello=2.10-3', update_cache: true, cache_valid_time: 3600 })).toBe(true);
    expect(ok({ autoremove: true })).toBe(true);
    expect(ok({ name: '--force-yes' })).toBe(false);
    expect(ok({ name: 'a;rm -rf /' })).toBe(false);
    expect(ok({ name: 'a', pkg: 'b' })).toBe(false);
    expect(ok({ state: 'absent' })).toBe(false);
    expect(aptRequest({ cache_valid_time: 60 })).toMatchObject({ updateCache: true, cacheValidTime: 60, lockTimeout: 60, packages: [] });
    expect(aptRequest({ name: 'tree,hello=2.10-3' }).packages).toEqual([
      { name: 'tree', arg: 'tree' },
      { name: 'hello', version: '2.10-3', arg: 'hello=2.10-3' },
    ]);
  });

  it('decides when the cache is due', () => {
    const req = aptRequest({ update_cache: true, cache_valid_time: 3600 });
    expect(cacheDecision(req, { now: 10_000, updatedAt: 9_000 })).toEqual({ due: false, age: 1000 });
    expect(cacheDecision(req, { now: 10_000, updatedAt: 5_000 })).toEqual({ due: true, age: 5000 });
    expect(cacheDecision(req, { now: 10_000 })).toEqual({ due: true });
    expect(cacheDecision(aptRequest({ update_cache: true }), { now: 10_000, updatedAt: 9_999 }).due).toBe(true);
  });
});

const framed = (name: string, out: string, rc = 0, err = '') =>
  `@@begin ${name}\n${out}\n@@end ${name} ${rc}\n${err
    .split('\n')
    .filter(Boolean)
    .map((l) => `@@err ${name} ${l}\n`)
    .join('')}`;
const cacheLines = (now: number, lists: number) => `@@kv now ${now}\n@@kv stamp \n@@kv lists ${lists}\n@@kv indexes 1\n`;

describe('apt plan', () => {
  it('removing packages that are not installed or unknown is ok in one round trip', async () => {
    const probe =
      framed('dpkg', '', 1, 'dpkg-query: no packages found matching hello\ndpkg-query: no packages found matching no-such-package-xyz') +
      cacheLines(100, 50);
    const h = fakeHost({ check: true, answers: [['dpkg-query', probe]] });
    const plan = await planModule(aptModule, { name: ['hello', 'no-such-package-xyz'], state: 'absent' }, h);
    expect(plan).toMatchObject({ kind: 'ok', msg: 'not installed: hello (unknown to dpkg), no-such-package-xyz (unknown to dpkg)' });
    expect(h.commands).toHaveLength(1);
  });

  it('plans a removal from the simulation: exactly the packages apt would remove, autoremoved ones included', async () => {
    const h = fakeHost({
      check: true,
      answers: [
        ['apt-get -s -y remove', framed('sim', REMOVE_SIM)],
        ['dpkg-query', framed('dpkg', DOCKER, 0) + cacheLines(100, 50) + framed('sim', 'Remv tini [0.19.0-1+b3]')],
      ],
    });
    const plan = (await planModule(
      aptModule,
      { name: ['docker.io', 'containerd', 'runc'], state: 'absent', autoremove: true },
      h,
    )) as Extract<Plan, { kind: 'change' }>;
    expect(plan.kind).toBe('change');
    expect(plan.msg).toBe('remove 4 packages: containerd, docker.io, runc, tini');
    expect(plan.diff).toEqual([
      {
        header: 'packages',
        before: 'containerd 1.6.20~ds1-1+deb12u3, docker.io 20.10.24+dfsg1-1+deb12u1+b6, runc 1.1.5+ds1-1+deb12u1, tini 0.19.0-1+b3',
        after: '',
      },
    ]);
    expect(plan.data).toMatchObject({ packages: { removed: ['containerd', 'docker.io', 'runc', 'tini'] } });
    // The probe, the digest of the apt inputs (sharedSimulation.ts), the simulation.
    expect(h.commands).toHaveLength(3);
    expect(h.commands[1]).toContain(APT_STATE_DIGEST);
    expect(h.commands[2]).toContain('apt-get -s -y remove --autoremove -- docker.io containerd runc');
  });

  it("check mode: an install is a task whose effects are not all known (the package's units appear only then)", async () => {
    // vendor-repos: docker.yml's 'Enable and start docker' after a predicted install of docker.io was
    // predicted failed (no docker.service on the host yet) where the real run started it.
    const h = fakeHost({
      check: true,
      answers: [
        ['apt-get -s', framed('sim', 'Inst tree (2.1.0-1 Debian:12.15/oldstable [amd64])')],
        ['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching tree') + cacheLines(100, 50)],
      ],
    });
    expect((await planModule(aptModule, { name: 'tree' }, h)).kind).toBe('change');
    expect(h.predicted.opaqueTask()).toBe('installing tree');
    const removal = fakeHost({
      check: true,
      answers: [
        ['apt-get -s -y remove', framed('sim', REMOVE_SIM)],
        ['dpkg-query', framed('dpkg', DOCKER, 0) + cacheLines(100, 50)],
      ],
    });
    expect((await planModule(aptModule, { name: ['docker.io'], state: 'absent' }, removal)).kind).toBe('change');
    expect(removal.predicted.opaqueTask()).toBeUndefined();
  });

  it('an interrupted dpkg fails package work in both modes, as the real apt-get does (apt-get -s does not mind it); no work is ok', async () => {
    // A half-done node: a run killed mid-install leaves dpkg's journal (#13). Check mode predicted a change.
    const interrupted = '@@kv interrupted 1\n';
    const install = fakeHost({
      check: true,
      answers: [
        ['apt-get -s', framed('sim', 'Inst tree (2.1.0-1 Debian:12.15/oldstable [amd64])')],
        ['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching tree') + cacheLines(100, 50) + interrupted],
      ],
    });
    expect(await planModule(aptModule, { name: 'tree' }, install)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^dpkg was interrupted on this host .* run 'dpkg --configure -a' on the host first/),
    });
    const real = fakeHost({
      check: true,
      answers: [['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching tree') + cacheLines(100, 50) + interrupted]],
    });
    expect(await planModule(aptModule, { name: 'tree' }, { ...real, check: false })).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^dpkg was interrupted/),
    });
    const nothingToDo = fakeHost({ check: true, answers: [['dpkg-query', framed('dpkg', DOCKER, 0) + cacheLines(100, 50) + interrupted]] });
    expect((await planModule(aptModule, { name: 'runc' }, nothingToDo)).kind).toBe('ok');
    // The probe asks apt's own question: journal files with all-digit names.
    expect(install.commands[0]).toContain("ls /var/lib/dpkg/updates 2>/dev/null | grep -c '^[0-9][0-9]*$'");
  });

  it("fails with apt's message for an unknown package to install", async () => {
    const h = fakeHost({
      check: true,
      answers: [
        ['apt-get -s', framed('sim', 'Reading package lists...', 100, 'E: Unable to locate package no-such-package-xyz')],
        ['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching no-such-package-xyz') + cacheLines(100, 50)],
      ],
    });
    expect(await planModule(aptModule, { name: 'no-such-package-xyz' }, h)).toMatchObject({
      kind: 'failed',
      msg: 'Unable to locate package no-such-package-xyz',
    });
  });

  it('with a due cache update, a package the old cache lacks is planned for after the update', async () => {
    const h = fakeHost({
      check: true,
      answers: [
        ['apt-get -s', framed('sim', '', 100, 'E: Unable to locate package tree')],
        ['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching tree') + cacheLines(100_000, 50)],
      ],
    });
    const plan = await planModule(aptModule, { name: 'tree', update_cache: true, cache_valid_time: 3600 }, h);
    expect(plan).toMatchObject({
      kind: 'change',
      msg: expect.stringMatching(/^update the apt cache \(updated 27 h ago\); then install tree/),
    });
  });

  it('state: latest simulates inside the probe: ok in one round trip, and re-checks after a due update', async () => {
    const probe = (now: number) =>
      framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') + cacheLines(now, 900) + framed('sim', '0 upgraded, 0 newly installed');
    const fresh = fakeHost({ check: true, answers: [['dpkg-query', probe(1000)]] });
    expect(await planModule(aptModule, { name: 'tree', state: 'latest' }, fresh)).toMatchObject({
      kind: 'ok',
      msg: 'already the newest version: tree',
    });
    expect(fresh.commands).toHaveLength(1);
    expect(fresh.commands[0]).toContain('apt-get -s -y install -- tree');
    const stale = fakeHost({ check: true, answers: [['dpkg-query', probe(100_000)]] });
    expect(await planModule(aptModule, { name: 'tree', state: 'latest', cache_valid_time: 60 }, stale)).toMatchObject({
      kind: 'change',
      msg: 'update the apt cache (updated 27 h ago); then upgrade tree if the updated cache has newer versions',
    });
  });

  it('an installed package with a fresh cache is ok in one round trip', async () => {
    const h = fakeHost({
      check: true,
      answers: [['dpkg-query', framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') + cacheLines(1000, 900)]],
    });
    expect(await planModule(aptModule, { name: 'tree', update_cache: true, cache_valid_time: 3600 }, h)).toMatchObject({
      kind: 'ok',
      msg: 'already installed: tree 2.1.0-1; apt cache updated 100 s ago (valid for 3600 s)',
    });
    expect(h.commands).toHaveLength(1);
  });
});

describe('apt in check mode: predicted state', () => {
  const OWNED = [
    '@@usrmerge',
    '@@conf containerd /etc/containerd/config.toml',
    '@@owned containerd /etc/containerd/config.toml',
    '@@owned containerd /lib/systemd/system/containerd.service',
    '@@owned containerd /usr/bin/containerd',
    '@@owned docker.io /lib/systemd/system/docker.socket',
    '@@owned tini /usr/bin/tini-static',
  ].join('\n');
  const removal = () =>
    fakeHost({
      check: true,
      answers: [
        ['apt-get -s -y install', framed('sim', '')],
        ['apt-get -s -y remove', framed('sim', `${REMOVE_SIM}\n${OWNED}`)],
        ['dpkg-query', framed('dpkg', DOCKER, 0) + cacheLines(100, 50) + framed('sim', '')],
      ],
    });
  const docker = { name: ['docker.io', 'containerd', 'runc'], state: 'absent', autoremove: true };

  it('records removed packages, their files (conffiles kept, /usr aliases too) and their units, listing files within the simulation', async () => {
    const h = removal();
    expect(await planModule(aptModule, docker, h)).toMatchObject({
      kind: 'change',
      msg: 'remove 4 packages: containerd, docker.io, runc, tini',
    });
    expect(h.commands).toHaveLength(3);
    expect(h.commands[2]).toContain('dpkg-query -L -- "$p"');
    const p = h.predicted;
    expect(['containerd', 'docker.io', 'runc', 'tini'].map((n) => p.packageState(n))).toEqual(['absent', 'absent', 'absent', 'absent']);
    for (const f of [
      '/lib/systemd/system/containerd.service',
      '/usr/lib/systemd/system/containerd.service',
      '/usr/bin/containerd',
      '/bin/containerd',
      '/usr/bin/tini-static',
    ]) {
      expect(p.file(f), f).toEqual({ type: 'absent' });
    }
    expect(p.file('/etc/containerd/config.toml')).toBeUndefined();
    // The package's prerm stops its units and they are gone.
    expect(p.unit('containerd.service')).toEqual({ loaded: false, active: false });
    expect(p.unit('docker.socket')).toEqual({ loaded: false, active: false });
  });

  it('a later task reads the predicted packages before dpkg-query, and simulates from the predicted state', async () => {
    const h = removal();
    await planModule(aptModule, docker, h);
    h.commands.length = 0;
    expect(await planModule(aptModule, { name: 'containerd', state: 'absent' }, h)).toMatchObject({
      kind: 'ok',
      msg: 'not installed: containerd',
    });
    expect(h.commands).toHaveLength(1);
    // The host still has runc, so its simulation has nothing to do; the real run would reinstall it.
    const again = await planModule(aptModule, { name: 'runc' }, h);
    expect(again).toMatchObject({ kind: 'change', msg: 'install 1 package: runc', data: { packages: { installed: ['runc'] } } });
    expect(h.commands[3]).toContain('apt-get -s -y install -- runc containerd- docker.io- tini-');
    expect(h.predicted.packageState('runc')).toBe('present');
  });

  it("purging a package an earlier task removed still deletes its conffiles; the earlier task's packages are not this one's", async () => {
    const h = removal();
    await planModule(aptModule, docker, h);
    const purge = fakeHost({
      check: true,
      predicted: h.predicted,
      answers: [
        [
          'apt-get -s -y purge',
          framed('sim', 'Purg containerd [1.6.20~ds1-1+deb12u3]\nPurg docker.io [20.10.24]\nPurg tini [0.19.0-1+b3]'),
        ],
        ['dpkg-query', framed('dpkg', DOCKER) + cacheLines(100, 50)],
      ],
    });
    expect(await planModule(aptModule, { name: 'containerd', state: 'absent', purge: true }, purge)).toMatchObject({
      kind: 'change',
      msg: 'purge 1 package: containerd',
    });
    expect(purge.commands[2]).toContain('apt-get -s -y purge -- containerd docker.io runc tini');
  });

  it('a planned cache update makes the cache fresh for later tasks', async () => {
    const h = fakeHost({
      check: true,
      answers: [['dpkg-query', framed('dpkg', 'tree\tinstall ok installed\t2.1.0-1') + cacheLines(100_000, 50)]],
    });
    const args = { name: 'tree', update_cache: true, cache_valid_time: 3600 };
    expect(await planModule(aptModule, args, h)).toMatchObject({ kind: 'change', msg: expect.stringMatching(/^update the apt cache/) });
    expect(await planModule(aptModule, args, h)).toMatchObject({
      kind: 'ok',
      msg: 'already installed: tree 2.1.0-1; apt cache updated 0 s ago (valid for 3600 s)',
    });
  });

  it('lists the files of the packages a simulation removes, and keeps its exit code (real /bin/sh)', async () => {
    const local = new LocalConnection('local');
    const r = await local.exec(simulationWithFilesCommand(`printf 'Inst x (1)\\nRemv dpkg [1.0]\\n'`));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Inst x \(1\)\nRemv dpkg \[1.0\]\n/);
    expect(r.stdout).toMatch(/^@@owned dpkg \/(usr\/)?bin\/dpkg$/m);
    expect(r.stdout).toMatch(/^@@conf dpkg \/etc\/dpkg\/dpkg.cfg$/m);
    expect(r.stdout).not.toMatch(/^@@owned dpkg \/etc\/dpkg$/m); // directories are shared, never listed
    const failed = await local.exec(simulationWithFilesCommand(`echo 'Remv dpkg [1.0]'; exit 100`));
    expect(failed.exitCode).toBe(100);
    expect(failed.stdout).not.toContain('@@owned');
  });
});

describe('apply outcome', () => {
  const work = { update: false, action: { verb: 'remove' as const, packages: ['runc'], autoremove: false, purge: false }, lockTimeout: 5 };

  it('names the packages whose dpkg state changed', () => {
    const out =
      framed('before', DOCKER) + framed('apt', 'Removing runc ...') + framed('after', DOCKER.replace(/runc.*\n/, '')) + '@@kv now 5\n';
    expect(applyOutcome(out, work)).toMatchObject({
      kind: 'changed',
      msg: 'removed 1 package: runc',
      data: { packages: { removed: ['runc'] } },
    });
  });

  it('is ok when nothing changed, and names the lock holder when apt could not get the lock', () => {
    expect(applyOutcome(framed('before', DOCKER) + framed('apt', '') + framed('after', DOCKER), work)).toMatchObject({ kind: 'ok' });
    const locked = framed(
      'apt',
      'Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 84 (python3)...',
      100,
      'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
    );
    expect(applyOutcome(framed('before', DOCKER) + locked + framed('after', DOCKER), work)).toEqual(
      expect.objectContaining({
        kind: 'failed',
        msg: 'apt-get remove: could not get the lock within 5 s; /var/lib/dpkg/lock-frontend is held by process 84 (python3)',
      }),
    );
  });

  it("fails an update whose indexes did not all download, though apt-get exits 0, as Ansible's update does", () => {
    // Under bash (a function name may have a dash there), with a stand-in apt-get that warns and exits 0.
    const fetchWarning = 'W: Failed to fetch http://ppa.launchpad.net/x/dists/trusty/InRelease  403  Forbidden';
    const run = (warning: string) =>
      execFileSync('bash', ['-c', `apt-get() { echo '${warning}'; return 0; }\n${updateFunction(5, 1, 1)}\nfp_update; echo "rc=$?"`], {
        encoding: 'utf8',
      });
    expect(run(fetchWarning)).toContain('rc=100');
    expect(run('W: No Hash entry in Release file /var/lib/apt/lists/x')).toContain('rc=0');
    const failed = framed('before', DOCKER) + framed('update', fetchWarning, 100) + framed('after', DOCKER);
    expect(applyOutcome(failed, { ...work, update: true })).toMatchObject({
      kind: 'failed',
      msg: `Failed to update apt cache: ${fetchWarning}`,
    });
  });

  it('runs apt-get only after a successful update', () => {
    const script = applyScript({ ...work, update: true });
    expect(script.indexOf('fp_update')).toBeLessThan(script.indexOf('apt-get -y'));
    expect(script).toContain('if [ "$u" = 0 ]; then');
  });
});
