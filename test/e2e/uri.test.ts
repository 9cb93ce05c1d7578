// End-to-end: uri on one clean lab node over real SSH, against the lab's artifact server (read-only: GET
// and HEAD, 405 for anything else). --check sends no request at all; the real run fetches, registers
// the content, posts (405 expected) and saves a file once; a second run leaves the file alone.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactRequests, labDown, type LabState } from '../../lab/index.ts';
import { ARTIFACTS_DIR, ARTIFACTS_URL } from '../../lab/paths.ts';
import { bootLab, engine, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'urimod';
const DEST = '/root/fp-uri-key.asc';
const POST_PATH = '/fp-uri-e2e-post';
let lab: LabState;
let node: string;
let playbook: string;

const PLAYBOOK = `- name: uri
  hosts: all
  gather_facts: false
  tasks:
    - name: fetch the lab key
      uri:
        url: ${ARTIFACTS_URL}/apt/fleetplay-lab.asc
        return_content: true
      register: key
    - name: the key came back
      assert:
        that:
          - key.status == 200
          - "'BEGIN PGP PUBLIC KEY BLOCK' in key.content"
          - not key.changed
    - name: post to the read-only server
      ansible.builtin.uri:
        url: ${ARTIFACTS_URL}${POST_PATH}
        method: POST
        body_format: json
        body: { a: 1 }
        status_code: 405
    - name: save the key
      uri:
        url: ${ARTIFACTS_URL}/apt/fleetplay-lab.asc
        dest: ${DEST}
`;

const sh = (command: string) => onNode(lab, node, command);
const statuses = (r: Report | undefined) => r?.results.map((x) => [x.task, x.status]);
const posts = () => artifactRequests().filter((r) => r.path === POST_PATH);

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 7);
  node = lab.nodes[0]!.name;
  expect(sh(`rm -f ${DEST}`).code).toBe(0);
  playbook = path.join(tmpDir(), 'uri.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 600_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('uri on a lab node', () => {
  it('--check sends nothing; the real run fetches, posts and saves; a second run changes nothing', async () => {
    const inventory = lab.inventoryFile;
    const postsBefore = posts().length;
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(statuses(check.report), check.stdout + check.stderr).toEqual([
      ['fetch the lab key', 'unknown'],
      ['the key came back', 'unknown'],
      ['post to the read-only server', 'unknown'],
      ['save the key', 'unknown'],
    ]);
    expect(posts().length).toBe(postsBefore);
    expect(sh(`test -e ${DEST}`).code).not.toBe(0);

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(real.report)).toEqual([
      ['fetch the lab key', 'ok'],
      ['the key came back', 'ok'],
      ['post to the read-only server', 'ok'],
      ['save the key', 'changed'],
    ]);
    expect(
      posts()
        .slice(postsBefore)
        .map((r) => [r.method, r.status]),
    ).toEqual([['POST', 405]]);
    const served = readFileSync(path.join(ARTIFACTS_DIR, 'apt/fleetplay-lab.asc'), 'utf8');
    expect(sh(`cat ${DEST}`).stdout).toBe(served);

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.report?.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  }, 300_000);
});
