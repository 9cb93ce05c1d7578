// A bad module argument on a task written to fail (ignore_errors: true, or failed_when) fails that task
// when it runs, as in Ansible; anywhere else the playbook is refused before any host is touched.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { Problems } from '../../engine/playbook/problems.ts';
import { moduleRegistry } from '../../modules/index.ts';

function write(tasks: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-defer-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
  return dir;
}

const LINK = `    - name: a line with no line
      lineinfile: { path: /nonexistent/fp-defer-line, regexp: x }
`;

describe('module arguments of a task written to fail', () => {
  it('without ignore_errors the playbook is refused at the argument, as before', () => {
    const dir = write(LINK);
    expect(() => loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry)).toThrow(FleetError);
    expect(() => loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry)).toThrow(/missing required argument 'line'/);
  });

  it('with ignore_errors: validate warns, and the run fails that task alone with the message and its place', async () => {
    const dir = write(`${LINK}      register: r
      ignore_errors: true
    - name: next
      assert: { that: ["r is failed", "'line' in r.msg"] }
`);
    const warnings = new Problems();
    const playbook = loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, { guardedProblems: warnings });
    expect(warnings.list.map((p) => p.message)).toEqual([expect.stringContaining("missing required argument 'line'")]);
    const report = await runPlaybook(playbook, loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 1,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 5000 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
      stopping: () => false,
    });
    expect(report.results.map((r) => [r.task, r.status, r.ignored ?? false])).toEqual([
      ['a line with no line', 'failed', true],
      ['next', 'ok', false],
    ]);
    expect(report.results[0]?.msg).toMatch(/missing required argument 'line'.*play\.yml:5:/);
  });
});

describe("Ansible's words in what such a task registers", () => {
  const run = async (tasks: string) => {
    const dir = write(tasks);
    const playbook = loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry, { guardedProblems: new Problems() });
    return runPlaybook(playbook, loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 1,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 5000 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
      stopping: () => false,
    });
  };

  it('registers "missing required arguments: path" and "value of state must be one of: …, got: …", printing fleetplay’s own line', async () => {
    const report = await run(`    - file: { state: directory }
      register: missing
      ignore_errors: true
    - file: { path: /tmp, state: sideways }
      register: choice
      ignore_errors: true
    - assert:
        that:
          - "missing.msg == 'missing required arguments: path'"
          - "choice.msg.startswith('value of state must be one of: ')"
          - "choice.msg.endswith(', got: sideways')"
`);
    expect(report.results.map((r) => r.status)).toEqual(['failed', 'failed', 'ok']);
    expect(report.results[0]?.msg).toMatch(/missing required argument 'path' for module 'file'.*play\.yml:4:/);
  });
});
