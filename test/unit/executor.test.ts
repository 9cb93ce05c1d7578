// The executor on the local connection: real shell commands on this machine, in a temp directory.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { noReads } from '../../engine/module.ts';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook, type RunOptions } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { createModuleRegistry } from '../../engine/moduleRegistry.ts';
import type { ModuleDefinition, RunReport, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(playbookText: string, hosts = ['h1', 'h2']) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-exec-'));
  writeFileSync(path.join(dir, 'inv'), `[all]\n${hosts.map((h) => `${h} ansible_connection=local`).join('\n')}\n`);
  writeFileSync(path.join(dir, 'play.yml'), playbookText.replaceAll('DIR', dir));
  return dir;
}

async function run(dir: string, opts: Partial<RunOptions> = {}, playbookFile = path.join(dir, 'play.yml')): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(loadPlaybook(playbookFile, moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
    ...opts,
  });
}

const rows = (r: RunReport, host: string) => r.results.filter((x) => x.host === host).map((x) => `${x.task}:${x.status}`);

describe('executor', () => {
  it('runs handlers once per host, in definition order, only when notified by a change', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - name: a
      copy: { dest: "DIR/{{ inventory_hostname }}.a", content: a }
      notify: [second, first]
    - name: b
      copy: { dest: "DIR/{{ inventory_hostname }}.a", content: a }
      notify: first
  handlers:
    - name: first
      shell: echo first >> DIR/{{ inventory_hostname }}.log
    - name: second
      shell: echo second >> DIR/{{ inventory_hostname }}.log
    - name: never
      shell: echo never >> DIR/{{ inventory_hostname }}.log
`);
    const r1 = await run(dir);
    expect(readFileSync(path.join(dir, 'h1.log'), 'utf8')).toBe('first\nsecond\n');
    expect(rows(r1, 'h1')).toEqual(['a:changed', 'b:ok', 'first:changed', 'second:changed']);
    const r2 = await run(dir);
    expect(rows(r2, 'h2')).toEqual(['a:ok', 'b:ok']);
  });

  it('routes failures to rescue, counts them as rescued, and always runs always', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: fails on h1
          fail: { msg: boom }
          when: inventory_hostname == 'h1'
        - name: after
          debug: { msg: after }
      rescue:
        - name: rescue
          debug: { msg: "{{ ansible_failed_result.msg }}" }
      always:
        - name: always
          debug: { msg: always }
    - name: continues
      debug: { msg: on }
`);
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual(['fails on h1:failed', 'rescue:ok', 'always:ok', 'continues:ok']);
    expect(rows(r, 'h2')).toEqual(['fails on h1:skipped', 'after:ok', 'always:ok', 'continues:ok']);
    expect(r.recap.h1).toMatchObject({ failed: 0, rescued: 1 });
    expect(r.results.find((x) => x.host === 'h1' && x.task === 'rescue')?.msg).toBe('boom');
  });

  it('removes a failed host from the play; ignore_errors keeps it going', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - name: soft
      command: "false"
      ignore_errors: true
    - name: hard
      command: "false"
      when: inventory_hostname == 'h2'
    - name: last
      debug: { msg: x }
`);
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual(['soft:failed', 'hard:skipped', 'last:ok']);
    expect(rows(r, 'h2')).toEqual(['soft:failed', 'hard:failed']);
    expect(r.recap.h1).toMatchObject({ ignored: 1, failed: 0 });
    expect(r.recap.h2).toMatchObject({ ignored: 1, failed: 1 });
  });

  it('renders templated boolean keywords per host, and fails a task whose keyword does not render', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - name: soft on h1 only
      command: "false"
      ignore_errors: "{{ inventory_hostname == 'h1' }}"
    - name: guard undefined, skipped
      command: "true"
      ignore_errors: "{{ nope }}"
      when: false
    - name: guard undefined
      command: "true"
      ignore_errors: "{{ nope }}"
      when: inventory_hostname == 'h1'
`);
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual(['soft on h1 only:failed', 'guard undefined, skipped:skipped', 'guard undefined:failed']);
    expect(rows(r, 'h2')).toEqual(['soft on h1 only:failed']);
    expect(r.recap.h1).toMatchObject({ ignored: 1, failed: 1 });
    expect(r.recap.h2).toMatchObject({ ignored: 0, failed: 1 });
    expect(r.results.find((x) => x.task === 'guard undefined')?.msg).toMatch(/play\.yml:13:22: 'nope' is undefined/);
  });

  it("reads check_mode and no_log from templates, with Ansible's boolean words", async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { dry: "yes", quiet: "{{ 1 == 1 }}" }
  tasks:
    - name: dry
      copy: { dest: "DIR/dry", content: x }
      check_mode: "{{ dry }}"
    - name: quiet
      debug: { msg: the secret }
      no_log: "{{ quiet }}"
`,
      ['h1'],
    );
    const r = await run(dir);
    expect(existsSync(path.join(dir, 'dry'))).toBe(false);
    expect(rows(r, 'h1')).toEqual(['dry:changed', 'quiet:ok']);
    expect(JSON.stringify(r.results.find((x) => x.task === 'quiet'))).not.toContain('the secret');
  });

  it('a check_mode task in a real run leaves no prediction: the next one sees the unchanged host, as in Ansible', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: first
      copy: { dest: "DIR/once", content: x }
      check_mode: true
    - name: second
      copy: { dest: "DIR/once", content: x }
      check_mode: true
`,
      ['h1'],
    );
    const r = await run(dir);
    expect(existsSync(path.join(dir, 'once'))).toBe(false);
    expect(rows(r, 'h1')).toEqual(['first:changed', 'second:changed']);
    // In a --check run the second task reads the first one's prediction: what the real run would do.
    expect(rows(await run(dir, { check: true }), 'h1')).toEqual(['first:changed', 'second:ok']);
  });

  it('loops with loop_var, registers results and evaluates when per item', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { names: [x, y, z] }
  tasks:
    - name: files
      copy: { dest: "DIR/{{ inventory_hostname }}-{{ n }}", content: "{{ n }}" }
      loop: "{{ names }}"
      loop_control: { loop_var: n }
      when: n != 'y'
      register: out
    - name: check
      assert:
        that:
          - out.results | length == 3
          - out.results[1].skipped
          - out.changed
`,
      ['h1'],
    );
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual(['files:changed', 'files:skipped', 'files:changed', 'check:ok']);
    expect(existsSync(path.join(dir, 'h1-y'))).toBe(false);
    expect(readFileSync(path.join(dir, 'h1-z'), 'utf8')).toBe('z');
  });

  it('check mode predicts changes and never applies them', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: write
      copy: { dest: "DIR/f", content: x }
      notify: h
    - name: guarded
      shell: touch DIR/g
      args: { creates: DIR/g }
    - name: unguarded
      shell: touch DIR/u
  handlers:
    - name: h
      shell: touch DIR/handler
      args: { creates: DIR/handler }
`,
      ['h1'],
    );
    const r = await run(dir, { check: true });
    expect(rows(r, 'h1')).toEqual(['write:changed', 'guarded:changed', 'unguarded:unknown', 'h:changed']);
    expect(['f', 'g', 'u', 'handler'].filter((f) => existsSync(path.join(dir, f)))).toEqual([]);
    expect(r.recap.h1).toMatchObject({ changed: 3, unknown: 1 });
  });

  it('filters by tags with always and never', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - { name: a, debug: { msg: a }, tags: [web] }
    - { name: b, debug: { msg: b }, tags: [db] }
    - { name: c, debug: { msg: c }, tags: [always] }
    - { name: d, debug: { msg: d }, tags: [never, debug] }
    - block:
        - { name: e, debug: { msg: e } }
      tags: web
`,
      ['h1'],
    );
    expect(rows(await run(dir, { tags: { only: ['web'], skip: [] } }), 'h1')).toEqual(['a:ok', 'c:ok', 'e:ok']);
    expect(rows(await run(dir, { tags: { only: [], skip: ['web'] } }), 'h1')).toEqual(['b:ok', 'c:ok']);
    expect(rows(await run(dir, { tags: { only: ['debug'], skip: [] } }), 'h1')).toEqual(['c:ok', 'd:ok']);
  });

  it("carries a module's warnings to the result, redacted, and hides them under no_log", async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars:
    db_password: hunter2-secret-value
  tasks:
    - name: warned
      command: { cmd: "true", executable: "/bin/{{ db_password }}" }
    - name: hidden
      command: { cmd: "true", executable: /bin/bash }
      no_log: true
`,
      ['h1'],
    );
    const r = await run(dir);
    const [warned, hidden] = r.results;
    expect(warned?.warnings).toEqual([
      "As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bin/********'.",
    ]);
    expect(hidden?.warnings).toBeUndefined();
  });

  it('fails a task on a missing variable, naming it and the task location', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: uses a missing var
      copy: { dest: "DIR/{{ nope }}", content: x }
`,
      ['h1'],
    );
    const r = await run(dir);
    expect(r.results[0]?.status).toBe('failed');
    expect(r.results[0]?.msg).toBe(`'nope' is undefined in '${dir}/{{ nope }}' (${path.join(dir, 'play.yml')}:4:7)`);
  });

  it('layers variables: extra vars > set_fact > task vars > play vars > inventory', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { a: play, b: play, c: play, d: play }
  tasks:
    - set_fact: { c: fact }
    - name: show
      vars: { b: task, c: task }
      copy: { dest: "DIR/vars", content: "{{ a }} {{ b }} {{ c }} {{ d }} {{ inv }}" }
`,
      ['h1'],
    );
    writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local inv=inventory a=inventory\n');
    await run(dir, { extraVars: { d: 'extra' } });
    expect(readFileSync(path.join(dir, 'vars'), 'utf8')).toBe('play task fact extra inventory');
  });

  it('takes group_vars beside the playbook as defaults that the inventory overrides', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "DIR/defaults", content: "{{ a }} {{ b }} {{ c }}" }
`,
      ['h1'],
    );
    const pb = path.join(dir, 'playbooks');
    mkdirSync(path.join(pb, 'group_vars'), { recursive: true });
    writeFileSync(path.join(pb, 'play.yml'), readFileSync(path.join(dir, 'play.yml')));
    writeFileSync(path.join(pb, 'group_vars', 'all.yml'), 'a: default-a\nb: default-b\nc: default-c\n');
    writeFileSync(path.join(dir, 'inv'), '[g]\nh1 ansible_connection=local\n[g:vars]\nb=inventory-b\n');
    await run(dir, { extraVars: { c: 'extra-c' } }, path.join(pb, 'play.yml'));
    expect(readFileSync(path.join(dir, 'defaults'), 'utf8')).toBe('default-a inventory-b extra-c');
  });

  it('check mode reads predicted state: later tasks see what earlier ones would have done', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: dir
      file: { path: DIR/new, state: directory }
    - name: file in it
      copy: { dest: DIR/new/f, content: "a=1\\n" }
    - name: edit it
      lineinfile: { path: DIR/new/f, regexp: '^a=', line: a=2 }
    - name: stat it
      stat: { path: DIR/new/f }
      register: st
    - name: it would exist
      assert: { that: [st.stat.exists, st.stat.isreg] }
    - name: guarded by what copy creates
      command: cat DIR/new/f
      args: { creates: DIR/new/f }
    - name: remove the dir
      file: { path: DIR/new, state: absent }
    - name: gone with its parent
      stat: { path: DIR/new/f }
      register: gone
    - assert: { that: [not gone.stat.exists] }
`,
      ['h1'],
    );
    const check = await run(dir, { check: true });
    const real = await run(dir);
    expect(rows(check, 'h1')).toEqual(rows(real, 'h1'));
    expect(rows(check, 'h1')).toEqual([
      'dir:changed',
      'file in it:changed',
      'edit it:changed',
      'stat it:ok',
      'it would exist:ok',
      'guarded by what copy creates:ok',
      'remove the dir:changed',
      'gone with its parent:ok',
      'assert:ok',
    ]);
  });

  it('check mode reports unknown for unpredictable commands and for everything that depends on them', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: opaque
      shell: echo hi
      register: r
      notify: h
    - name: depends
      debug: { msg: "{{ r.stdout }}" }
    - name: condition depends
      copy: { dest: DIR/x, content: x }
      when: r.rc == 0
    - name: independent
      copy: { dest: DIR/y, content: y }
  handlers:
    - name: h
      debug: { msg: handler }
`,
      ['h1'],
    );
    const r = await run(dir, { check: true });
    expect(rows(r, 'h1')).toEqual(['opaque:unknown', 'depends:unknown', 'condition depends:unknown', 'independent:changed', 'h:unknown']);
    expect(r.results[1]?.msg).toMatch(/depends on 'r', which check mode could not predict/);
    expect(r.recap.h1).toMatchObject({ unknown: 4, changed: 1 });
  });

  it('redacts secret variables and no_log output from results and diffs', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { db_password: hunter22-secret }
  tasks:
    - name: config with a secret
      copy: { dest: DIR/db.conf, content: "password={{ db_password }}\\n" }
    - name: hidden
      debug: { msg: "{{ db_password }}" }
      no_log: true
    - name: shown
      debug: { msg: "pw is {{ db_password }}" }
`,
      ['h1'],
    );
    const r = await run(dir, { diff: true });
    const text = JSON.stringify(r.results);
    expect(text).not.toContain('hunter22-secret');
    expect(r.results[0]?.diff?.[0]?.after).toBe('password=********\n');
    expect(r.results[1]?.msg).toBe('the output has been hidden due to no_log: true');
    expect(r.results[2]?.msg).toBe('pw is ********');
    expect(readFileSync(path.join(dir, 'db.conf'), 'utf8')).toBe('password=hunter22-secret\n');
  });

  it('runs serial batches in order and stops when the failure budget is exceeded', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  serial: [1, 2]
  max_fail_percentage: 0
  tasks:
    - name: work
      shell: echo {{ inventory_hostname }} >> DIR/order && test {{ inventory_hostname }} != h3
`,
      ['h1', 'h2', 'h3', 'h4', 'h5'],
    );
    const r = await run(dir);
    expect(readFileSync(path.join(dir, 'order'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['h1', 'h2', 'h3']);
    expect(r.results.map((x) => `${x.host}:${x.batch}:${x.status}`)).toEqual(
      expect.arrayContaining(['h1:1:changed', 'h2:2:changed', 'h3:2:failed']),
    );
    expect(r.notRun).toEqual(['h4', 'h5']);
  });

  it('retries until a condition holds, runs run_once tasks once, and throttles', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: flaky
      shell: echo x >> DIR/{{ inventory_hostname }}.tries && test $(wc -l < DIR/{{ inventory_hostname }}.tries) -ge 3
      register: flaky
      until: flaky.rc == 0
      retries: 5
      delay: 0
      failed_when: false
    - name: once
      shell: echo once >> DIR/once
      register: once_result
    - name: every host sees the run_once result
      assert: { that: [once_result.rc == 0] }
`,
      ['h1', 'h2'],
    );
    const pb = readFileSync(path.join(dir, 'play.yml'), 'utf8').replace(
      '      register: once_result',
      '      register: once_result\n      run_once: true',
    );
    writeFileSync(path.join(dir, 'play.yml'), pb);
    const r = await run(dir);
    expect(readFileSync(path.join(dir, 'h1.tries'), 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
    expect(readFileSync(path.join(dir, 'once'), 'utf8')).toBe('once\n');
    expect(rows(r, 'h2')).toEqual(['flaky:changed', 'every host sees the run_once result:ok']);
  });

  it('fails a task whose command outlives its timeout', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: slow
      command: sleep 5
      timeout: 1
`,
      ['h1'],
    );
    const started = Date.now();
    const r = await run(dir);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.results[0]).toMatchObject({ status: 'failed', msg: expect.stringMatching(/timed out.*timeout of 1s/) });
  });

  it('check mode settles a read-only command by changed_when; its output stays unknown to later tasks', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: gate
      command: cat DIR/version
      register: v
      changed_when: false
      failed_when: v.stdout != "2"
    - name: reads the output
      debug: { msg: "{{ v.stdout }}" }
    - name: changed_when reads the output
      command: cat DIR/version
      register: w
      changed_when: w.stdout == "1"
    - name: failed_when without the output
      command: "true"
      changed_when: true
      failed_when: 1 == 2
`,
      ['h1'],
    );
    writeFileSync(path.join(dir, 'version'), '1\n');
    const check = await run(dir, { check: true });
    expect(rows(check, 'h1')).toEqual([
      'gate:ok',
      'reads the output:unknown',
      'changed_when reads the output:unknown',
      'failed_when without the output:changed',
    ]);
    expect(check.results[0]?.msg).toMatch(
      /check mode does not run 'cat .*version'; changed_when says it would not change; its failed_when is judged by the real run/,
    );
    const real = await run(dir);
    expect(rows(real, 'h1')[0]).toBe('gate:failed');
    expect(real.results[0]?.msg).toBe('failed_when is true: v.stdout != "2"; stdout: 1');
  });

  it("a failed_when failure shows the command's exit status and stderr, not only the expression", async () => {
    // A health gate whose command failed said only 'failed_when is true: x.rc != 0 or …' (a rollout stopped with no cause).
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: gate
      shell: "echo 'runc create failed, no such file' >&2; echo"
      register: x
      failed_when: x.rc != 0 or 'ok' not in x.stdout
`,
      ['h1'],
    );
    const r = await run(dir);
    // (A command that exits non-zero fails by itself, with its own message: "non-zero return code 3: …".)
    expect(r.results[0]?.msg).toBe("failed_when is true: x.rc != 0 or 'ok' not in x.stdout; stderr: runc create failed, no such file");
  });

  it('any_errors_fatal stops every host after the task that failed', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: one
      shell: test {{ inventory_hostname }} != h2
    - name: two
      shell: echo {{ inventory_hostname }} >> DIR/two
`,
      ['h1', 'h2', 'h3'],
    );
    const r = await run(dir);
    expect(existsSync(path.join(dir, 'two'))).toBe(false);
    expect(rows(r, 'h1')).toEqual(['one:changed']);
    expect(rows(r, 'h2')).toEqual(['one:failed']);
  });

  it('throttle keeps at most N hosts in a task at once', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: one at a time
      shell: echo "start $(date +%s%N)" >> DIR/log; sleep 0.2; echo "end $(date +%s%N)" >> DIR/log
      throttle: 1
`,
      ['h1', 'h2', 'h3'],
    );
    await run(dir);
    const events = readFileSync(path.join(dir, 'log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .sort((a, b) => Number(BigInt(a[1]!) - BigInt(b[1]!)));
    expect(events.map((e) => e[0])).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
  });

  it('wait_for waits for a path to appear and fails after its timeout otherwise', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: appears
      wait_for: { path: DIR/ready, timeout: 10 }
    - name: never appears
      wait_for: { path: DIR/never, timeout: 1 }
`,
      ['h1'],
    );
    setTimeout(() => writeFileSync(path.join(dir, 'ready'), ''), 700);
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual(['appears:ok', 'never appears:failed']);
    expect(r.results[0]!.durationMs).toBeGreaterThanOrEqual(500);
  });

  it('carries handlers a failed run left pending into the next run, which runs them once', async () => {
    const dir = setup(`- name: p
  hosts: all
  gather_facts: false
  tasks:
    - name: change
      copy: { dest: "DIR/{{ inventory_hostname }}.conf", content: new }
      notify: restart
    - name: breaks on h1 the first time
      shell: test {{ inventory_hostname }} != h1 || test -e DIR/fixed
      changed_when: false
  handlers:
    - name: restart
      shell: echo restarted >> DIR/{{ inventory_hostname }}.log
      changed_when: true
    - name: other
      shell: echo other >> DIR/{{ inventory_hostname }}.log
`);
    const first = await run(dir);
    expect(rows(first, 'h1')).toEqual(['change:changed', 'breaks on h1 the first time:failed']);
    expect(first.pendingHandlers).toEqual({ p: { h1: ['restart'] } });
    writeFileSync(path.join(dir, 'fixed'), '');
    const pendingHandlers: RunReport['pendingHandlers'] = { p: { h1: ['restart', 'no such handler'] }, gone: { h1: ['x'] } };
    const check = await run(dir, { check: true, pendingHandlers });
    expect(rows(check, 'h1')).toEqual(['change:ok', 'breaks on h1 the first time:ok', 'restart:changed']);
    const second = await run(dir, { pendingHandlers });
    expect(rows(second, 'h1')).toEqual(['change:ok', 'breaks on h1 the first time:ok', 'restart:changed']);
    expect(rows(second, 'h2')).toEqual(['change:ok', 'breaks on h1 the first time:ok']);
    expect(readFileSync(path.join(dir, 'h1.log'), 'utf8')).toBe('restarted\n');
    // Entries of plays this playbook no longer has are kept; the play that ran has nothing left.
    expect(second.pendingHandlers).toEqual({ gone: { h1: ['x'] } });
  });
});

describe("read-ahead: later tasks' reads in one exec", () => {
  const commandsOf = (r: RunReport, host: string) => r.results.filter((x) => x.host === host).reduce((n, x) => n + (x.commands ?? 0), 0);
  const sixFiles = `- hosts: all
  gather_facts: false
  tasks:
    - name: one
      copy: { dest: "DIR/{{ inventory_hostname }}.1", content: "1" }
    - name: two
      copy: { dest: "DIR/{{ inventory_hostname }}.2", content: "2" }
    - name: dir
      file: { path: "DIR/{{ inventory_hostname }}.d", state: directory }
    - name: looped
      copy: { dest: "DIR/{{ inventory_hostname }}.{{ item }}", content: "{{ item }}" }
      loop: [a, b, c]
    - name: three
      copy: { dest: "DIR/{{ inventory_hostname }}.3", content: "3" }
`;

  it('a converged run reads in a few execs instead of one per task, with the same results; --check too', async () => {
    const dir = setup(sixFiles);
    const first = await run(dir);
    expect(rows(first, 'h1').every((r) => r.endsWith(':changed'))).toBe(true);
    const again = await run(dir);
    expect(rows(again, 'h1')).toEqual(['one:ok', 'two:ok', 'dir:ok', 'looped:ok', 'looped:ok', 'looped:ok', 'three:ok']);
    // Seven reads; the window grows 8 → the first exec brings them all.
    expect(commandsOf(again, 'h1')).toBe(1);
    expect(commandsOf(again, 'h2')).toBe(1);
    const check = await run(dir, { check: true });
    expect(rows(check, 'h1')).toEqual(rows(again, 'h1'));
    expect(commandsOf(check, 'h1')).toBe(1);
  });

  it('a read made before an earlier task changed the host is not used: the task reads again', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - name: unchanged
      copy: { dest: "DIR/{{ inventory_hostname }}.c", content: "c" }
    - name: writes
      copy: { dest: "DIR/{{ inventory_hostname }}.d", content: "new" }
    - name: same file again
      file: { path: "DIR/{{ inventory_hostname }}.d", state: file }
`);
    for (const h of ['h1', 'h2']) writeFileSync(path.join(dir, `${h}.c`), 'c');
    const r = await run(dir);
    // "same file again" was read in the first exec, when the file did not exist; after "writes" wrote
    // it, that read is stale. Served, it would make the task fail (state: file needs an existing file).
    expect(rows(r, 'h1')).toEqual(['unchanged:ok', 'writes:changed', 'same file again:ok']);
    expect(r.results.find((x) => x.host === 'h1' && x.task === 'same file again')!.commands).toBe(1);
    expect(r.results.find((x) => x.host === 'h1' && x.task === 'unchanged')!.commands).toBe(1);
  });

  it('stops at a task whose command changes the host, and at one whose arguments need a registered result', async () => {
    const dir = setup(`- hosts: all
  gather_facts: false
  tasks:
    - name: a
      copy: { dest: "DIR/{{ inventory_hostname }}.a", content: "a" }
    - name: cmd
      command: cat DIR/{{ inventory_hostname }}.a
      register: out
      changed_when: false
    - name: uses it
      copy: { dest: "DIR/{{ inventory_hostname }}.b", content: "{{ out.stdout }}" }
`);
    await run(dir);
    const r = await run(dir);
    expect(rows(r, 'h1')).toEqual(['a:ok', 'cmd:ok', 'uses it:ok']);
    expect(readFileSync(path.join(dir, 'h1.b'), 'utf8')).toBe('a');
    expect(r.results.filter((x) => x.host === 'h1').map((x) => x.commands)).toEqual([1, 1, 1]);
  });
});

describe('loops and variables from hostile or unusual input', () => {
  it('with_items takes a templated scalar as one item and flattens a templated list one level, as Ansible does', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { one: solo, nested: [[a, b], c] }
  tasks:
    - name: scalar
      debug: { msg: "{{ item }}" }
      with_items: "{{ one }}"
    - name: nested
      debug: { msg: "{{ item }}" }
      with_items: "{{ nested }}"
`,
      ['h1'],
    );
    const r = await run(dir);
    expect(r.results.map((x) => `${x.task}:${x.msg}`)).toEqual(['scalar:solo', 'nested:a', 'nested:b', 'nested:c']);
  });

  it('a templated loop that is not a list fails at the loop, naming its file and line', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { word: text }
  tasks:
    - name: bad loop
      debug: { msg: "{{ item }}" }
      loop: "{{ word }}"
`,
      ['h1'],
    );
    const r = await run(dir);
    expect(r.results[0]?.status).toBe('failed');
    expect(r.results[0]?.msg).toBe(`loop needs a list, got string (${path.join(dir, 'play.yml')}:7:13)`);
  });

  it('an include that cannot be loaded has its TASK header and obeys ignore_errors', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { f: missing.yml }
  tasks:
    - name: include a missing file
      include_tasks: "{{ f }}"
      ignore_errors: true
    - name: after
      debug: { msg: still here }
`,
      ['h1'],
    );
    const titles: string[] = [];
    const r = await run(dir, {
      events: { playStart: () => undefined, taskStart: (t) => void titles.push(t.title), result: () => undefined },
    });
    expect(titles).toEqual(['include a missing file', 'after']);
    expect(r.results.map((x) => `${x.task}:${x.status}${x.ignored ? ':ignored' : ''}`)).toEqual([
      'include a missing file:failed:ignored',
      'after:ok',
    ]);
    expect(r.recap.h1).toMatchObject({ failed: 0, ignored: 1 });
  });
});

describe('a module whose apply step throws', () => {
  // A module that plans a change and then fails while applying it (as the atomic writer can).
  const breaking: ModuleDefinition = {
    name: 'breaking',
    runsOn: 'host',
    schema: { type: 'object', properties: {}, additionalProperties: false },
    probe: () => noReads({}),
    decide: () => ({ kind: 'change', msg: 'would write', summary: [{ verb: 'write', object: 'file' }], change: {} }),
    apply: async () => Promise.reject(new Error('write failed: No space left on device')),
  };
  const registry = createModuleRegistry([
    ...moduleRegistry
      .names()
      .map((n) => moduleRegistry.find(n)!)
      .filter((m, i, all) => all.indexOf(m) === i),
    breaking,
  ]);

  it("fails the task with the error, and failed_when judges it as a module's failure, as in Ansible (#13)", async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: judged
      breaking: {}
      register: r
      failed_when: false
    - name: plain
      breaking: {}
`,
      ['h1'],
    );
    const report = await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), registry), loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 5,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 5000 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
      stopping: () => false,
    });
    // failed_when: false makes the module's failure ok (changed: the change was attempted, as Ansible reports it).
    expect(report.results.map((x) => `${x.task}:${x.status === 'failed' ? 'failed' : 'not failed'}`)).toEqual([
      'judged:not failed',
      'plain:failed',
    ]);
    expect(report.results[1]!.msg).toBe('write failed: No space left on device');
  });
});

describe("a module's secret arguments", () => {
  // A module that echoes its token in its message, as a careless module might.
  const echoing: ModuleDefinition = {
    name: 'echoing',
    runsOn: 'controller',
    secretArgs: ['token'],
    schema: { type: 'object', properties: { token: { type: 'string' } }, additionalProperties: false },
    probe: () => noReads({}),
    decide: (args: { token: string }) => ({ kind: 'ok', msg: `token is ${args.token}` }),
  };
  const registry = createModuleRegistry([echoing]);

  it('are masked in results, written literally or rendered from a variable', async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  vars: { from_var: "rendered-secret-42" }
  tasks:
    - name: literal
      echoing: { token: literal-secret-17 }
    - name: templated
      echoing: { token: "{{ from_var }}" }
`,
      ['h1'],
    );
    const results: TaskResult[] = [];
    await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), registry), loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 5,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 5000 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
      stopping: () => false,
    });
    expect(results.map((r) => r.msg)).toEqual(['token is ********', 'token is ********']);
  });
});

describe("a module's stdout and stderr", () => {
  // A module whose result has stdout and stderr but not their lines, as apt's has.
  const talking: ModuleDefinition = {
    name: 'talking',
    runsOn: 'controller',
    schema: { type: 'object', properties: {}, additionalProperties: false },
    probe: () => noReads({}),
    decide: () => ({ kind: 'ok', msg: 'said', data: { stdout: 'one\n\ntwo\n', stderr: '' } }),
  };
  const registry = createModuleRegistry([talking, moduleRegistry.find('assert')!]);

  it("are split into stdout_lines and stderr_lines, as Ansible's action plugins add them", async () => {
    const dir = setup(
      `- hosts: all
  gather_facts: false
  tasks:
    - name: talk
      talking: {}
      register: r
    - name: check
      assert:
        that:
          - r.stdout_lines == ['one', '', 'two']
          - r.stderr_lines == []
`,
      ['h1'],
    );
    const report = await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), registry), loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 5,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 5000 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
      stopping: () => false,
    });
    expect(report.results.map((x) => `${x.task}:${x.status}`)).toEqual(['talk:ok', 'check:ok']);
  });
});
