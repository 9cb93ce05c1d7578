// apt_repository on a lab node, end to end: after apt_key fetches the lab key, a one-line source of the lab's
// signed apt repository is added; --check predicts the real run exactly, the cache knows the repository's
// packages, a second run changes nothing, a source apt cannot fetch fails and changes nothing, and absent removes it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import { labDown, type LabState } from '../../lab/index.ts';
import { agreement, checkThenApply } from './fidelitySupport.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

const LAB = 'aptrepo';
const LIST = '/etc/apt/sources.list.d/aptrepo.list';
const KEY = '/etc/apt/keyrings/aptrepo.asc';
const LINE = `deb [signed-by=${KEY}] http://127.0.0.1:8765/apt/docker bookworm stable`;
/** lab/paths.ts keeps loopback addresses from 250 up free: nothing listens there. */
const DEAD_LINE = `deb [signed-by=${KEY}] http://127.0.1.250:8765/apt/docker bookworm stable`;

let lab: LabState;
let node: string;
let dir: string;

function playbook(name: string, repoTasks: string, fingerprint: string): string {
  const file = path.join(dir, `${name}.yml`);
  writeFileSync(
    file,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: lab key
      apt_key:
        url: http://127.0.0.1:8765/apt/fleetplay-lab.asc
        id: "${fingerprint}"
        keyring: ${KEY}
${repoTasks}`,
  );
  return file;
}

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 5);
  node = lab.nodes[0]!.name;
  dir = tmpDir();
  const reset = onNode(lab, node, `rm -f ${LIST} ${KEY} /etc/apt/sources.list.d/127_0_1_250_8765_apt_docker.list`);
  expect(reset.code, reset.stderr).toBe(0);
}, 600_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('apt_repository', () => {
  it('--check predicts the real run, the cache knows the new source, a second run is all ok; absent removes it', async () => {
    const fpr = (await ensureArtifacts()).apt.keyFingerprint;
    const add = playbook(
      'add',
      `    - name: lab repository
      ansible.builtin.apt_repository:
        repo: ${LINE}
        filename: aptrepo
    - name: the same line spaced otherwise
      apt_repository:
        repo: "deb  [signed-by=${KEY}]   http://127.0.0.1:8765/apt/docker bookworm stable"
`,
      fpr,
    );
    const { a, b } = await checkThenApply(add, lab.inventoryFile, [[lab, node]], ['--diff'], ['/etc/apt', '/var/lib/apt/lists']);
    const { mismatches, diffMismatches, unknown } = agreement(a, b);
    expect(mismatches).toEqual([]);
    expect(diffMismatches).toEqual([]);
    expect(unknown).toBe(0);
    expect(b.results.map((r) => [r.task, r.status])).toEqual([
      ['lab key', 'changed'],
      ['lab repository', 'changed'],
      ['the same line spaced otherwise', 'ok'],
    ]);
    expect(onNode(lab, node, `cat ${LIST}; stat -c %a ${LIST}`).stdout).toBe(`${LINE}\n644\n`);
    expect(onNode(lab, node, 'apt-cache policy containerd').stdout).toMatch(/127\.0\.0\.1:8765\/apt\/docker bookworm\/stable/);

    const again = await engine(['run', add, '-i', lab.inventoryFile], { withReport: true });
    expect(again.code, again.stdout).toBe(0);
    expect(again.report!.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);

    const bad = playbook(
      'bad',
      `    - name: unreachable repository\n      apt_repository:\n        repo: ${DEAD_LINE}\n        update_cache_retries: 1\n`,
      fpr,
    );
    const before = onNode(lab, node, 'ls /etc/apt/sources.list.d; cat /etc/apt/sources.list.d/*').stdout;
    for (const flags of [['--check'], []]) {
      const r = await engine(['run', bad, '-i', lab.inventoryFile, ...flags], { withReport: true });
      expect(r.code, r.stdout).toBe(2);
      expect(r.report!.results.at(-1)).toMatchObject({ status: 'failed', msg: expect.stringContaining('127.0.1.250') });
    }
    expect(onNode(lab, node, 'ls /etc/apt/sources.list.d; cat /etc/apt/sources.list.d/*').stdout).toBe(before);

    const remove = playbook('remove', `    - name: remove it\n      apt_repository:\n        repo: ${LINE}\n        state: absent\n`, fpr);
    const removed = await checkThenApply(remove, lab.inventoryFile, [[lab, node]], ['--diff'], ['/etc/apt']);
    expect(agreement(removed.a, removed.b).mismatches).toEqual([]);
    expect(removed.b.results.at(-1)?.status).toBe('changed');
    expect(onNode(lab, node, `test -e ${LIST} && echo present || echo gone`).stdout.trim()).toBe('gone');
  }, 110_000);
});
