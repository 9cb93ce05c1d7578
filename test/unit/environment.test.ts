// The `environment` keyword (play < block < task, roles and include_role apply) through the real loader and
// executor on local hosts: what the remote commands see, read-ahead keeping tasks with different
// environments apart, and validate's located refusals.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEnvironment, withEnvironment } from '../../engine/executor/environment.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { FleetError } from '../../engine/errors.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(playbookText: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-env-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\nh2 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), playbookText.replaceAll('DIR', dir));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text.replaceAll('DIR', dir));
  }
  return dir;
}

async function run(dir: string, check = false): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
}

function loadError(dir: string): string {
  try {
    loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
  } catch (err) {
    if (err instanceof FleetError) return `${err.location?.line}:${err.location?.column} ${err.message}\n${err.excerpt ?? ''}`;
    throw err;
  }
  throw new Error('expected the playbook to be refused');
}

const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');

describe('environment', () => {
  it('merges play < block < task, renders values with the task vars, and reaches the command', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  vars: { greeting: "it's {{ inventory_hostname }}" }
  environment: { A: play, B: play, C: play }
  tasks:
    - block:
        - name: show
          shell: printf '%s|%s|%s|%s' "$A" "$B" "$C" "$D" > DIR/{{ inventory_hostname }}.out
          environment: { C: "{{ greeting }}", D: 3 }
      environment: { B: block, C: block }
    - name: outside the block
      shell: printf '%s|%s' "$A" "\${B-unset}" > DIR/{{ inventory_hostname }}.out2
`);
    const r = await run(dir);
    expect(r.results.map((x) => x.status)).not.toContain('failed');
    expect(read(dir, 'h1.out')).toBe("play|block|it's h1|3");
    expect(read(dir, 'h2.out')).toBe("play|block|it's h2|3");
    expect(read(dir, 'h1.out2')).toBe('play|play');
  });

  it('takes a template that renders to a mapping', async () => {
    const dir = setup(`- hosts: h1
  gather_facts: false
  vars:
    proxy_env: { MARK: "from-template" }
  tasks:
    - name: command sees it
      command: printenv MARK
      register: out
      environment: "{{ proxy_env }}"
    - copy: { dest: DIR/got, content: "{{ out.stdout }}" }
`);
    await run(dir);
    expect(read(dir, 'got')).toBe('from-template');
  });

  it('applies to read-only probes, and read-ahead never serves one environment a read made under another', async () => {
    // copy's probe reads the file's checksum with sha256sum; with PATH pointing at a fake one, the same
    // content looks different and the task changes. The first task's read batches the next task's
    // (readAhead.ts): a store key without the environment would serve the real checksum to the second.
    const dir = setup(
      `- hosts: h1
  gather_facts: false
  tasks:
    - name: plain
      copy: { dest: DIR/data, content: abc }
    - name: faked
      copy: { dest: DIR/data, content: abc }
      environment: { PATH: "DIR/fake:${process.env.PATH}" }
`,
      { data: 'abc', 'fake/sha256sum': '#!/bin/sh\necho fakesum -\n' },
    );
    chmodSync(path.join(dir, 'fake/sha256sum'), 0o755);
    const r = await run(dir);
    // The faked probe saw 'fakesum' (so it wrote, and the write's own check failed the same way).
    expect(r.results.map((x) => `${x.task}:${x.status}`)).toEqual(['plain:ok', 'faked:failed']);
    expect(r.results[1]!.msg).toMatch(/upload incomplete/);
  });

  it('still batches the reads of tasks with the same environment', async () => {
    const dir = setup(
      `- hosts: h1
  gather_facts: false
  environment: { X: "1" }
  tasks:
    - { name: one, copy: { dest: DIR/a, content: a } }
    - { name: two, copy: { dest: DIR/b, content: b } }
`,
      { a: 'a', b: 'b' },
    );
    const r = await run(dir);
    expect(r.results.map((x) => `${x.task}:${x.status}:${x.commands}`)).toEqual(['one:ok:1', 'two:ok:0']);
  });

  it('reaches role tasks from a roles: entry and from include_role apply', async () => {
    const dir = setup(
      `- hosts: h1
  gather_facts: false
  roles:
    - role: r
      environment: { WHO: entry }
      out: DIR/entry
  tasks:
    - include_role:
        name: r
        apply:
          environment: { WHO: applied }
      vars: { out: DIR/applied }
`,
      { 'roles/r/tasks/main.yml': '- shell: printf %s "$WHO" > {{ out }}\n' },
    );
    await run(dir);
    expect(read(dir, 'entry')).toBe('entry');
    expect(read(dir, 'applied')).toBe('applied');
  });

  it('refuses a name no shell takes at validate, with file:line:col', () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: hi }
      environment:
        OK_NAME: 1
        "BAD-NAME; rm -rf /": x
`);
    expect(loadError(dir)).toMatch(/^7:9 'BAD-NAME; rm -rf \/' is not an environment variable name/);
  });

  it('refuses a literal string and a play-level bad name', () => {
    expect(loadError(setup(`- hosts: all\n  environment: "A=1"\n  tasks: []\n`))).toMatch(/^2:16 'environment' must be a mapping/);
    expect(loadError(setup(`- hosts: all\n  environment: { 1A: x }\n  tasks: []\n`))).toMatch(/^2:18 '1A' is not an environment/);
  });

  it('fails the task, located, when a template renders a bad name or a non-mapping', async () => {
    const dir = setup(`- hosts: h1
  gather_facts: false
  vars: { e: { "a b": 1 }, l: [1] }
  tasks:
    - command: "true"
      environment: "{{ e }}"
      ignore_errors: true
    - command: "true"
      environment: "{{ l }}"
      ignore_errors: true
`);
    const r = await run(dir);
    const msgs = r.results.map((x) => `${x.status} ${x.msg}`);
    expect(msgs[0]).toMatch(/^failed 'a b' is not an environment variable name .*play\.yml:6:20\)$/);
    expect(msgs[1]).toMatch(/^failed 'environment' must render to a mapping .*got a list .*play\.yml:9:20\)$/);
  });

  it('never puts an environment value in what the run reports, also when the task fails', async () => {
    const dir = setup(`- hosts: h1
  gather_facts: false
  vars: { token: "s3cr3t-value-42" }
  tasks:
    - name: fails
      command: /bin/false
      environment: { TOKEN: "{{ token }}" }
      ignore_errors: true
    - name: times out
      command: sleep 5
      timeout: 1
      environment: { TOKEN: "{{ token }}" }
      ignore_errors: true
`);
    const r = await run(dir);
    expect(r.results.map((x) => x.status)).toEqual(['failed', 'failed']);
    expect(JSON.stringify(r)).not.toContain('s3cr3t-value-42');
  });

  it('quotes every value through the shell quoting and keeps the merge order', () => {
    const at = { file: 'f', line: 1, column: 1 };
    const env = renderEnvironment(
      [
        { value: { X: 'outer', Y: 'y' }, location: at },
        { value: { X: "a'b $(id)", Z: true, N: null }, location: at },
      ],
      {},
    );
    expect(withEnvironment('cmd', env)).toBe(`export X='a'\\''b $(id)' Y=y Z=True N=None; cmd`);
    expect(withEnvironment('cmd', new Map())).toBe('cmd');
  });
});
