// Check-mode disagreements found by the generated playbooks (test/checkgen, issue #13 item 4), kept as
// regressions: each playbook runs with --check and then for real on the local connection (real shell
// commands in a temp directory), from the same starting state; every task status must agree, and the
// predicted end state (a stat after the tasks, read through the predicted state) must match the real one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { describeStat } from '../checkgen/endState.ts';
import { moduleRegistry } from '../../modules/index.ts';

/** Runs `tasks` (YAML, DIR = the tree) in check mode and for real, each from `start` (shell, DIR = the tree). */
async function checkThenReal(
  start: string,
  tasks: string,
): Promise<{ check: string[]; real: string[]; predicted: unknown; actual: unknown; realMessages: string[] }> {
  const out: Record<'check' | 'real', { rows: string[]; end: unknown; messages: string[] }> = {
    check: { rows: [], end: undefined, messages: [] },
    real: { rows: [], end: undefined, messages: [] },
  };
  for (const mode of ['check', 'real'] as const) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-cgr-'));
    const tree = path.join(dir, 't');
    execFileSync('/bin/sh', ['-c', `set -e; mkdir ${tree}; cd ${tree}; ${start.replaceAll('DIR', tree)}`]);
    writeFileSync(path.join(dir, 'inv'), 'h1 ansible_connection=local\n');
    const indented = tasks
      .replaceAll('DIR', tree)
      .split('\n')
      .map((l) => `        ${l}`)
      .join('\n');
    writeFileSync(
      path.join(dir, 'play.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - block:\n${indented}\n      always:\n        - name: observe\n          stat: { path: "{{ item }}", checksum_algorithm: sha256 }\n          loop: ${JSON.stringify(OBSERVED.map((p) => `${tree}/${p}`))}\n          register: end\n        - name: observe write\n          copy: { dest: ${dir}/end.json, content: "{{ end.results | to_json }}" }\n`,
    );
    const results: TaskResult[] = [];
    const report: RunReport = await runPlaybook(
      loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry),
      loadInventory(path.join(dir, 'inv')),
      {
        check: mode === 'check',
        diff: true,
        forks: 1,
        extraVars: {},
        tags: { only: [], skip: [] },
        transport: { connectTimeoutMs: 5000 },
        events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
        stopping: () => false,
      },
    );
    out[mode].rows = report.results.filter((r) => !r.task.startsWith('observe')).map((r) => `${r.task}:${r.status}`);
    out[mode].messages = report.results.filter((r) => !r.task.startsWith('observe')).map((r) => r.msg.replaceAll(tree, 'DIR'));
    const written = results.find((r) => r.task === 'observe write')?.diff?.find((d) => d.after.startsWith('['))?.after;
    out[mode].end = endState(mode === 'check' ? (written ?? '[]') : readFileSync(path.join(dir, 'end.json'), 'utf8'), tree);
  }
  return { check: out.check.rows, real: out.real.rows, predicted: out.check.end, actual: out.real.end, realMessages: out.real.messages };
}

const OBSERVED = ['a.conf', 'sub', 'sub/c.conf', 'new', 'new/deep', 'new/deep/d.conf', 'sysctl.d', 'sysctl.d/99.conf'];

/** The observed end state, one line per path: absent, or type, mode and sha256 (as test/checkgen compares it). */
function endState(json: string, tree: string): string[] {
  const list = JSON.parse(json) as Array<{ item: string; stat: Record<string, unknown> }>;
  return list.map(({ item, stat }) => `${item}: ${JSON.stringify(describeStat(stat))}`.replaceAll(tree, 'DIR'));
}

describe('check mode agrees with the real run (generated-playbook regressions)', () => {
  it('copy into a directory that does not exist (or is a file) fails in check mode too, as in Ansible', async () => {
    const r = await checkThenReal(
      'echo x > sub',
      '- name: missing dir\n  copy: { dest: DIR/new/deep/d.conf, content: "a\\n" }\n  ignore_errors: true\n- name: parent is a file\n  copy: { dest: DIR/sub/c.conf, content: "a\\n" }\n  ignore_errors: true',
    );
    expect(r.check).toEqual(['missing dir:failed', 'parent is a file:failed']);
    expect(r.real).toEqual(r.check);
    expect(r.realMessages[0]).toMatch(/Destination directory DIR\/new\/deep does not exist/);
    expect(r.predicted).toEqual(r.actual);
  });

  it('under failed_when: false, a copy or touch into a missing directory is ok in both (decided in the plan, not at the write)', async () => {
    const r = await checkThenReal(
      '',
      '- name: copy\n  copy: { dest: DIR/new/d.conf, content: "a\\n" }\n  failed_when: false\n- name: touch\n  file: { path: DIR/new/e.conf, state: touch }\n  failed_when: false',
    );
    expect(r.check).toEqual(['copy:ok', 'touch:ok']);
    expect(r.real).toEqual(r.check);
  });

  it("copy to a dest ending in '/' creates the missing directories (Ansible), predicted in check mode", async () => {
    const r = await checkThenReal(
      '',
      `- name: into new dir\n  copy: { src: ${JSON.stringify(import.meta.filename)}, dest: DIR/new/deep/ }\n- name: see it\n  file: { path: DIR/new/deep, state: directory, mode: "0700" }`,
    );
    expect(r.check).toEqual(['into new dir:changed', 'see it:changed']);
    expect(r.real).toEqual(r.check);
    expect(r.predicted).toEqual(r.actual);
  });

  it('file: state=directory under a file, touch or link in a missing directory fail; state=file on a directory fails (Ansible)', async () => {
    const r = await checkThenReal(
      'echo x > sub; mkdir new',
      [
        '- name: dir under a file\n  file: { path: DIR/sub/x, state: directory }',
        '- name: touch in missing dir\n  file: { path: DIR/new/deep/d.conf, state: touch }',
        '- name: link in missing dir\n  file: { path: DIR/new/deep/l, state: link, src: /etc/hostname }',
        '- name: state file on a dir\n  file: { path: DIR/new, state: file, mode: "0700" }',
      ]
        .map((t) => `${t}\n  ignore_errors: true`)
        .join('\n'),
    );
    expect(r.check).toEqual([
      'dir under a file:failed',
      'touch in missing dir:failed',
      'link in missing dir:failed',
      'state file on a dir:failed',
    ]);
    expect(r.real).toEqual(r.check);
    expect(r.predicted).toEqual(r.actual);
  });

  it('file: state=link force over the very file it names makes the link, as Ansible (ln -sf refused: "same file")', async () => {
    const r = await checkThenReal(
      "printf 'a\\n' > a.conf",
      '- name: self link\n  file: { path: DIR/a.conf, state: link, src: DIR/a.conf, force: true }',
    );
    expect(r.check).toEqual(['self link:changed']);
    expect(r.real).toEqual(r.check);
    expect(r.predicted).toEqual(r.actual);
  });

  it('a mode set by file (state=file, touch) is predicted, and the content it keeps still compares equal', async () => {
    const r = await checkThenReal(
      "printf 'alpha=1\\n' > a.conf; chmod 0644 a.conf; mkdir sub",
      '- name: chmod\n  file: { path: DIR/a.conf, state: file, mode: "0600" }\n- name: touch dir\n  file: { path: DIR/sub, state: touch, mode: "0700" }\n- name: same content\n  copy: { dest: DIR/a.conf, content: "alpha=1\\n" }\n- name: edit kept text\n  lineinfile: { path: DIR/a.conf, line: "alpha=1" }\n- name: stat\n  stat: { path: DIR/a.conf }\n  register: s\n- name: by mode\n  file: { path: DIR/new, state: directory }\n  when: s.stat.mode == "0600"',
    );
    expect(r.check).toEqual(['chmod:changed', 'touch dir:changed', 'same content:ok', 'edit kept text:ok', 'stat:ok', 'by mode:changed']);
    expect(r.real).toEqual(r.check);
    expect(r.predicted).toEqual(r.actual);
  });

  it('lineinfile create: the directories mkdir -p makes are predicted; under a file, or on a path a task made a directory, it fails', async () => {
    const r = await checkThenReal(
      'echo x > sub',
      [
        '- name: create deep\n  lineinfile: { path: DIR/new/deep/d.conf, line: "beta=2", create: true }',
        '- name: under a file\n  lineinfile: { path: DIR/sub/c.conf, line: "beta=2", create: true }',
        '- name: made a dir\n  file: { path: DIR/a.conf, state: directory }',
        '- name: line in a dir\n  lineinfile: { path: DIR/a.conf, line: "beta=2", create: true }',
      ]
        .map((t) => `${t}\n  ignore_errors: true`)
        .join('\n'),
    );
    expect(r.check).toEqual(['create deep:changed', 'under a file:failed', 'made a dir:changed', 'line in a dir:failed']);
    expect(r.real).toEqual(r.check);
    expect(r.predicted).toEqual(r.actual);
  });

  it('sysctl: a file whose directory sits under a file fails; its missing directories are predicted', async () => {
    const r = await checkThenReal(
      'echo x > sub',
      '- name: under a file\n  sysctl: { name: vm.swappiness, value: "1", sysctl_file: DIR/sub/99.conf, reload: false }\n  ignore_errors: true\n- name: new dir\n  sysctl: { name: vm.swappiness, value: "1", sysctl_file: DIR/sysctl.d/99.conf, reload: false }',
    );
    expect(r.check).toEqual(['under a file:failed', 'new dir:changed']);
    expect(r.real).toEqual(r.check);
    expect(r.predicted).toEqual(r.actual);
  });
});
