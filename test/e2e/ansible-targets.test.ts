// End-to-end: ansible-core's own integration targets (pinned unchanged in test/fixtures/ansible-targets)
// run through fleetplay on one lab node by test/targets/runner.ts. Each target must pass at least the
// asserts it passes today (the floors below), so a regression fails here; raise a floor when a fix makes
// more pass. The table (also in docs/ansible-compatibility.md) is printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { runAll, scoreTable, type TargetScore } from '../targets/runner.ts';
import { TARGETS } from '../targets/targets.ts';
import { bootLab } from './support.ts';

const LAB = 'anstgt';

/**
 * Per target: assert tasks passed and playbook runs that ended as ansible-test expects, at least; and at most
 * this many problems for which fleetplay refuses a playbook before running it (a target blocked by a
 * module argument fleetplay lacks still catches a new refusal).
 */
const FLOORS: Record<string, { asserts: number; runs: number; refusals: number }> = {
  lineinfile: { asserts: 102, runs: 0, refusals: 0 },
  replace: { asserts: 10, runs: 1, refusals: 0 },
  stat: { asserts: 4, runs: 1, refusals: 0 },
  file: { asserts: 79, runs: 1, refusals: 0 },
  copy: { asserts: 100, runs: 1, refusals: 0 },
  template: { asserts: 16, runs: 7, refusals: 0 },
  command_shell: { asserts: 26, runs: 1, refusals: 0 },
  get_url: { asserts: 0, runs: 0, refusals: 0 },
  unarchive: { asserts: 0, runs: 0, refusals: 0 },
  apt: { asserts: 0, runs: 0, refusals: 0 },
  apt_key: { asserts: 0, runs: 0, refusals: 0 },
  deb822_repository: { asserts: 0, runs: 0, refusals: 0 },
  systemd: { asserts: 7, runs: 1, refusals: 0 },
  service: { asserts: 17, runs: 1, refusals: 0 },
  loops: { asserts: 24, runs: 0, refusals: 0 },
  assert: { asserts: 3, runs: 2, refusals: 0 },
  set_fact: { asserts: 10, runs: 5, refusals: 0 },
  include_import: { asserts: 51, runs: 24, refusals: 1 },
  blocks: { asserts: 12, runs: 11, refusals: 0 },
  handlers: { asserts: 18, runs: 10, refusals: 0 },
};

let lab: LabState;
let scores: TargetScore[];

beforeAll(async () => {
  // A fresh node: the targets leave users, files and units behind, and a reused node scores lower.
  await labDown({ name: LAB });
  lab = await bootLab(LAB, 1, 'clean', 35);
  const node = lab.nodes[0]!;
  scores = await runAll(TARGETS, { address: node.address, keyFile: lab.keyFile, knownHostsFile: lab.knownHostsFile });
  console.log(`ansible-core v2.17.5 integration targets through fleetplay:\n${scoreTable(scores)}`);
}, 600_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe("ansible-core's integration targets", () => {
  it('has a floor for every target the runner knows, and runs every target that is not skipped', () => {
    expect(Object.keys(FLOORS).sort()).toEqual(TARGETS.map((t) => t.name).sort());
    for (const s of scores) expect(s.skipped !== undefined || s.runs.total > 0, s.name).toBe(true);
  });

  it.each(Object.entries(FLOORS))('%s passes at least its floor of asserts and runs', (name, floor) => {
    const s = scores.find((x) => x.name === name)!;
    const detail = `${name}: ${s.asserts.passed}/${s.asserts.total} asserts, ${s.runs.ok}/${s.runs.total} runs; ${s.failures.join('\n')}`;
    expect(s.asserts.passed, detail).toBeGreaterThanOrEqual(floor.asserts);
    expect(s.runs.ok, detail).toBeGreaterThanOrEqual(floor.runs);
    expect(s.refusals.length, `${name}: ${s.refusals.join('\n')}`).toBeLessThanOrEqual(floor.refusals);
    // An assert counts once however often it ran: passed + failed + skipped never exceeds the sources' count.
    expect(s.asserts.passed + s.asserts.failed + s.asserts.skipped).toBeLessThanOrEqual(s.asserts.total);
  });
});
