// Handlers as ansible-core's handlers target checks them: force_handlers (keyword, --force-handlers,
// ANSIBLE_FORCE_HANDLERS) runs notified handlers on hosts that failed; a role of a collection
// (`ns.col.role`, from collections/ beside the playbook or the collections path) and its handlers,
// notified as `role : topic` by the role's short name or its FQCN.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forceHandlersOf } from '../../engine/cli/runExtras.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { findRole, roleSearchFor } from '../../engine/playbook/roleSearch.ts';
import type { RunReport } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-hforce-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nA ansible_connection=local\nB ansible_connection=local\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function run(dir: string, forceHandlers?: boolean): Promise<RunReport> {
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 3000, connectRetries: 0 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
    stopping: () => false,
    ...(forceHandlers !== undefined ? { forceHandlers } : {}),
  });
}

const rows = (r: RunReport) => r.results.map((x) => `${x.host}:${x.task}:${x.status}`);

const FAILING = (keyword: string) => `- hosts: all
  gather_facts: false
${keyword}  tasks:
    - name: change
      debug: { msg: x }
      changed_when: true
      notify: h
    - name: fail on B
      fail: { msg: boom }
      when: inventory_hostname == "B"
  handlers:
    - name: h
      debug: { msg: handled }
`;

describe('force_handlers', () => {
  it('runs the notified handler on the failed host too when the play says so; the host stays failed', async () => {
    const r = await run(setup({ 'play.yml': FAILING('  force_handlers: true\n') }));
    expect(rows(r).filter((x) => x.includes(':h:'))).toEqual(['A:h:ok', 'B:h:ok']);
    expect(r.results.find((x) => x.host === 'B' && x.task === 'fail on B')?.status).toBe('failed');
  });

  it('leaves a failed host out without it, and --force-handlers does what the keyword does (the keyword wins)', async () => {
    expect(rows(await run(setup({ 'play.yml': FAILING('') }))).filter((x) => x.includes(':h:'))).toEqual(['A:h:ok']);
    expect(rows(await run(setup({ 'play.yml': FAILING('') }), true)).filter((x) => x.includes(':h:'))).toEqual(['A:h:ok', 'B:h:ok']);
    const off = await run(setup({ 'play.yml': FAILING('  force_handlers: false\n') }), true);
    expect(rows(off).filter((x) => x.includes(':h:'))).toEqual(['A:h:ok']);
  });

  it('is read from --force-handlers, then ANSIBLE_FORCE_HANDLERS', () => {
    const parsed = (flag: boolean) => ({ values: flag ? { 'force-handlers': true } : {}, positionals: [] }) as never;
    expect(forceHandlersOf(parsed(true), {})).toBe(true);
    expect(forceHandlersOf(parsed(false), { ANSIBLE_FORCE_HANDLERS: 'True' })).toBe(true);
    expect(forceHandlersOf(parsed(false), { ANSIBLE_FORCE_HANDLERS: 'no' })).toBe(false);
    expect(forceHandlersOf(parsed(false), {})).toBe(false);
  });
});

describe('roles of collections', () => {
  const ROLE = 'collections/ansible_collections/ns/col/roles/r';

  it('finds ns.col.role beside the playbook, then in the collections path', () => {
    const dir = setup({
      [`${ROLE}/tasks/main.yml`]: '- debug: {}\n',
      [`cp/ansible_collections/ns/other/roles/q/tasks/main.yml`]: '- debug: {}\n',
    });
    const search = roleSearchFor(dir, { env: { ANSIBLE_COLLECTIONS_PATH: path.join(dir, 'cp') }, cwd: dir });
    expect(findRole('ns.col.r', search)).toEqual({ found: path.join(dir, ROLE), collection: 'ns.col' });
    expect(findRole('ns.other.q', search)).toEqual({
      found: path.join(dir, 'cp/ansible_collections/ns/other/roles/q'),
      collection: 'ns.other',
    });
    const missing = findRole('ns.col.nope', search);
    expect('searched' in missing && missing.searched[0]).toBe(path.join(dir, 'collections/ansible_collections/ns/col/roles'));
  });

  it('runs its tasks with role_name its short name, and its handlers answer `role : topic` by short name and FQCN', async () => {
    const dir = setup({
      [`${ROLE}/tasks/main.yml`]: '- name: in r\n  debug: { msg: "{{ role_name }}" }\n',
      [`${ROLE}/handlers/main.yml`]: '- name: rh\n  set_fact: { heard: "{{ (heard | default(0)) + 1 }}" }\n  listen: topic\n',
      'play.yml': `- hosts: A
  gather_facts: false
  roles: [ns.col.r]
  tasks:
    - { name: n1, debug: {}, changed_when: true, notify: "r : topic" }
    - meta: flush_handlers
    - { name: n2, debug: {}, changed_when: true, notify: "ns.col.r : topic" }
    - meta: flush_handlers
    - { name: n3, debug: {}, changed_when: true, notify: "ns.col.r : rh" }
    - meta: flush_handlers
    - assert: { that: ['heard | int == 3'] }
`,
    });
    const r = await run(dir);
    expect(r.results.find((x) => x.task === 'in r')?.msg).toBe('r');
    expect(rows(r).filter((x) => x.includes(':rh:'))).toHaveLength(3);
    expect(r.results.at(-1)?.status).toBe('ok');
  });
});

describe('handlers notified by name', () => {
  it('runs only the first handler of that name, and every handler listening to it', async () => {
    const dir = setup({
      'play.yml': `- hosts: A
  gather_facts: false
  tasks:
    - { name: n, debug: {}, changed_when: true, notify: same }
  handlers:
    - { name: same, debug: { msg: first } }
    - { name: same, debug: { msg: second } }
    - { name: other, debug: { msg: listener }, listen: same }
`,
    });
    const r = await run(dir);
    expect(r.results.filter((x) => x.task !== 'n').map((x) => x.msg)).toEqual(['first', 'listener']);
  });

  it("prefers the play's own handler to a role's of the same name", async () => {
    const dir = setup({
      'roles/r/handlers/main.yml': '- { name: same, debug: { msg: role } }\n',
      'play.yml':
        '- hosts: A\n  gather_facts: false\n  roles: [r]\n  tasks:\n    - { name: n, debug: {}, changed_when: true, notify: same }\n' +
        '  handlers:\n    - { name: same, debug: { msg: play } }\n',
    });
    expect((await run(dir)).results.filter((x) => x.task !== 'n').map((x) => x.msg)).toEqual(['play']);
  });
});

describe('the implicit localhost', () => {
  it('runs a play of `hosts: localhost` on the controller when the inventory has no localhost', async () => {
    const dir = setup({
      'play.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - { name: here, debug: { msg: "{{ inventory_hostname }}" } }\n',
    });
    const r = await run(dir);
    expect(rows(r)).toEqual(['localhost:here:ok']);
    expect(Object.keys(r.recap)).toEqual(['localhost']);
  });
});

describe('templated handler names and notify', () => {
  it("renders notify with the task's vars (a list too) and handler names with the play's; a templated listen answers nothing", async () => {
    const dir = setup({
      'play.yml': `- hosts: A
  gather_facts: false
  vars: { h1: one, h2: two, many: [three, four] }
  tasks:
    - { name: n1, debug: {}, changed_when: true, notify: ["{{ h1 }}", "{{ h2 }}"] }
    - meta: flush_handlers
    - { name: n2, debug: {}, changed_when: true, notify: "{{ many }}" }
  handlers:
    - { name: one, debug: { msg: one } }
    - { name: "{{ h2 }}", debug: { msg: two } }
    - { name: three, debug: { msg: three } }
    - { name: l4, debug: { msg: four }, listen: four }
    - { name: l5, debug: { msg: never }, listen: "{{ h1 }}" }
`,
    });
    const r = await run(dir);
    expect(r.results.filter((x) => !x.task.startsWith('n')).map((x) => x.msg)).toEqual(['one', 'two', 'three', 'four']);
  });

  it("gives an include_role's handlers to the play only once the include ran, after the play's own", async () => {
    const dir = setup({
      'roles/r/tasks/main.yml': '- { name: in r, debug: {}, changed_when: true, notify: same }\n',
      'roles/r/handlers/main.yml': '- { name: same, debug: { msg: role } }\n',
      'play.yml': `- hosts: A
  gather_facts: false
  tasks:
    - { name: before, debug: {}, changed_when: true, notify: same }
    - meta: flush_handlers
    - include_role: { name: r }
  handlers:
    - { name: same, debug: { msg: play } }
`,
    });
    const msgs = (await run(dir)).results.filter((x) => x.task === 'same').map((x) => x.msg);
    expect(msgs).toEqual(['play', 'role']);
  });
});
