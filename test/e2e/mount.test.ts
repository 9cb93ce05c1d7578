// End-to-end: ansible.posix.mount on one clean lab node (a systemd-nspawn container, where mounting tmpfs
// works) over real SSH: a tmpfs mounted through its /etc/fstab entry (a mount point with a space, written
// \040), then unmounted and made absent. --check predicts each run exactly, and a second run changes nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'mountmod';
const MNT = '/mnt/fp tmp';
const LINE = 'tmpfs /mnt/fp\\040tmp tmpfs size=2m 0 0';
let lab: LabState;
let node: string;
let fstabBefore: string;
const books: Record<'mount' | 'unmount', string> = { mount: '', unmount: '' };

const task = (name: string, args: string) => `    - name: ${name}\n      ansible.posix.mount:\n${args}`;
const full = `        path: ${MNT}\n        src: tmpfs\n        fstype: tmpfs\n        opts: size=2m\n`;
const play = (tasks: string[]) => `- name: mount\n  hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('')}`;

const sh = (command: string) => onNode(lab, node, command);
const statuses = (r: Report | undefined) => r?.results.map((x) => [x.task, x.status]);
const mounted = () => sh("grep -c ' /mnt/fp\\\\040tmp ' /proc/self/mountinfo").stdout.trim();

beforeAll(async () => {
  // The lab's addresses from 250 up are reserved; 6 is the one this file was given.
  lab = await bootLab(LAB, 1, 'clean', 6);
  node = lab.nodes[0]!.name;
  const reset = sh(`umount '${MNT}' 2>/dev/null; sed -i '/fp\\\\040tmp/d' /etc/fstab; rmdir '${MNT}' 2>/dev/null; true`);
  expect(reset.code, reset.stderr).toBe(0);
  fstabBefore = sh('cat /etc/fstab').stdout;
  const dir = tmpDir();
  books.mount = path.join(dir, 'mount.yml');
  books.unmount = path.join(dir, 'unmount.yml');
  writeFileSync(
    books.mount,
    play([task('tmpfs mounted', `${full}        state: mounted\n`), task('mounted again', `${full}        state: mounted\n`)]),
  );
  writeFileSync(
    books.unmount,
    play([
      task('tmpfs unmounted', `        path: ${MNT}\n        state: unmounted\n`),
      task('tmpfs absent', `        name: ${MNT}\n        state: absent\n`),
    ]),
  );
}, 600_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('mount on a lab node', () => {
  it('mounts a tmpfs through its fstab entry as --check says; a second run changes nothing', async () => {
    const inventory = lab.inventoryFile;
    const check = await engine(['run', books.mount, '-i', inventory, '--check', '--diff'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(statuses(check.report)).toEqual([
      ['tmpfs mounted', 'changed'],
      ['mounted again', 'ok'],
    ]);
    expect(sh('cat /etc/fstab').stdout).toBe(fstabBefore);
    expect(sh(`test -e '${MNT}'; echo $?`).stdout.trim()).toBe('1');

    const real = await engine(['run', books.mount, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(real.report)).toEqual(statuses(check.report));
    expect(sh('cat /etc/fstab').stdout).toBe(`${fstabBefore}${LINE}\n`);
    expect(mounted()).toBe('1');
    expect(sh(`findmnt -n -o FSTYPE,OPTIONS '${MNT}'`).stdout).toMatch(/^tmpfs .*size=2048k/);

    const again = await engine(['run', books.mount, '-i', inventory, '--check'], { withReport: true });
    expect(again.report?.results.map((r) => r.status)).toEqual(['ok', 'ok']);
  }, 300_000);

  it('unmounts, then removes the entry and the mount point, as --check says; a second run changes nothing', async () => {
    const inventory = lab.inventoryFile;
    const check = await engine(['run', books.unmount, '-i', inventory, '--check'], { withReport: true });
    expect(statuses(check.report)).toEqual([
      ['tmpfs unmounted', 'changed'],
      ['tmpfs absent', 'changed'],
    ]);
    expect(mounted()).toBe('1');

    const real = await engine(['run', books.unmount, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(real.report)).toEqual(statuses(check.report));
    expect(mounted()).toBe('0');
    expect(sh('cat /etc/fstab').stdout).toBe(fstabBefore);
    expect(sh(`test -e '${MNT}'; echo $?`).stdout.trim()).toBe('1');

    const again = await engine(['run', books.unmount, '-i', inventory], { withReport: true });
    expect(again.report?.results.map((r) => r.status)).toEqual(['ok', 'ok']);
  }, 300_000);
});
