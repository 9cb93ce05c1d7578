// End-to-end: slurp, assemble and fetch on a real node over real SSH. --check predicts each task's outcome
// (assemble's file is read by the slurp and fetch after it), writes nothing on the node or the controller,
// and the real run then does what --check said; a second run changes nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

const LAB = 'filemods';
let lab: LabState;
let playbook: string;
let fetched: string;

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 4);
  const setup = onNode(
    lab,
    lab.nodes[0]!.name,
    "rm -rf /root/frags /etc/fp-assembled.conf && mkdir /root/frags && printf 'b\\n' > /root/frags/20-b && printf 'a' > /root/frags/10-a && printf 'x\\n' > /root/frags/.hidden",
  );
  expect(setup.code, setup.stderr).toBe(0);
  const dir = tmpDir();
  fetched = path.join(dir, 'fetched');
  playbook = path.join(dir, 'files.yml');
  writeFileSync(
    playbook,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: slurp a file
      slurp:
        src: /etc/hostname
    - name: assemble the fragments
      assemble:
        src: /root/frags
        dest: /etc/fp-assembled.conf
        delimiter: '# --'
        ignore_hidden: true
        mode: '0640'
    - name: slurp the result
      slurp:
        path: /etc/fp-assembled.conf
    - name: fetch the result
      fetch:
        src: /etc/fp-assembled.conf
        dest: ${fetched}
    - name: fetch it again
      fetch:
        src: /etc/fp-assembled.conf
        dest: ${fetched}
`,
  );
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('slurp, assemble and fetch on a node', () => {
  it('--check predicts the real run, which writes the node and the controller; then nothing changes', async () => {
    const inventory = lab.inventoryFile;
    const node = lab.nodes[0]!.name;
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const statuses = (r: typeof check) => r.report!.results.map((x) => [x.task, x.status]);
    expect(statuses(check)).toEqual([
      ['slurp a file', 'ok'],
      ['assemble the fragments', 'changed'],
      ['slurp the result', 'ok'],
      ['fetch the result', 'changed'],
      ['fetch it again', 'ok'],
    ]);
    expect(onNode(lab, node, 'test -e /etc/fp-assembled.conf; echo $?').stdout.trim()).toBe('1');
    expect(existsSync(fetched)).toBe(false);

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(real)).toEqual(statuses(check));
    expect(onNode(lab, node, 'stat -c %a /etc/fp-assembled.conf; cat /etc/fp-assembled.conf').stdout).toBe('640\na\n# --\nb\n');
    expect(readFileSync(path.join(fetched, node, 'etc/fp-assembled.conf'), 'utf8')).toBe('a\n# --\nb\n');

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.report!.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  }, 180_000);
});
