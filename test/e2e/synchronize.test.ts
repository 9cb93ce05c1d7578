// End-to-end: synchronize on a real lab node. The controller's rsync talks to `rsync --server` on the
// node over fleetplay's own ssh session (host key checked). --check (rsync --dry-run) changes nothing and
// says what the real run does; the real run pushes the tree and deletes what src lacks; a second run is ok.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'sync';
let lab: LabState;
let playbook: string;

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 21);
  // The lab image has no rsync (lab/image.ts); the node gets Debian's from the archive.
  const install = onNode(
    lab,
    lab.nodes[0]!.name,
    'DEBIAN_FRONTEND=noninteractive apt-get install -y -q rsync >/dev/null && rsync --version | head -1',
  );
  expect(install.code, install.stderr).toBe(0);
  const dir = tmpDir();
  const src = path.join(dir, 'site');
  mkdirSync(path.join(src, 'sub dir'), { recursive: true });
  writeFileSync(path.join(src, 'index.html'), '<h1>fleetplay</h1>\n');
  writeFileSync(path.join(src, "sub dir/it's.sh"), '#!/bin/sh\necho hi\n');
  chmodSync(path.join(src, "sub dir/it's.sh"), 0o750);
  playbook = path.join(dir, 'sync.yml');
  writeFileSync(
    playbook,
    `- name: push a tree
  hosts: all
  gather_facts: false
  tasks:
    - name: push it
      ansible.posix.synchronize:
        src: ${src}/
        dest: /srv/site
        delete: true
`,
  );
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const node = () => lab.nodes[0]!.name;
const push = (report: Report | undefined) => report?.results.find((r) => r.task === 'push it');
const listing = () =>
  onNode(lab, node(), "cd /srv/site && find . -mindepth 1 | sort && cat index.html && stat -c %a 'sub dir/it'\\''s.sh'").stdout;

describe('synchronize on a lab node', () => {
  it('--check says what would change and changes nothing; the real run pushes and deletes; again is ok', async () => {
    expect(onNode(lab, node(), 'mkdir -p /srv/site && echo old > /srv/site/stale').code).toBe(0);

    const check = await engine(['run', playbook, '-i', lab.inventoryFile, '--check', '--diff'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(push(check.report)?.status).toBe('changed');
    expect(check.stdout).toContain('*deleting   stale');
    expect(check.stdout).toContain("<f+++++++++ sub dir/it's.sh");
    expect(listing().split('\n')[0]).toBe('./stale');

    const real = await engine(['run', playbook, '-i', lab.inventoryFile], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(push(real.report)?.status).toBe('changed');
    expect(listing()).toBe("./index.html\n./sub dir\n./sub dir/it's.sh\n<h1>fleetplay</h1>\n750\n");

    const again = await engine(['run', playbook, '-i', lab.inventoryFile, '--check'], { withReport: true });
    expect(push(again.report)?.status).toBe('ok');
    const third = await engine(['run', playbook, '-i', lab.inventoryFile], { withReport: true });
    expect(push(third.report)?.status).toBe('ok');
  }, 180_000);
});
