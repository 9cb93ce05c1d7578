// End-to-end: the module docs/modules.md walks through (modules/timezone/), on a real node over real
// SSH. It is one folder plus one registry line: engine/ never names it, yet its read goes out with an
// earlier task's read (one exec), check mode predicts it for the tasks after it, and the real run
// changes the node as --check said it would.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, onNode, ROOT, tmpDir, type Report } from './support.ts';

const LAB = 'walkthrough';
let lab: LabState;
let playbook: string;

const PLAYBOOK = `- name: the walk-through module
  hosts: all
  gather_facts: false
  tasks:
    - name: a read before it
      stat:
        path: /etc/hostname
    - name: set the time zone
      timezone:
        name: Europe/Berlin
    - name: the same again
      timezone:
        name: Europe/Berlin
`;

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 246);
  const reset = onNode(lab, lab.nodes[0]!.name, 'ln -sfn /usr/share/zoneinfo/Etc/UTC /etc/localtime && echo Etc/UTC > /etc/timezone');
  expect(reset.code, reset.stderr).toBe(0);
  playbook = path.join(tmpDir(), 'timezone.yml');
  writeFileSync(playbook, PLAYBOOK);
}, 300_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

const byTask = (report: Report | undefined, task: string) =>
  report?.results.find((r) => r.task === task) as (Report['results'][number] & { commands?: number }) | undefined;

describe('a module added as one folder and one registry line', () => {
  it('is named nowhere in engine/, and only by its registry line outside its folder', () => {
    const grep = (pattern: string, dir: string): string[] => {
      try {
        return execFileSync('grep', ['-rl', pattern, dir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
      } catch {
        return []; // grep exits 1 when nothing matches
      }
    };
    expect(grep('timezone', 'engine')).toEqual([]);
    expect(grep('timezoneModule', 'modules').filter((f) => !f.startsWith('modules/timezone/'))).toEqual(['modules/index.ts']);
  });

  it('gets batched reads and a check-mode prediction, and the real run does what --check said', async () => {
    const inventory = lab.inventoryFile;
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    // Its read went out with the stat task's: no exec of its own.
    expect(byTask(check.report, 'set the time zone')).toMatchObject({ status: 'changed', commands: 0 });
    // The second task sees what the first would have done.
    expect(byTask(check.report, 'the same again')?.status).toBe('ok');
    expect(check.stdout).toContain('set the time zone');
    expect(onNode(lab, lab.nodes[0]!.name, 'readlink /etc/localtime').stdout.trim()).toBe('/usr/share/zoneinfo/Etc/UTC');

    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(check.report!.results.map((r) => [r.task, r.status])).toEqual(real.report!.results.map((r) => [r.task, r.status]));
    const node = onNode(lab, lab.nodes[0]!.name, 'readlink /etc/localtime; cat /etc/timezone; env -u TZ date +%Z');
    expect(node.stdout.split('\n').slice(0, 2)).toEqual(['/usr/share/zoneinfo/Europe/Berlin', 'Europe/Berlin']);
    expect(node.stdout).toMatch(/CES?T/);

    const again = await engine(['run', playbook, '-i', inventory], { withReport: true });
    expect(again.report!.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(byTask(again.report, 'set the time zone')?.commands).toBe(0);
  }, 180_000);
});
