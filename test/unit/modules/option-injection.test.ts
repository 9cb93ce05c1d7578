// Issue #12, item 8: a value controlled by the playbook, the inventory or -e never becomes an option of a
// program the modules run. Each program family: the exact command built, and where it matters the command
// run by a real /bin/sh against files whose names look like options.
import { planModule } from '../../../engine/executor/moduleDriver.ts';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../engine/connection/local.ts';
import { FleetError } from '../../../engine/errors.ts';
import { checkSchema } from '../../../engine/playbook/schemaCheck.ts';
import { shellQuote } from '../../../engine/quote.ts';
import type { ModuleDefinition } from '../../../engine/types.ts';
import { aptModule } from '../../../modules/apt/index.ts';
import { simulateCommand } from '../../../modules/apt/aptGet.ts';
import { dpkgQueryCommand } from '../../../modules/apt/dpkg.ts';
import { chdirCommand, commandModule } from '../../../modules/command/index.ts';
import { copyModule } from '../../../modules/copy/index.ts';
import { dpkgSelectionsModule, selectionsProbe } from '../../../modules/dpkg_selections/index.ts';
import { fileModule } from '../../../modules/file/index.ts';
import { downloadScript, getUrlModule } from '../../../modules/get_url/index.ts';
import { extractScript, type ExtractJob } from '../../../modules/unarchive/archiveExtract.ts';
import { archiveProbeScript } from '../../../modules/unarchive/archiveProbe.ts';
import { attributeCommands, wantedAttributes } from '../../../modules/lib/attributes.ts';
import { localManifest } from '../../../modules/unarchive/localManifest.ts';
import { writeFileScript } from '../../../modules/lib/writeFile.ts';
import { modprobeModule } from '../../../modules/modprobe/index.ts';
import { sysctlApplyScript, sysctlModule } from '../../../modules/sysctl/index.ts';
import { probeCommand as systemdProbe } from '../../../modules/systemd/probe.ts';
import { templateModule } from '../../../modules/template/index.ts';
import { unarchiveModule } from '../../../modules/unarchive/index.ts';
import { fakeHost } from '../../support/fakeHost.ts';

const schemaIssues = (m: ModuleDefinition, args: Record<string, unknown>) => checkSchema(m.schema, args, `module '${m.name}'`);
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-optinj-'));
const sh = new LocalConnection('local');

describe('chown and chmod (the attribute commands of file, copy, template, get_url, lineinfile, replace)', () => {
  it('end the options with -- before the owner and the mode', () => {
    expect(attributeCommands(shellQuote('-rf'), { owner: 'app', group: 'web', mode: '0640' })).toEqual([
      'chown -- app:web -rf',
      'chmod -- 0640 -rf',
    ]);
    expect(attributeCommands('"$tmp"', { group: 'web' })).toEqual(['chown -- :web "$tmp"']);
  });

  it('owner: --reference=/etc/shadow is refused at validation and after templating, and even unchecked it is only a user name', async () => {
    for (const m of [fileModule, copyModule, templateModule, getUrlModule, unarchiveModule]) {
      const issues = schemaIssues(m, { path: '/x', dest: '/x', src: '/y', url: 'https://h/x', owner: '--reference=/etc/shadow' });
      expect(issues.map((i) => i.path)).toContainEqual(['owner']);
    }
    expect(() => wantedAttributes({ owner: '--reference=/etc/shadow' })).toThrow(FleetError);
    expect(() => wantedAttributes({ owner: '--reference=/etc/shadow' })).toThrow(
      /argument 'owner' "--reference=\/etc\/shadow" is not a valid user or group name: it starts with '-'/,
    );
    expect(() => wantedAttributes({ owner: 'app:root' })).toThrow(/contains ':'/);
    expect(() => wantedAttributes({ group: 'a\nb' })).toThrow(/contains a newline/);
    expect(wantedAttributes({ owner: 'www-data', group: '1000' })).toEqual({ owner: 'www-data', group: '1000' });
    // The module refuses it before the host is asked anything.
    const ctx = fakeHost();
    await expect(planModule(fileModule, { path: '/srv/x', owner: '--reference=/etc/shadow' }, ctx)).rejects.toThrow(
      /not a valid user or group name/,
    );
    expect(ctx.commands).toEqual([]);
    // Had it reached chown, `--` makes chown look up a user of that name, and fail.
    const d = tmp();
    writeFileSync(path.join(d, 'f'), 'x');
    const r = await sh.exec(`cd ${shellQuote(d)} && ${attributeCommands('f', { owner: '--reference=/etc/shadow' })[0]}`);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/invalid user/);
  });

  it('set the mode of a file named like an option', async () => {
    const d = tmp();
    writeFileSync(path.join(d, '-rf'), 'x');
    const r = await sh.exec(`cd ${shellQuote(d)} && ${attributeCommands(shellQuote('-rf'), { mode: '0600' }).join(' && ')}`);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(statSync(path.join(d, '-rf')).mode & 0o777).toBe(0o600);
  });
});

describe('rm, mkdir, touch, ln, chown -h (file module)', () => {
  const state = (type: string) => () => ({ stdout: `type=${type}\nmode=644\nowner=root\ngroup=root\nsize=1\n` });

  it('puts -- before a path that starts with -', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ state: 'absent' }, 'file', 'rm -f -- -x'],
      [{ state: 'directory' }, 'absent', 'mkdir -p -- -x'],
      [{ state: 'touch' }, 'absent', 'touch -- -x'],
      [{ state: 'link', src: '-t', owner: 'app', follow: false, force: true }, 'absent', 'ln -sfn -- -t -x && chown -h -- app -x'],
    ];
    for (const [args, type, want] of cases) {
      const ctx = fakeHost({ reply: state(type) });
      const plan = await planModule(fileModule, { path: '-x', ...args }, ctx);
      if (plan.kind !== 'change') throw new Error(`expected a change, got ${plan.kind}`);
      await plan.apply();
      // The change's command, on the line before the read of the path's info for the result.
      expect(ctx.commands.at(-1)?.split('\n')[0]).toBe(want);
    }
  });
});

describe('cd (command and shell chdir)', () => {
  it('never reads chdir as an option or as $OLDPWD', () => {
    expect(chdirCommand('-P')).toBe('cd -P -- ./-P');
    expect(chdirCommand('-')).toBe('cd -P -- ./-');
    expect(chdirCommand('/srv/app')).toBe('cd -P -- /srv/app');
    expect(schemaIssues(commandModule, { cmd: 'pwd', chdir: '' }).map((i) => i.path)).toEqual([['chdir']]);
  });

  it('chdir: - runs in the directory named "-", not in the previous one', async () => {
    const d = tmp();
    mkdirSync(path.join(d, '-'));
    mkdirSync(path.join(d, '-P'));
    for (const dir of ['-', '-P']) {
      const ctx = fakeHost();
      const plan = await planModule(commandModule, { cmd: 'pwd', chdir: dir }, ctx);
      if (plan.kind !== 'change') throw new Error('expected a change');
      await plan.apply();
      // The previous directory is /tmp, the current one the test directory: `cd -` would go back to /tmp.
      const r = await sh.exec(`cd /tmp && cd ${shellQuote(d)} && ${ctx.commands[0]}`);
      expect(r.stdout.trim()).toBe(path.join(d, dir));
    }
  });
});

describe('mktemp (the atomic writer of copy, template, apt_key)', () => {
  it('writes dest -p/conf, whose directory looks like an option of mktemp', async () => {
    const d = tmp();
    mkdirSync(path.join(d, '-p'));
    const script = writeFileScript('-p/conf', 'hello\n', {});
    expect(script).toContain('tmp=$(mktemp -- "$dir/.fleetplay.XXXXXX")');
    const r = await sh.exec(`cd ${shellQuote(d)}\n${script}`, { stdin: 'hello\n' });
    expect(r).toMatchObject({ exitCode: 0 });
    expect(readFileSync(path.join(d, '-p/conf'), 'utf8')).toBe('hello\n');
  });

  it('get_url downloads beside a dest starting with - through ./, and curl and wget get the URL after --', () => {
    const s = downloadScript({
      url: 'https://h/x',
      path: '-d/x',
      tool: 'curl',
      fetch: { timeoutSec: 5, validateCerts: true },
      wanted: { owner: 'app' },
      compareWithDest: false,
    });
    expect(s).toContain('tmp=$(mktemp -- "$(dirname -- ./-d/x)/.fleetplay-get_url.XXXXXX") || exit 1');
    expect(s).toContain('chown -- app "$tmp" || exit 1');
    expect(s).toContain('mv -f -- "$tmp" ./-d/x || exit 1');
    expect(s).toContain('-o "$tmp" -- https://h/x;;');
    expect(s).toContain('-O "$tmp" -- https://h/x;;');
  });
});

describe('tar and unzip (unarchive)', () => {
  const A = 'a'.repeat(64);
  const job = (over: Partial<ExtractJob>): ExtractJob => ({
    source: { kind: 'remote', path: '-x.zip' },
    archiveSha: A,
    dest: '/opt/app',
    spec: { format: { kind: 'zip' }, extraOpts: [], include: [] },
    drift: [],
    ...over,
  });

  it('builds the extraction with -- for chown, chmod, mktemp and tar members, and ./ or [-] where unzip has no --', () => {
    const zip = extractScript(job({ owner: 'app', spec: { format: { kind: 'zip' }, extraOpts: [], include: ['-d/etc', 'bin/*'] } }));
    expect(zip).toContain('arch=./-x.zip');
    expect(zip).toContain(`unzip -q -o "$arch" '[-]d/etc' 'bin/*' -d "$stage"`);
    expect(zip).toContain('  chown -h -- app "$t"');
    expect(zip).toContain('chmod -- "$mode" "$t"');
    expect(zip).toContain('stage=$(mktemp -d -- "$D/.fleetplay-unarchive.XXXXXX")');
    const tar = extractScript(
      job({
        source: { kind: 'remote', path: '/srv/a.tgz' },
        spec: { format: { kind: 'tar', compression: 'gzip' }, extraOpts: [], include: ['-C/etc'] },
      }),
    );
    expect(tar).toContain(`tar -x -z -f "$arch" -C "$stage" --no-same-owner -- -C/etc`);
  });

  it('lists a remote zip named like an option through ./', () => {
    const probe = archiveProbeScript({
      source: { kind: 'remote', path: '-a.zip' },
      dest: '/opt',
      spec: { format: { kind: 'zip' }, extraOpts: [], include: ['-x'] },
      programs: [],
    });
    expect(probe).toContain(`unzip -Z ./-a.zip '[-]x'`);
  });

  it.skipIf(!hasProgram('zip'))('reads a zip member named -dx as that member alone (unzip would read it as -d x)', async () => {
    const d = tmp();
    writeFileSync(path.join(d, '-dx'), 'hi\n');
    writeFileSync(path.join(d, 'a'), 'yo\n');
    execFileSync('zip', ['-q', 't.zip', '--', '-dx', 'a'], { cwd: d });
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const all = await localManifest(path.join(d, 't.zip'), { format: { kind: 'zip' }, extraOpts: [], include: [] });
    expect(all.entries.map((e) => [e.name, e.value])).toEqual([
      ['-dx', sha('hi\n')],
      ['a', sha('yo\n')],
    ]);
    const only = await localManifest(path.join(d, 't.zip'), { format: { kind: 'zip' }, extraOpts: [], include: ['-dx'] });
    expect(only.entries.map((e) => e.name)).toEqual(['-dx']);
  });
});

describe('sysctl, modprobe, systemctl', () => {
  it('sysctl -w ends its options before name=value, and a name starting with - is refused', () => {
    expect(sysctlApplyScript({ name: 'vm.swappiness', value: '10', file: '/etc/sysctl.d/x.conf', setLive: true, done: '' })).toContain(
      'sysctl -w -- vm.swappiness=10 >/dev/null',
    );
    expect(schemaIssues(sysctlModule, { name: '-a', value: '1' }).map((i) => i.path)).toEqual([['name']]);
  });

  it('modprobe names cannot start with -', () => {
    expect(schemaIssues(modprobeModule, { name: '-r' }).map((i) => i.path)).toEqual([['name']]);
    expect(schemaIssues(modprobeModule, { name: 'br_netfilter' })).toEqual([]);
  });

  it('systemctl gets the unit after --', () => {
    const probe = systemdProbe('-x', false);
    expect(probe).toContain(`u=-x`);
    expect(probe).toContain('systemctl is-enabled --full -- "$u"');
  });
});

describe('dpkg-query and apt-get', () => {
  it('package names come after -- and one starting with - is refused', () => {
    expect(dpkgQueryCommand(['-x', 'nginx'])).toMatch(/^dpkg-query -W '-f=\$\{Package\}[^']*' -- -x nginx$/);
    expect(selectionsProbe(['nginx'])).toContain(`dpkg-query -W -f='\${db:Status-Want}' -- nginx`);
    expect(simulateCommand({ verb: 'install', packages: ['nginx'], autoremove: false, purge: false })).toBe(
      'apt-get -s -y install -- nginx',
    );
    expect(schemaIssues(aptModule, { name: ['-oAPT::Get::Trivial-Only=false'] }).length).toBe(1);
    expect(schemaIssues(aptModule, { name: '-o' }).length).toBe(1);
    expect(schemaIssues(dpkgSelectionsModule, { name: '-x', selection: 'hold' }).length).toBe(1);
  });
});

function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
