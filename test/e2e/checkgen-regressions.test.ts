// End-to-end regressions found by the generated check-mode cases (test/checkgen, issue #13 item 4) that
// need a real systemd: one clean node, one playbook, --check then the real run; every status must agree.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { compareStatuses, type ReportLike } from '../checkgen/compare.ts';
import { bootLab, engine, labInventory, onNode, tmpDir } from './support.ts';

const ROOT = '/srv/cgr';
let lab: LabState;
let inventory: string;

beforeAll(async () => {
  lab = await bootLab('cgenr', 1, 'clean', 240);
  inventory = labInventory(lab);
});

afterAll(async () => {
  await labDown({ name: 'cgenr' });
});

// Each task is one regression: the status check mode predicted before the fix is in its comment.
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: stop a unit that does not exist, excused by a constant failed_when
      # was unknown in check mode (real: ok)
      systemd: { name: cgr-missing.service, state: stopped }
      failed_when: false
    - name: start a unit that does not exist
      # was unknown (real: failed)
      systemd: { name: cgr-missing.service, state: started }
      ignore_errors: true
    - name: copy into a directory that does not exist
      # was changed (real: failed)
      copy: { dest: ${ROOT}/new/deep/d.conf, content: "a=1\\n" }
      ignore_errors: true
    - name: a command check mode does not run
      command: /bin/true
      changed_when: true
    - name: after it, the missing unit might have been installed
      # stays unknown: the command's effects are not predicted
      systemd: { name: cgr-missing.service, state: stopped }
      failed_when: false
`;

describe('check mode agrees with the real run (generated-playbook regressions)', () => {
  it('a missing unit under failed_when: false, a copy into a missing directory', async () => {
    onNode(lab, 'cgenr-1', `rm -rf ${ROOT}; mkdir -p ${ROOT}`);
    const dir = tmpDir();
    mkdirSync(dir, { recursive: true });
    const playbook = path.join(dir, 'regressions.yml');
    writeFileSync(playbook, PLAYBOOK);
    const check = await engine(['run', playbook, '-i', inventory, '--check'], { withReport: true });
    const real = await engine(['run', playbook, '-i', inventory], { withReport: true });
    const rows = (r: typeof check) => r.report!.results.map((x) => `${x.task}: ${x.status}`);
    expect(rows(check)).toEqual([
      'stop a unit that does not exist, excused by a constant failed_when: ok',
      'start a unit that does not exist: failed',
      'copy into a directory that does not exist: failed',
      'a command check mode does not run: changed',
      'after it, the missing unit might have been installed: unknown',
    ]);
    const c = compareStatuses(check.report as unknown as ReportLike, real.report as unknown as ReportLike);
    expect(c.mismatches).toEqual([]);
    expect(c).toMatchObject({ compared: 4, agreed: 4 });
    expect(c.unknowns).toEqual([
      expect.stringMatching(
        /after it, the missing unit might have been installed \| : real=ok — .*'a command check mode does not run', whose effects check mode cannot predict/,
      ),
    ]);
    expect(onNode(lab, 'cgenr-1', `ls -A ${ROOT}`).stdout).toBe('');
  }, 60_000);
});
