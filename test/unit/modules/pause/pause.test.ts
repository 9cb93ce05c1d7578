// pause: one wait per task for all its hosts (also with hosts a later --forks round brings), Ansible's
// result (stdout, delta, user_input), in check mode too; a prompt waiting for Enter reads the terminal and
// fails clearly without one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../../../engine/inventory/index.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { loadPlaybook } from '../../../../engine/playbook/load.ts';
import type { TaskResult } from '../../../../engine/types.ts';
import { moduleRegistry } from '../../../../modules/index.ts';
import { pauseModule, processTerminal, useTerminal } from '../../../../modules/pause/index.ts';
import { sharedWait } from '../../../../modules/pause/once.ts';

async function run(play: string, check: boolean, forks = 5): Promise<{ results: TaskResult[]; ms: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-pause-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\nh2 ansible_connection=local\nh3 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), play);
  const results: TaskResult[] = [];
  const t0 = Date.now();
  await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check,
    diff: false,
    forks,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
  return { results, ms: Date.now() - t0 };
}

afterEach(() => void useTerminal(processTerminal));

describe('pause arguments', () => {
  it('takes seconds or minutes (not both), prompt and echo', () => {
    const issues = (args: Record<string, unknown>) => checkSchema(pauseModule.schema, args, "module 'pause'");
    expect(issues({ seconds: 5 })).toEqual([]);
    expect(issues({ minutes: '2', prompt: 'go', echo: false })).toEqual([]);
    expect(issues({ seconds: 1, minutes: 1 })).not.toEqual([]);
    expect(issues({ seconds: -1 })).not.toEqual([]);
    expect(issues({ seconds: '1.5' })).not.toEqual([]);
  });
});

describe('one wait per task', () => {
  it('hosts of one task join the first one’s wait; a host at its next pause starts a new one', async () => {
    const waits = new Map();
    let started = 0;
    const start = async () => ++started;
    expect(await sharedWait(waits, 'k', 'h1', start)).toBe(1);
    expect(await sharedWait(waits, 'k', 'h2', start)).toBe(1);
    expect(await sharedWait(waits, 'k', 'h1', start)).toBe(2);
    expect(await sharedWait(waits, 'k', 'h2', start)).toBe(2);
    expect(await sharedWait(waits, 'other', 'h2', start)).toBe(3);
    expect(started).toBe(3);
  });

  it('three hosts, two pauses of 1 s: about 2 s in all, in check mode too; Ansible’s result', async () => {
    const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: p1
      pause: { seconds: 1 }
      register: waited
    - name: p2
      ansible.builtin.pause: { seconds: 1 }
    - name: shows
      assert: { that: ["waited.delta == 1", "waited.user_input == ''", "waited.stdout is match('Paused for 1(\\\\.0[0-9])? seconds')"] }
`;
    for (const check of [false, true]) {
      const { results, ms } = await run(play, check);
      expect(results.map((r) => `${r.task}:${r.status}`)).toEqual([
        ...Array(3).fill('p1:ok'),
        ...Array(3).fill('p2:ok'),
        ...Array(3).fill('shows:ok'),
      ]);
      expect(ms).toBeGreaterThanOrEqual(1900);
      expect(ms).toBeLessThan(3500);
    }
  });

  it('with --forks 1 the hosts after the first do not wait again', async () => {
    const { results, ms } = await run('- hosts: all\n  gather_facts: false\n  tasks:\n    - pause: { seconds: 1 }\n', false, 1);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(ms).toBeLessThan(2500);
  });
});

describe('prompt', () => {
  it('without a terminal, a prompt does not wait: it goes on with an empty user_input and says why, as Ansible', async () => {
    useTerminal({ isTTY: false, ask: async () => 'never' });
    const { results } = await run('- hosts: h1\n  gather_facts: false\n  tasks:\n    - pause: { prompt: Continue? }\n', false);
    expect(results.map((r) => `${r.status} ${r.msg}`)).toEqual([
      'ok Paused for 0 seconds; not waiting for a response to the prompt: stdin is not a terminal',
    ]);
  });

  it('with a terminal: asks once for all hosts and returns what was typed as user_input; echo is passed on', async () => {
    const asked: Array<[string, boolean]> = [];
    useTerminal({
      isTTY: true,
      ask: async (q, echo) => {
        asked.push([q, echo]);
        return 'yes';
      },
    });
    const play = `- hosts: all
  gather_facts: false
  tasks:
    - pause: { prompt: Really, echo: false }
      register: answer
    - assert: { that: ["answer.user_input == 'yes'", "answer.echo == false"] }
`;
    const { results } = await run(play, true);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(asked).toEqual([['Really', false]]);
  });
});
