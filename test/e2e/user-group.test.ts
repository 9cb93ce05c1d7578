// End-to-end: the group and user modules (modules/group/, modules/user/) on a real node over real SSH.
// A group is created, existing users join it in a loop with append (the geerlingguy.docker pattern) and
// a new user is made in it with a password; --check predicts every status (later tasks see what earlier
// ones would do) without touching the node, the real run does what --check said, the password hash is
// never printed, and a second run is all ok.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

// Lab addresses from 250 up are reserved (lab/paths.ts FIRST_RESERVED_INDEX); 248 is free among the e2e files.
const LAB = 'usergroup';
const HASH = '$6$fleetplaysalt$aUHInBhdVPBuxwsOr9rT/Y5kAs7jfLHjr.UWQbUjKQElI3QfPgQ3exKmnWVD2EExD1MGUW4O1cqxXrA2hIdme1';
let lab: LabState;
let playbook: string;
let changes: string;
let node: string;

const PLAYBOOK = `- name: groups and users
  hosts: all
  gather_facts: false
  tasks:
    - name: the group
      group:
        name: fpgroup
        gid: 1750
    - name: users join it
      user:
        name: "{{ item }}"
        groups: fpgroup
        append: true
      loop: [fpu1, fpu2]
    - name: a new user in it
      ansible.builtin.user:
        name: fpu3
        groups: [fpgroup]
        shell: /bin/bash
        password: "${HASH}"
    - name: the same again
      user:
        name: fpu3
        groups: fpgroup
        shell: /bin/bash
        password: "${HASH}"
`;

const CHANGES = `- name: changing and removing
  hosts: all
  gather_facts: false
  tasks:
    - name: exact groups
      user:
        name: fpu1
        groups: [fpgroup]
    - name: moved home and new shell
      user:
        name: fpu2
        comment: Second user
        shell: /bin/bash
        home: /srv/fpu2
        move_home: true
    - name: a password set locked
      user:
        name: fpu1
        password: "${HASH}"
        password_lock: true
    - name: a system user without a home
      user:
        name: fpsys
        system: true
        create_home: false
    - name: fpu3 removed with its home
      user:
        name: fpu3
        state: absent
        remove: true
    - name: its own group went with it
      group:
        name: fpu3
        state: absent
`;

const RESET = [
  'for u in fpu1 fpu2 fpu3 fpsys; do userdel -r "$u" 2>/dev/null; done',
  'rm -rf /srv/fpu2',
  'groupdel fpgroup 2>/dev/null',
  // Existing users, fpu1 already in another group that append must keep.
  'useradd -m -G users fpu1 && useradd -m fpu2',
].join('; ');

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 248);
  node = lab.nodes[0]!.name;
  const reset = onNode(lab, node, RESET);
  expect(reset.code, reset.stderr).toBe(0);
  playbook = path.join(tmpDir(), 'users.yml');
  writeFileSync(playbook, PLAYBOOK);
  changes = path.join(tmpDir(), 'changes.yml');
  writeFileSync(changes, CHANGES);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const statusesOf = (r: Awaited<ReturnType<typeof engine>>) => r.report!.results.map((x) => [x.task, x.item ?? null, x.status]);

describe('group and user on a lab node', () => {
  it('--check predicts the real run, which joins the users to the group and makes the new user; a second run is all ok', async () => {
    const inventory = lab.inventoryFile;
    const before = onNode(lab, node, 'getent group; getent passwd; cat /etc/shadow').stdout;
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(statusesOf(check)).toEqual([
      ['the group', null, 'changed'],
      ['users join it', 'fpu1', 'changed'],
      ['users join it', 'fpu2', 'changed'],
      ['a new user in it', null, 'changed'],
      // It sees the user, its group and its password as the task before would leave them.
      ['the same again', null, 'ok'],
    ]);
    expect(onNode(lab, node, 'getent group; getent passwd; cat /etc/shadow').stdout).toBe(before);

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statusesOf(real)).toEqual(statusesOf(check));
    const state = onNode(
      lab,
      node,
      'getent group fpgroup; id -nG fpu1; getent passwd fpu3; stat -c "%U %a" /home/fpu3; getent shadow fpu3 | cut -d: -f2',
    );
    const [group, fpu1Groups, fpu3, home, shadow] = state.stdout.trim().split('\n');
    expect(group).toBe('fpgroup:x:1750:fpu1,fpu2,fpu3');
    expect(fpu1Groups?.split(' ').sort()).toEqual(['fpgroup', 'fpu1', 'users']);
    expect(fpu3).toMatch(/^fpu3:x:\d+:\d+::\/home\/fpu3:\/bin\/bash$/);
    expect(home).toBe('fpu3 755');
    expect(shadow).toBe(HASH);
    // The hash is on no line the engine printed, nor in its reports.
    for (const text of [check.stdout, check.stderr, real.stdout, real.stderr, JSON.stringify(check.report), JSON.stringify(real.report)]) {
      expect(text).not.toContain('aUHInBhdVPBux');
    }

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.report!.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(readFileSync(playbook, 'utf8')).toContain(HASH);
  }, 300_000);

  it('changes and removals: --check predicts them (userdel taking the user’s own group too), the real run agrees, then all ok', async () => {
    const inventory = lab.inventoryFile;
    const check = await engine(['run', changes, '-i', inventory, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.report!.results.map((r) => [r.task, r.status])).toEqual([
      ['exact groups', 'changed'],
      ['moved home and new shell', 'changed'],
      ['a password set locked', 'changed'],
      ['a system user without a home', 'changed'],
      ['fpu3 removed with its home', 'changed'],
      ['its own group went with it', 'ok'],
    ]);
    const real = await engine(['run', changes, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statusesOf(real)).toEqual(statusesOf(check));
    const state = onNode(
      lab,
      node,
      'id -nG fpu1; getent passwd fpu2; test -d /srv/fpu2 && echo moved; test -e /home/fpu2 || echo gone; getent passwd fpu3 || echo no-fpu3; getent group fpu3 || echo no-group; test -e /home/fpu3 || echo no-home; getent passwd fpsys | cut -d: -f6; test -e /home/fpsys || echo no-sys-home; getent shadow fpu1 | cut -d: -f2',
    );
    const lines = state.stdout.trim().split('\n');
    // fpu1 left users: the list is exact without append.
    expect(lines[0]).toBe('fpu1 fpgroup');
    expect(lines[1]).toMatch(/^fpu2:x:\d+:\d+:Second user:\/srv\/fpu2:\/bin\/bash$/);
    expect(lines.slice(2)).toEqual(['moved', 'gone', 'no-fpu3', 'no-group', 'no-home', '/home/fpsys', 'no-sys-home', `!${HASH}`]);
    for (const text of [check.stdout, real.stdout, JSON.stringify(check.report), JSON.stringify(real.report)]) {
      expect(text).not.toContain('aUHInBhdVPBux');
    }
    const again = await engine(['run', changes, '-i', inventory], { withReport: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.report!.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  }, 300_000);
});
