// Issue #12, item 8: a newline, carriage return or NUL in a value written to a line-oriented file (apt
// sources, modprobe.d, modules-load.d, sysctl.d, an apt source's keyring path, dpkg selections) is refused
// before anything is written: by the argument schema at validation (and again after templating), and by the
// module itself before it asks the host anything.
import { planModule } from '../../../engine/executor/moduleDriver.ts';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { checkSchema } from '../../../engine/playbook/schemaCheck.ts';
import type { ModuleDefinition, Vars } from '../../../engine/types.ts';
import { aptKeyModule } from '../../../modules/apt_key/index.ts';
import { deb822RepositoryModule } from '../../../modules/deb822_repository/index.ts';
import { dpkgSelectionsModule } from '../../../modules/dpkg_selections/index.ts';
import { renderSource, sourceProblems, type Deb822Source } from '../../../modules/deb822_repository/deb822.ts';
import { decideModprobe, modprobeModule } from '../../../modules/modprobe/index.ts';
import { sysctlModule } from '../../../modules/sysctl/index.ts';
import { fakeHost } from '../../support/fakeHost.ts';

/** The argument paths the schema refuses. */
const refused = (m: ModuleDefinition, args: Vars) => checkSchema(m.schema, args, `module '${m.name}'`).map((i) => i.path);

const ARMORED = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n';
const repo = {
  name: 'docker',
  uris: 'https://download.docker.com/linux/debian',
  suites: 'bookworm',
  components: ['stable'],
  signed_by: '/etc/apt/keyrings/docker.gpg',
};

describe('deb822_repository', () => {
  it('refuses a newline in any list item, a string list, signed_by as a path, at validation', () => {
    expect(refused(deb822RepositoryModule, repo)).toEqual([]);
    expect(refused(deb822RepositoryModule, { ...repo, components: ['stable\nTrusted: yes'] })).toEqual([['components', 0]]);
    expect(refused(deb822RepositoryModule, { ...repo, suites: 'bookworm\nTrusted: yes' })).toEqual([['suites']]);
    expect(refused(deb822RepositoryModule, { ...repo, uris: ['https://a/\rTrusted: yes'] })).toEqual([['uris', 0]]);
    expect(refused(deb822RepositoryModule, { ...repo, architectures: ['amd64 arm64'] })).toEqual([['architectures', 0]]);
    expect(refused(deb822RepositoryModule, { ...repo, languages: 'en\u0000' })).toEqual([['languages']]);
    expect(refused(deb822RepositoryModule, { ...repo, signed_by: '/etc/apt/keyrings/docker.gpg\nTrusted: yes' })).toEqual([['signed_by']]);
    expect(refused(deb822RepositoryModule, { ...repo, name: 'docker\nTrusted: yes' })).toEqual([['name']]);
  });

  it('keeps an armored key block working: its lines become continuation lines', () => {
    expect(refused(deb822RepositoryModule, { ...repo, signed_by: ARMORED })).toEqual([]);
    const s: Deb822Source = {
      name: 'x',
      types: ['deb'],
      uris: ['https://a'],
      suites: ['s'],
      components: ['main'],
      architectures: [],
      languages: [],
      signedBy: `${ARMORED.trim()}\rTrusted: yes`,
    };
    expect(sourceProblems(s)).toEqual([]);
    const text = renderSource(s);
    // Every line after the field's first starts with a space: no new field, not even after a lone CR.
    const lines = text.split('\n');
    const after = lines.slice(lines.findIndex((l) => l.startsWith('Signed-By:')) + 1);
    // Six continuation lines, then the next field (fields are in Ansible's order: by argument name).
    expect(after.slice(0, 6).every((l) => l.startsWith(' '))).toBe(true);
    expect(after[6]).toBe('Suites: s');
    expect(text).not.toMatch(/^Trusted:/m);
  });

  it('refuses the same values after templating, before the host is asked anything', async () => {
    const ctx = fakeHost();
    const plan = await planModule(deb822RepositoryModule, { ...repo, components: ['stable\nTrusted: yes'] }, ctx);
    expect(plan.kind).toBe('failed');
    expect(plan.msg).toContain(
      `an item of argument 'components' ("stable\\nTrusted: yes") contains a newline; items are words of one line of /etc/apt/sources.list.d/docker.sources`,
    );
    const signed = await planModule(deb822RepositoryModule, { ...repo, signed_by: '/k.gpg\nTrusted: yes' }, ctx);
    expect(signed.msg).toContain(`argument 'signed_by' contains a newline`);
    const bare: Deb822Source = {
      name: 'x',
      types: ['deb'],
      uris: ['https://a'],
      suites: ['s'],
      components: [''],
      architectures: [],
      languages: [],
    };
    expect(sourceProblems(bare)).toEqual([
      `argument 'components' has an empty item; items are words of one line of /etc/apt/sources.list.d/x.sources`,
    ]);
    expect(ctx.commands).toEqual([]);
  });
});

describe('modprobe', () => {
  it('refuses a newline in params at validation (it would write an `install … /bin/sh -c …` line)', () => {
    expect(refused(modprobeModule, { name: 'loop', params: 'max_loop=8' })).toEqual([]);
    expect(refused(modprobeModule, { name: 'loop', params: 'max_loop=8\ninstall loop /bin/sh -c "touch /pwned"' })).toEqual([['params']]);
    expect(refused(modprobeModule, { name: 'loop\nevil' })).toEqual([['name']]);
  });

  it('refuses it in the module, before the probe, and in the pure decision', async () => {
    const ctx = fakeHost();
    const bad = { name: 'loop', params: 'max_loop=8\ninstall loop /bin/sh -c id', persistent: 'present' };
    await expect(planModule(modprobeModule, bad, ctx)).rejects.toThrow(
      /argument 'params' contains a newline; it is written into one line of \/etc\/modprobe.d\/loop.conf/,
    );
    expect(ctx.commands).toEqual([]);
    const none = { sys: false, loadable: false, proc: false, moduleSupport: true, builtin: false, listed: [] };
    expect(() => decideModprobe({ name: 'loop', params: 'a=1\rb', state: 'present', persistent: 'present' }, none)).toThrow(FleetError);
  });
});

describe('sysctl', () => {
  it('refuses a newline, CR or NUL in name, value and sysctl_file at validation', () => {
    expect(refused(sysctlModule, { name: 'vm.swappiness', value: '10', sysctl_file: '/etc/sysctl.d/90-fp.conf' })).toEqual([]);
    expect(refused(sysctlModule, { name: 'vm.swappiness', value: '10\nkernel.modprobe=/tmp/x' })).toEqual([['value']]);
    expect(refused(sysctlModule, { name: 'vm.swappiness', value: 10 })).toEqual([]);
    expect(refused(sysctlModule, { name: 'vm.swappiness\nkernel.x', value: '1' })).toEqual([['name']]);
    expect(refused(sysctlModule, { name: 'vm.swappiness', value: '1', sysctl_file: '/etc/sysctl.d/a\u0000b' })).toEqual([['sysctl_file']]);
  });

  it('refuses a newline in value before the host is asked (normalizing would fold it into a space)', async () => {
    const ctx = fakeHost();
    await expect(planModule(sysctlModule, { name: 'vm.swappiness', value: '10\nkernel.modprobe=/tmp/x' }, ctx)).rejects.toThrow(
      /argument 'value' contains a newline; it is written into one line of \/etc\/sysctl.conf/,
    );
    expect(ctx.commands).toEqual([]);
  });
});

describe('apt_key and dpkg_selections', () => {
  it('apt_key refuses a keyring path with a newline (it is named on a Signed-By line)', async () => {
    expect(refused(aptKeyModule, { keyring: '/etc/apt/keyrings/a.gpg', data: 'x' })).toEqual([]);
    expect(refused(aptKeyModule, { keyring: '/etc/apt/keyrings/a.gpg\nTrusted: yes', data: 'x' })).toEqual([['keyring']]);
    const ctx = fakeHost();
    await expect(planModule(aptKeyModule, { keyring: '/etc/apt/keyrings/a\n.gpg', data: 'x' }, ctx)).rejects.toThrow(
      /argument 'keyring' contains a newline/,
    );
    expect(ctx.commands).toEqual([]);
  });

  it('dpkg_selections refuses a package name with a newline (each is a line of dpkg --set-selections)', () => {
    expect(refused(dpkgSelectionsModule, { name: 'nginx', selection: 'hold' })).toEqual([]);
    expect(refused(dpkgSelectionsModule, { name: 'nginx\nlibc6 purge', selection: 'hold' })).toEqual([['name']]);
    expect(refused(dpkgSelectionsModule, { name: ['nginx', 'libc6 purge'], selection: 'hold' }).length).toBeGreaterThan(0);
  });
});
