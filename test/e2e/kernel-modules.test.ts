// End-to-end: community.general.kernel_blacklist and deb822_repository with signed_by as a URL, on one
// clean lab node over real SSH. --check predicts exactly what the real run then does (nothing written by
// --check), a second run changes nothing, and a key file whose bytes differ from the URL's is rewritten.
// The key is the lab's own apt key, served by its artifact server with its signed docker repository.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { ARTIFACTS_DIR, ARTIFACTS_URL } from '../../lab/paths.ts';
import { bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'kmods';
const KEY = '/etc/apt/keyrings/docker.asc';
const SOURCE = '/etc/apt/sources.list.d/docker.sources';
let lab: LabState;
let node: string;
let playbook: string;
let absentBook: string;

const PLAYBOOK = `- name: kernel modules and a vendor repository
  hosts: all
  gather_facts: false
  tasks:
    - name: blacklist nouveau
      community.general.kernel_blacklist:
        name: nouveau
    - name: blacklist pcspkr in a file of its own
      community.general.kernel_blacklist:
        name: pcspkr
        blacklist_file: /etc/modprobe.d/fp-kmods.conf
    - name: blacklist nouveau again
      community.general.kernel_blacklist:
        name: nouveau
        state: present
    - name: docker repository, its key fetched from a URL
      deb822_repository:
        name: docker
        types: deb
        uris: ${ARTIFACTS_URL}/apt/docker
        state: present
        suites: bookworm
        components: stable
        signed_by: ${ARTIFACTS_URL}/apt/fleetplay-lab.asc
`;

const ABSENT = `- name: unblacklist
  hosts: all
  gather_facts: false
  tasks:
    - name: unblacklist pcspkr
      community.general.kernel_blacklist:
        name: pcspkr
        state: absent
        blacklist_file: /etc/modprobe.d/fp-kmods.conf
`;

const sh = (command: string) => onNode(lab, node, command);
const statuses = (r: Report | undefined) => r?.results.map((x) => [x.task, x.status]);

beforeAll(async () => {
  // The lab's addresses from 250 up are reserved; 238 is one no other e2e file uses.
  lab = await bootLab(LAB, 1, 'clean', 238);
  node = lab.nodes[0]!.name;
  const reset = sh(
    `rm -f /etc/modprobe.d/blacklist-ansible.conf /etc/modprobe.d/fp-kmods.conf ${SOURCE} /etc/apt/keyrings/docker.asc /etc/apt/keyrings/docker.gpg`,
  );
  expect(reset.code, reset.stderr).toBe(0);
  const dir = tmpDir();
  playbook = path.join(dir, 'kmods.yml');
  absentBook = path.join(dir, 'absent.yml');
  writeFileSync(playbook, PLAYBOOK);
  writeFileSync(absentBook, ABSENT);
}, 600_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('kernel_blacklist and deb822_repository signed_by URL on a lab node', () => {
  it('--check predicts the real run, which writes the files and the key; a second run changes nothing', async () => {
    const inventory = lab.inventoryFile;
    const check = await engine(['run', playbook, '-i', inventory, '--check', '--diff'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(statuses(check.report)).toEqual([
      ['blacklist nouveau', 'changed'],
      ['blacklist pcspkr in a file of its own', 'changed'],
      ['blacklist nouveau again', 'ok'],
      ['docker repository, its key fetched from a URL', 'changed'],
    ]);
    expect(check.stdout).toContain(`write ${KEY} from ${ARTIFACTS_URL}/apt/fleetplay-lab.asc`);
    expect(sh(`ls ${KEY} ${SOURCE} /etc/modprobe.d/blacklist-ansible.conf 2>/dev/null | wc -l`).stdout.trim()).toBe('0');

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(real.report)).toEqual(statuses(check.report));
    expect(sh('cat /etc/modprobe.d/blacklist-ansible.conf').stdout).toBe('blacklist nouveau\n');
    expect(sh('cat /etc/modprobe.d/fp-kmods.conf').stdout).toBe('blacklist pcspkr\n');
    const served = readFileSync(path.join(ARTIFACTS_DIR, 'apt/fleetplay-lab.asc'));
    const key = sh(`stat -c '%a %U' ${KEY}; sha256sum < ${KEY}`).stdout.split('\n');
    expect(key[0]).toBe('644 root');
    expect(key[1]?.split(' ')[0]).toBe(createHash('sha256').update(served).digest('hex'));
    expect(sh(`cat ${SOURCE}`).stdout).toContain(`Signed-By: ${KEY}\n`);
    // apt reads the repository with that key: its update ran before the source was moved into place.
    expect(sh('apt-cache policy').stdout).toContain(`${ARTIFACTS_URL}/apt/docker bookworm/stable`);

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.report?.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const checkAgain = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(checkAgain.report?.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  }, 300_000);

  it('rewrites a key file whose bytes differ from the URL, as --check says', async () => {
    const inventory = lab.inventoryFile;
    expect(sh(`echo tampered >> ${KEY}`).code).toBe(0);
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(check.report?.results[3]).toMatchObject({ status: 'changed', msg: `write ${KEY} from ${ARTIFACTS_URL}/apt/fleetplay-lab.asc` });
    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(statuses(real.report)).toEqual(statuses(check.report));
    expect(sh(`tail -c 9 ${KEY}`).stdout).not.toContain('tampered');
  }, 300_000);

  it('removes a blacklist line, and --check says so first', async () => {
    const inventory = lab.inventoryFile;
    const check = await engine(['run', absentBook, '-i', inventory, '--check'], { withReport: true });
    expect(statuses(check.report)).toEqual([['unblacklist pcspkr', 'changed']]);
    const real = await engine(['run', absentBook, '-i', inventory], { withReport: true });
    expect(statuses(real.report)).toEqual([['unblacklist pcspkr', 'changed']]);
    expect(sh('cat /etc/modprobe.d/fp-kmods.conf').stdout).toBe('');
  }, 120_000);
});
