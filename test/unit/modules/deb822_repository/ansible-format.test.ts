// deb822_repository writes and reports the stanza as Ansible's module does (ansible-core's
// deb822_repository target compares `repo` with it): fields by argument name, Ansible's field names, its
// other options (Date-Max-Future, …), an armored key on four-space lines, the slug as file name.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { deb822RepositoryModule } from '../../../../modules/deb822_repository/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const ABSENT = 'type=absent\n';
const KEY = `-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY
=IE0r
-----END PGP PUBLIC KEY BLOCK-----`;

/** Plans the task for a host where the source file does not exist yet (update_cache off: nothing fetched). */
async function planned(args: Record<string, unknown>) {
  const h = fakeHost({ reply: () => ({ stdout: ABSENT }) });
  return planModule(deb822RepositoryModule, { update_cache: false, ...args }, h);
}

describe("deb822_repository's stanza as Ansible writes it", () => {
  it('names the file by the slug and writes the fields in the order of the argument names, with date_max_future', async () => {
    const plan = await planned({
      name: 'ansible-test focal archive',
      uris: 'http://us.archive.ubuntu.com/ubuntu',
      suites: ['focal', 'focal-updates'],
      components: ['main', 'restricted'],
      date_max_future: 10,
    });
    expect(plan).toMatchObject({
      kind: 'change',
      data: {
        dest: '/etc/apt/sources.list.d/ansible-test-focal-archive.sources',
        key_filename: null,
        repo: [
          'Components: main restricted',
          'Date-Max-Future: 10',
          'X-Repolib-Name: ansible-test focal archive',
          'Suites: focal focal-updates',
          'Types: deb',
          'URIs: http://us.archive.ubuntu.com/ubuntu',
          '',
        ].join('\n'),
      },
    });
  });

  it('writes an inline key on lines indented by four spaces, an empty line as "."', async () => {
    const plan = await planned({
      name: 'ansible-test',
      uris: 'https://deb.debian.org',
      suites: 'stable',
      components: ['main'],
      signed_by: KEY,
    });
    expect(plan.data?.repo).toBe(
      [
        'Components: main',
        'X-Repolib-Name: ansible-test',
        'Signed-By:',
        '    -----BEGIN PGP PUBLIC KEY BLOCK-----',
        '    .',
        '    mDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY',
        '    =IE0r',
        '    -----END PGP PUBLIC KEY BLOCK-----',
        'Suites: stable',
        'Types: deb',
        'URIs: https://deb.debian.org',
        '',
      ].join('\n'),
    );
  });

  it("takes apt's other options: booleans as yes/no, targets as a list, paths as text", async () => {
    const plan = await planned({
      name: 'x',
      uris: 'https://a',
      suites: 's',
      components: 'main',
      allow_insecure: true,
      check_valid_until: false,
      targets: ['Packages'],
      inrelease_path: 'InRelease',
    });
    expect(plan.data?.repo).toBe(
      'Allow-Insecure: yes\nCheck-Valid-Until: no\nComponents: main\nInrelease-Path: InRelease\nX-Repolib-Name: x\nSuites: s\nTargets: Packages\nTypes: deb\nURIs: https://a\n',
    );
  });
});
