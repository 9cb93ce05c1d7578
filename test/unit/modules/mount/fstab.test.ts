// mount: the fstab text edits, checked against what Ansible's mount module (ansible.posix mount.py on Linux)
// writes for the same fstab: lines kept, lines rewritten, escaping and its quirks.
import { describe, expect, it } from 'vitest';
import { escapeFstab, setMount, unsetMount } from '../../../../modules/mount/index.ts';

const FSTAB = [
  '# /etc/fstab: static file system information.',
  '#',
  'UUID=1234-abcd\t/\text4\terrors=remount-ro\t0\t1',
  '',
  '/dev/sdb1  /data  xfs  defaults  0  2',
  '',
].join('\n');

const entry = (e: Partial<Parameters<typeof setMount>[1]> = {}) => ({
  src: '/dev/sdc1',
  path: '/srv/www',
  fstype: 'ext4',
  opts: 'defaults',
  dump: '0',
  passno: '0',
  ...e,
});

describe('escapeFstab', () => {
  it('writes backslash, space and & as octal escapes, backslash first', () => {
    expect(escapeFstab('/mnt/my disk&co\\x')).toBe('/mnt/my\\040disk\\046co\\134x');
  });
});

describe('setMount (present, mounted)', () => {
  it('appends the entry with single spaces and keeps every other line as it is', () => {
    const r = setMount(FSTAB, entry(), '/dev/sdc1');
    expect(r).toEqual({ changed: true, text: `${FSTAB}/dev/sdc1 /srv/www ext4 defaults 0 0\n` });
  });

  it('leaves an fstab with the same entry unchanged, whatever its spacing', () => {
    const text = `${FSTAB}/dev/sdc1\t/srv/www   ext4 defaults 0 0\n`;
    expect(setMount(text, entry(), '/dev/sdc1')).toEqual({ changed: false, text });
  });

  it('rewrites only the matching line when a field differs, in place', () => {
    const r = setMount(FSTAB, entry({ src: '/dev/sdb1', path: '/data', fstype: 'xfs', opts: 'noatime', passno: '2' }), '/dev/sdb1');
    expect(r.changed).toBe(true);
    expect(r.text).toBe(FSTAB.replace('/dev/sdb1  /data  xfs  defaults  0  2', '/dev/sdb1 /data xfs noatime 0 2'));
  });

  it('rewrites a line of four fields with all six, as Ansible does (its missing dump/passno never equal "0")', () => {
    const text = 'tmpfs /run/x tmpfs defaults\n';
    expect(setMount(text, entry({ src: 'tmpfs', path: '/run/x', fstype: 'tmpfs' }), 'tmpfs')).toEqual({
      changed: true,
      text: 'tmpfs /run/x tmpfs defaults 0 0\n',
    });
  });

  it('matches a mount point with a space through its \\040 escape', () => {
    const text = '/dev/sdd1 /mnt/my\\040disk ext4 defaults 0 0\n';
    const same = entry({ src: '/dev/sdd1', path: escapeFstab('/mnt/my disk') });
    expect(setMount(text, same, '/dev/sdd1')).toEqual({ changed: false, text });
    expect(setMount(text, { ...same, opts: 'ro' }, '/dev/sdd1').text).toBe('/dev/sdd1 /mnt/my\\040disk ext4 ro 0 0\n');
  });

  it('tells swap lines (mount point none) apart by their src', () => {
    const text = '/dev/sda2 none swap sw 0 0\n/dev/sda3 none swap sw 0 0\n';
    const r = setMount(text, entry({ src: '/dev/sda3', path: 'none', fstype: 'swap', opts: 'sw,pri=5' }), '/dev/sda3');
    expect(r.text).toBe('/dev/sda2 none swap sw 0 0\n/dev/sda3 none swap sw,pri=5 0 0\n');
  });

  it('ignores a trailing comment when matching, and drops it when it rewrites the line', () => {
    const text = '/dev/sdc1 /srv/www ext4 defaults 0 0 # web\n';
    expect(setMount(text, entry(), '/dev/sdc1')).toEqual({ changed: false, text });
    expect(setMount(text, entry({ opts: 'ro' }), '/dev/sdc1').text).toBe('/dev/sdc1 /srv/www ext4 ro 0 0\n');
  });

  it('gives the last line its newline when it appends after it', () => {
    expect(setMount('/dev/sda1 / ext4 defaults 0 1', entry(), '/dev/sdc1').text).toBe(
      '/dev/sda1 / ext4 defaults 0 1\n/dev/sdc1 /srv/www ext4 defaults 0 0\n',
    );
  });

  it('keeps lines it cannot split into 4 to 6 fields', () => {
    const text = 'garbage line\n/a /srv/www b c d e f\n';
    expect(setMount(text, entry(), '/dev/sdc1').text).toBe(`${text}/dev/sdc1 /srv/www ext4 defaults 0 0\n`);
  });

  it('writes an entry into an empty (or missing) fstab', () => {
    expect(setMount('', entry(), '/dev/sdc1')).toEqual({ changed: true, text: '/dev/sdc1 /srv/www ext4 defaults 0 0\n' });
  });
});

describe('unsetMount (absent, absent_from_fstab)', () => {
  it('removes the line of the mount point and keeps the rest', () => {
    const text = `${FSTAB}/dev/sdc1 /srv/www ext4 defaults 0 0\n# end\n`;
    expect(unsetMount(text, '/srv/www', undefined)).toEqual({ changed: true, text: `${FSTAB}# end\n` });
  });

  it('is unchanged when no line names the mount point', () => {
    expect(unsetMount(FSTAB, '/srv/www', undefined)).toEqual({ changed: false, text: FSTAB });
  });

  it('removes every line for the mount point, found through its escape', () => {
    const text = '/dev/a /mnt/my\\040disk ext4 defaults 0 0\n/dev/b /mnt/my\\040disk ext4 ro 0 0\n/dev/c /x ext4 ro 0 0\n';
    expect(unsetMount(text, '/mnt/my disk', undefined).text).toBe('/dev/c /x ext4 ro 0 0\n');
  });

  it('keeps lines of fewer than six fields or with a trailing comment, as Ansible does', () => {
    const text = 'tmpfs /srv/www tmpfs defaults\n/dev/sdc1 /srv/www ext4 defaults 0 0 # web\n';
    expect(unsetMount(text, '/srv/www', undefined)).toEqual({ changed: false, text });
  });

  it('removes only the swap line with the given src', () => {
    const text = '/dev/sda2 none swap sw 0 0\n/dev/sda3 none swap sw 0 0\n';
    expect(unsetMount(text, 'none', '/dev/sda2').text).toBe('/dev/sda3 none swap sw 0 0\n');
  });
});
