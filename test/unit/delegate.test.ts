// delegate_to, delegate_facts, local_action and connection: local, through the real loader and executor.
// h1's own connection is SSH to a closed port: anything that reaches h1 instead of its delegate fails as
// unreachable. h2 and the implicit localhost run on this machine.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook, type RunOptions } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { FleetError } from '../../engine/errors.ts';
import { consoleEvents } from '../../engine/output/console.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(playbookText: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-delegate-'));
  writeFileSync(
    path.join(dir, 'inv'),
    '[all]\nh1 ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody\nh2 ansible_connection=local\nh3 ansible_connection=local\n',
  );
  writeFileSync(path.join(dir, 'play.yml'), playbookText.replaceAll('DIR', dir));
  return dir;
}

async function run(dir: string, opts: Partial<RunOptions> = {}): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 2000, connectRetries: 0 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
    ...opts,
  });
}

const rows = (r: RunReport, host: string) =>
  r.results.filter((x) => x.host === host).map((x) => `${x.task}:${x.status}${x.delegatedTo ? `→${x.delegatedTo}` : ''}`);

describe('delegation', () => {
  it('runs a delegated task on the delegate with the host’s variables, reported under the host', async () => {
    const dir = setup(`- hosts: h1
  gather_facts: false
  tasks:
    - name: write
      copy: { dest: "DIR/{{ inventory_hostname }}.txt", content: "{{ inventory_hostname }} {{ ansible_port }}" }
      delegate_to: h2
    - name: templated delegate
      command: echo {{ inventory_hostname }}
      delegate_to: "{{ groups['all'][2] }}"
      register: out
    - name: own host
      command: echo mine
`);
    const r = await run(dir);
    // inventory_hostname and ansible_port stay the original host's in templates, as in Ansible.
    expect(readFileSync(path.join(dir, 'h1.txt'), 'utf8')).toBe('h1 1');
    expect(rows(r, 'h1')).toEqual(['write:changed→h2', 'templated delegate:changed→h3', 'own host:unreachable']);
    expect(r.recap.h1?.changed).toBe(2);
    // h2 and h3 were only delegated to: no recap line of their own.
    expect(Object.keys(r.recap)).toEqual(['h1']);
  });

  it('runs local_action (free form and mapping) and delegate_to: localhost on the controller', async () => {
    const dir = setup(`- hosts: h1
  gather_facts: false
  tasks:
    - name: free form
      local_action: command echo hi {{ inventory_hostname }}
      register: said
    - name: mapping
      local_action: { module: copy, dest: "DIR/la.txt", content: "{{ said.stdout }}" }
    - name: localhost
      shell: echo local > DIR/lh.txt
      delegate_to: 127.0.0.1
`);
    const r = await run(dir);
    expect(readFileSync(path.join(dir, 'la.txt'), 'utf8')).toBe('hi h1');
    expect(readFileSync(path.join(dir, 'lh.txt'), 'utf8')).toBe('local\n');
    expect(rows(r, 'h1')).toEqual(['free form:changed→localhost', 'mapping:changed→localhost', 'localhost:changed→127.0.0.1']);
  });

  it('runs every task of a connection: local play (and a connection: local task) on the controller', async () => {
    const dir = setup(`- hosts: h1
  gather_facts: false
  connection: local
  tasks:
    - name: play level
      copy: { dest: "DIR/c1.txt", content: "{{ inventory_hostname }}" }
- hosts: h1
  gather_facts: false
  tasks:
    - name: task level
      copy: { dest: "DIR/c2.txt", content: x }
      connection: local
`);
    const r = await run(dir);
    expect(readFileSync(path.join(dir, 'c1.txt'), 'utf8')).toBe('h1');
    expect(existsSync(path.join(dir, 'c2.txt'))).toBe(true);
    // Ansible shows no delegate for connection: local.
    expect(rows(r, 'h1')).toEqual(['play level:changed', 'task level:changed']);
  });

  it("delegate_to on a block or a role entry reaches its tasks; a task's own wins", async () => {
    const dir = setup(`- hosts: h1
  gather_facts: false
  roles:
    - role: writer
      delegate_to: h2
  tasks:
    - block:
        - name: in block
          copy: { dest: "DIR/block-{{ inventory_hostname }}.txt", content: x }
        - name: own delegate
          command: echo own
          delegate_to: h3
      delegate_to: "{{ groups['all'][1] }}"
    - name: after the block
      command: echo mine
`);
    const roleTasks = path.join(dir, 'roles', 'writer', 'tasks');
    mkdirSync(roleTasks, { recursive: true });
    writeFileSync(
      path.join(roleTasks, 'main.yml'),
      '- name: from the role\n  copy: { dest: "DIR/role-{{ inventory_hostname }}.txt", content: r }\n'.replaceAll('DIR', dir),
    );
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual([
      'from the role:changed→h2',
      'in block:changed→h2',
      'own delegate:changed→h3',
      'after the block:unreachable',
    ]);
    expect(existsSync(path.join(dir, 'block-h1.txt'))).toBe(true);
    expect(existsSync(path.join(dir, 'role-h1.txt'))).toBe(true);
  });

  it('gives the facts of a delegated set_fact to the delegate with delegate_facts', async () => {
    const dir = setup(`- hosts: h2
  gather_facts: false
  tasks:
    - set_fact: { on_delegate: 1 }
      delegate_to: h3
      delegate_facts: true
    - set_fact: { on_host: 2 }
      delegate_to: h3
    - set_fact: { on_localhost: 3 }
      delegate_to: localhost
      delegate_facts: true
    - name: show
      debug: { msg: "{{ hostvars['h3'].on_delegate }} {{ on_delegate is defined }} {{ on_host }} {{ hostvars['h3'].on_host is defined }} {{ hostvars['localhost'].on_localhost }}" }
`);
    const r = await run(dir);
    expect(r.results.find((x) => x.task === 'show')?.msg).toBe('1 False 2 False 3');
  });

  it('runs a run_once delegated task once, registered for every host', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - name: once
      shell: echo {{ inventory_hostname }} >> DIR/once.log
      delegate_to: h2
      run_once: true
      register: once
    - name: seen
      debug: { msg: "{{ 'yes' if once.changed else 'no' }}" }
      delegate_to: localhost
`);
    const r = await run(dir);
    expect(readFileSync(path.join(dir, 'once.log'), 'utf8')).toBe('h1\n');
    expect(r.results.filter((x) => x.task === 'seen').map((x) => `${x.host}:${x.msg}`)).toEqual(['h1:yes', 'h2:yes', 'h3:yes']);
  });

  it('predicts a delegated write on the delegate in --check, not on the host', async () => {
    const dir = setup(`- hosts: h3
  gather_facts: false
  tasks:
    - name: delegated write
      copy: { dest: "DIR/p.txt", content: x }
      delegate_to: h2
    - name: same write on the host
      copy: { dest: "DIR/p.txt", content: x }
    - name: same write on the delegate again
      copy: { dest: "DIR/p.txt", content: x }
      delegate_to: h2
`);
    const r = await run(dir, { check: true });
    expect(existsSync(path.join(dir, 'p.txt'))).toBe(false);
    // h3 (the host) was not told about the file h2 would get; h2's prediction was.
    expect(rows(r, 'h3')).toEqual([
      'delegated write:changed→h2',
      'same write on the host:changed',
      'same write on the delegate again:ok→h2',
    ]);
  });

  it('fails a task whose delegate is not in the inventory, and refuses local_action with delegate_to', async () => {
    const dir = setup(`- hosts: h2
  gather_facts: false
  tasks:
    - name: nowhere
      command: echo x
      delegate_to: no-such-host
`);
    const r = await run(dir);
    expect(r.results[0]?.status).toBe('failed');
    expect(r.results[0]?.msg).toContain("host 'no-such-host' is not in the inventory");
    writeFileSync(
      path.join(dir, 'bad.yml'),
      '- hosts: h2\n  tasks:\n    - local_action: command echo x\n      delegate_to: h3\n    - delegate_to: h3\n      connection: paramiko\n      command: echo y\n',
    );
    let err: unknown;
    try {
      loadPlaybook(path.join(dir, 'bad.yml'), moduleRegistry);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FleetError);
    const text = `${(err as FleetError).location?.line}: ${(err as FleetError).message}\n${(err as FleetError).excerpt}`;
    expect(text).toMatch(/^4: local_action runs on the controller already: 'delegate_to' cannot be used with it/);
    expect(text).toMatch(/bad\.yml:6:\d+: keyword 'connection' must be/);
    expect(text).not.toContain('names no module');
  });

  it('shows where a delegated result ran in the console line', () => {
    let out = '';
    const events = consoleEvents({ color: false, diff: false, write: (t: string) => void (out += t) } as Parameters<
      typeof consoleEvents
    >[0]);
    const base = { play: 'p', task: 't', module: 'command', status: 'ok' as const, durationMs: 1, msg: 'done' };
    events.result({ ...base, host: 'h1', delegatedTo: 'h2' });
    events.result({ ...base, host: 'h3' });
    expect(out).toMatch(/ok +h1 → h2 +done/);
    expect(out).toMatch(/ok +h3 +done/);
    expect(out).not.toMatch(/h3 →/);
  });
});
