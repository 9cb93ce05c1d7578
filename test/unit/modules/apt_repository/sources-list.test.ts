// apt_repository's pure side: Ansible's line parsing and file name, apt's rules for a one-line entry, and the
// edits of present and absent across several sources files.
import { describe, expect, it } from 'vitest';
import { wantedSource } from '../../../../modules/apt_repository/index.ts';
import {
  absentEdits,
  parseLine,
  presentEdits,
  sourceInRelease,
  splitSource,
  suggestFilename,
} from '../../../../modules/apt_repository/sourcesList.ts';

const D = '/etc/apt/sources.list.d';

describe('apt_repository lines', () => {
  it('parses as Ansible: whitespace collapsed, a leading # disables, a later # starts a comment', () => {
    expect(parseLine('  deb   http://a/debian  bookworm main \n')).toEqual({
      valid: true,
      enabled: true,
      source: 'deb http://a/debian bookworm main',
      comment: '',
    });
    expect(parseLine('# deb-src http://a/debian bookworm main # old mirror')).toEqual({
      valid: true,
      enabled: false,
      source: 'deb-src http://a/debian bookworm main',
      comment: 'old mirror',
    });
    expect(parseLine('# See sources.list(5)').valid).toBe(false);
    expect(parseLine('').valid).toBe(false);
  });

  it("derives Ansible's file names from the URL", () => {
    expect(suggestFilename('deb http://dl.google.com/linux/chrome/deb/ stable main')).toBe('dl_google_com_linux_chrome_deb.list');
    expect(
      suggestFilename('deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable'),
    ).toBe('download_docker_com_linux_debian.list');
    expect(suggestFilename('deb https://user:secret@repo.example.com:8443/apt stable main')).toBe('repo_example_com_8443_apt.list');
  });

  it('splits an entry into what apt reads, and refuses what apt would refuse', () => {
    const s = splitSource('deb [arch=amd64 signed-by=/k.asc] http://127.0.0.1:8765/apt/docker bookworm stable');
    expect(s).toMatchObject({ type: 'deb', uri: 'http://127.0.0.1:8765/apt/docker', suite: 'bookworm', components: ['stable'] });
    if ('problem' in s) return;
    expect(s.options.get('signed-by')).toBe('/k.asc');
    expect(sourceInRelease(s)).toBe('http://127.0.0.1:8765/apt/docker/dists/bookworm/InRelease');
    const flat = splitSource('deb http://h/repo/ ./');
    expect('problem' in flat ? flat.problem : sourceInRelease(flat)).toBe('http://h/repo/./InRelease');
    expect(splitSource('deb http://h/debian bookworm')).toEqual({ problem: expect.stringContaining('at least one component') });
    expect(splitSource('deb http://h/repo/ ./ main')).toEqual({ problem: expect.stringContaining('flat repository') });
    expect(splitSource('deb [arch=amd64 http://h/debian bookworm main')).toEqual({
      problem: expect.stringContaining('not one [ ... ] group'),
    });
    expect(splitSource('deb bookworm main')).toEqual({ problem: expect.stringContaining('is not a URI') });
  });

  it('names the file from filename or the URL, and refuses PPAs and disabled or invalid strings', () => {
    expect(wantedSource({ repo: 'deb  http://a/debian bookworm main' })).toEqual({
      source: 'deb http://a/debian bookworm main',
      target: `${D}/a_debian.list`,
    });
    expect(wantedSource({ repo: 'deb http://a/debian bookworm main', filename: 'mine' })).toMatchObject({ target: `${D}/mine.list` });
    expect(wantedSource({ repo: 'ppa:deadsnakes/ppa' })).toEqual({ problem: expect.stringContaining('Launchpad PPA') });
    expect(wantedSource({ repo: '# deb http://a/debian bookworm main' })).toEqual({
      problem: expect.stringContaining('Invalid repository string'),
    });
    expect(wantedSource({ repo: 'rpm http://a/x y z' })).toEqual({ problem: expect.stringContaining('Invalid repository string') });
  });
});

describe('apt_repository edits', () => {
  const src = 'deb http://a/debian bookworm main';

  it('present appends to the target only when no file has the source, keeping other lines byte for byte', () => {
    const files = new Map([
      ['/etc/apt/sources.list', '#  a comment\ndeb http://b/debian bookworm main'],
      [`${D}/a.list`, 'deb http://c/x y z'],
    ]);
    const edits = presentEdits(files, src, `${D}/a.list`);
    expect([...edits]).toEqual([[`${D}/a.list`, { before: 'deb http://c/x y z', after: `deb http://c/x y z\n${src}\n`, appended: true }]]);
    expect(presentEdits(new Map(), src, `${D}/new.list`).get(`${D}/new.list`)).toEqual({ before: '', after: `${src}\n`, appended: true });
  });

  it('present is a no-op when an enabled copy exists anywhere, whitespace aside', () => {
    const files = new Map([['/etc/apt/sources.list', `deb  http://a/debian\tbookworm main # mirror\n`]]);
    expect(presentEdits(files, src, `${D}/a_debian.list`).size).toBe(0);
  });

  it('present enables every commented-out copy instead of appending', () => {
    const files = new Map([
      ['/etc/apt/sources.list', `# deb http://a/debian bookworm main # old\nother\n`],
      [`${D}/x.list`, `#deb http://a/debian  bookworm main\n`],
    ]);
    const edits = presentEdits(files, src, `${D}/a_debian.list`);
    expect(edits.get('/etc/apt/sources.list')?.after).toBe(`${src} # old\nother\n`);
    expect(edits.get(`${D}/x.list`)?.after).toBe(`${src}\n`);
    expect(edits.has(`${D}/a_debian.list`)).toBe(false);
  });

  it('absent removes enabled copies from every file, keeps disabled ones, and deletes a file left empty', () => {
    const files = new Map([
      ['/etc/apt/sources.list', `deb http://x/debian bookworm main\ndeb   http://a/debian bookworm main\n# ${src}\n`],
      [`${D}/a_debian.list`, `${src}\n`],
      [`${D}/other.list`, 'deb http://z/debian bookworm main\n'],
    ]);
    const edits = absentEdits(files, src);
    expect(edits.get('/etc/apt/sources.list')?.after).toBe(`deb http://x/debian bookworm main\n# ${src}\n`);
    expect(edits.get(`${D}/a_debian.list`)?.after).toBeUndefined();
    expect(edits.has(`${D}/other.list`)).toBe(false);
  });
});
