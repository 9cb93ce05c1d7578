// End-to-end: file, stat and copy with the Ansible arguments of issue #16 on a real node: symbolic modes,
// recurse, follow, times with touch, a directory copied from the controller with directory_mode and
// mode: preserve, copy's checksum, stat's fields. --check predicts the real run task by task, the node
// holds what Ansible would leave, and a second run changes nothing.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

const LAB = 'fileargs';
let lab: LabState;
let playbook: string;

const playbookText = (src: string) => `- name: file, stat and copy arguments
  hosts: all
  gather_facts: false
  tasks:
    - name: a directory
      file:
        dest: /srv/fargs/out
        state: directory
        mode: u=rwx,g=rx,o=
    - name: copy a controller directory into it
      copy:
        src: ${src}
        dest: /srv/fargs/out/
        directory_mode: "0750"
        mode: preserve
    - name: a mirror of the tree on the node
      copy:
        src: /srv/fargs/tree/
        dest: /srv/fargs/mirror
        remote_src: true
    - name: a tree made readable for the group
      file:
        path: /srv/fargs/tree
        recurse: true
        mode: u=rwX,g=rX,o=
    - name: a link's target
      file:
        path: /srv/fargs/link
        mode: "0600"
    - name: a fixed modification time
      file:
        path: /srv/fargs/stamp
        state: touch
        modification_time: "202001020304.05"
        access_time: preserve
    - name: content checked against its sha1
      copy:
        content: "hello\\n"
        dest: /srv/fargs/hello
        checksum: f572d396fae9206628714fb2ce00f72e94f2258f
    - name: a second name for it
      file:
        path: /srv/fargs/hello.hard
        src: /srv/fargs/hello
        state: hard
    - name: stat the stamp
      stat:
        path: /srv/fargs/stamp
        checksum_algorithm: sha256
      register: st
    - name: stat says what touch left
      assert:
        that:
          - st.stat.exists and st.stat.isreg
          - st.stat.mode == '0644'
          - st.stat.size == 0
          - st.stat.checksum == 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
`;

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 16);
  const reset = onNode(
    lab,
    lab.nodes[0]!.name,
    [
      'rm -rf /srv/fargs && mkdir -p /srv/fargs/tree/sub',
      'printf x > /srv/fargs/tree/plain && printf y > /srv/fargs/tree/sub/tool && printf z > /srv/fargs/target',
      'chmod 0600 /srv/fargs/tree/plain && chmod 0700 /srv/fargs/tree/sub/tool /srv/fargs/tree/sub /srv/fargs/tree',
      'chmod 0644 /srv/fargs/target && ln -s target /srv/fargs/link',
    ].join(' && '),
  );
  expect(reset.code, reset.stderr).toBe(0);
  const dir = tmpDir();
  const src = path.join(dir, 'conf');
  mkdirSync(path.join(src, 'empty'), { recursive: true });
  writeFileSync(path.join(src, 'app.conf'), 'port = 80\n');
  writeFileSync(path.join(src, 'run.sh'), '#!/bin/sh\n');
  chmodSync(path.join(src, 'run.sh'), 0o750);
  playbook = path.join(dir, 'file-args.yml');
  writeFileSync(playbook, playbookText(src));
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('file, stat and copy arguments on a node', () => {
  it('--check says what the real run does, the node is as Ansible leaves it, and a second run is ok', async () => {
    const inventory = lab.inventoryFile;
    const node = lab.nodes[0]!.name;
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const statuses = (r: typeof check) => r.report!.results.map((x) => [x.task, x.status]);
    expect(onNode(lab, node, 'ls /srv/fargs/out 2>&1; true').stdout).toContain('No such file');

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(check)).toEqual(statuses(real));
    expect(
      statuses(real)
        .filter(([, s]) => s === 'changed')
        .map(([t]) => t),
    ).toEqual([
      'a directory',
      'copy a controller directory into it',
      'a mirror of the tree on the node',
      'a tree made readable for the group',
      "a link's target",
      'a fixed modification time',
      'content checked against its sha1',
      'a second name for it',
    ]);
    const modes = onNode(
      lab,
      node,
      'cd /srv/fargs && stat -c "%a %n" out out/conf out/conf/empty out/conf/run.sh out/conf/app.conf tree tree/plain tree/sub tree/sub/tool target && stat -c %Y stamp && date -d @$(stat -c %Y stamp) "+%Y%m%d%H%M.%S" && cat hello && stat -c "%a %n" mirror/plain mirror/sub/tool && [ hello -ef hello.hard ] && echo same',
    );
    expect(modes.code, modes.stderr).toBe(0);
    expect(modes.stdout.split('\n').slice(0, 11)).toEqual([
      '750 out',
      '750 out/conf',
      '750 out/conf/empty',
      '750 out/conf/run.sh',
      '644 out/conf/app.conf',
      '750 tree',
      '640 tree/plain',
      '750 tree/sub',
      '750 tree/sub/tool',
      '600 target',
      expect.stringMatching(/^\d+$/),
    ]);
    expect(modes.stdout.split('\n').slice(11)).toEqual(['202001020304.05', 'hello', '600 mirror/plain', '700 mirror/sub/tool', 'same', '']);

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.report!.results.filter((r) => r.status !== 'ok').map((r) => `${r.task}: ${r.status} ${r.msg}`)).toEqual([]);
  }, 240_000);
});
